"""Issuing, checking and revoking API tokens (curbside.web.api.models.ApiToken)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from curbside.web.api.models import ApiToken

PREFIX = "cs_"  # lets secret scanners and people recognise a leaked Curbside token
NAME_MAX = 100
# last_used_at is a hint for the owner, not an audit trail: writing it at most once a
# minute keeps read requests from taking SQLite's single write lock.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    return name.strip()[:NAME_MAX] or "API token"


def issue_token(user: User, name: str) -> str:
    """A new token for an active user; the raw value is returned once and never stored."""
    if not user.is_active:
        raise ValueError(f"{user.username} is not active: verify the e-mail address first")
    raw = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=clean_name(name), token_hash=digest(raw))
    return raw


def live_token(raw_token: str) -> ApiToken | None:
    """The token's row if it exists, is not revoked and its owner is still active."""
    if not raw_token.startswith(PREFIX):
        return None
    token = (ApiToken.objects.select_related("user").filter(token_hash=digest(raw_token), revoked=False)
             .first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
