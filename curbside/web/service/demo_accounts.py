"""Demo accounts for trying the whole service on a laptop: an asker, two doctors (linked to
two of the fictional demo doctors) and a moderator. Only `curbside demo` creates them; the
README lists the credentials, which are for local use only."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils import timezone

from curbside.web.qa import models as qa
from curbside.web.service.models import Account

DEMO_PASSWORD = "curbside-demo"
# username -> (role, demo doctor id or None)
DEMO_ACCOUNTS = {
    "demo-asker": ("asker", None),
    "demo-neurologist": ("doctor", "demo-amara-okafor"),
    "demo-cardiologist": ("doctor", "demo-priya-raman"),
    "demo-moderator": ("moderator", None),
}


def moderators_group() -> Group:
    """Moderators may view everything in /admin/ and change content and accounts; the
    audit log stays read-only for everyone (its admin refuses changes)."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    wanted = Permission.objects.filter(content_type__app_label__in=["qa", "service", "auth"]) \
        .exclude(codename__startswith="delete_").exclude(content_type__model__in=["permission", "group"])
    group.permissions.set(wanted)
    return group


@transaction.atomic
def ensure_demo_accounts() -> list[str]:
    """Create the demo accounts that are missing; returns the usernames created."""
    created = []
    for username, (role, doctor_id) in DEMO_ACCOUNTS.items():
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username, f"{username}@example.invalid", DEMO_PASSWORD,
                                        is_staff=role == "moderator")
        Account.objects.create(user=user, role=role, email_verified_at=timezone.now())
        if role == "moderator":
            user.groups.add(moderators_group())
        if doctor_id:
            qa.Doctor.objects.filter(pk=doctor_id, user__isnull=True).update(user=user)
        created.append(username)
    return created
