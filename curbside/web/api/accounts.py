"""Tokens and the caller: trade a username and password for a token, revoke it, see who
the token speaks for."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError

from curbside.web.api import schemas as s
from curbside.web.api.errors import rate_limit
from curbside.web.api.schemas import errors
from curbside.web.api.tokens import clean_name, issue_token, revoke
from curbside.web.service import workflow

router = Router(tags=["tokens"])

# Password guessing is slowed twice: per address here, per address and username by django-axes.
TOKEN_RATE = "10/m"


def signed_in_user(request, username: str, password: str):
    # authenticate() goes through django-axes, which counts failures and locks out guessers;
    # Django's ModelBackend refuses inactive (not yet verified) accounts.
    user = authenticate(request, username=username, password=password)
    if user is not None:
        return user
    if getattr(request, "axes_locked_out", False):
        # Left set, the flag makes AxesMiddleware swap this answer for its HTML lockout page.
        request.axes_locked_out = False
        raise HttpError(429, "Too many failed sign-ins: please wait 15 minutes and try again.")
    raise HttpError(401, "Wrong username or password, or the account is not active yet "
                         "(verify your e-mail address first).")


@router.post("/tokens", auth=None, response={201: s.IssuedToken, **errors(400, 401, 413, 415, 422, 429)},
             summary="Issue a token for a username and password; the token is shown only in this response")
def create_token(request, payload: s.TokenRequest):
    rate_limit(request, "api-token", TOKEN_RATE, "ip")
    user = signed_in_user(request, payload.username, payload.password)
    raw = issue_token(user, payload.name)
    return Status(201, {"token": raw, "name": clean_name(payload.name),
                        "username": user.username, "role": workflow.role_of(user)})


@router.delete("/tokens/current", response={204: None, **errors(401)},
               summary="Revoke the token of this request")
def revoke_current_token(request):
    revoke(request.auth)
    return Status(204, None)


def doctor_profile(user) -> dict | None:
    doctor = getattr(user, "doctor", None)
    if doctor is None:
        return None
    return {"id": doctor.id, "name": doctor.name, "verified": doctor.verified, "suspended": doctor.suspended,
            "specialty": {"id": doctor.specialty_id, "name": doctor.specialty.name,
                          "url": reverse("specialty", args=[doctor.specialty_id])}}


@router.get("/me", response={200: s.Me, **errors(401)}, summary="The account this token speaks for")
def me(request):
    user = request.auth.user
    return {"username": user.username, "role": workflow.role_of(user), "doctor": doctor_profile(user),
            "token_name": request.auth.name}
