"""The admin is no back door (issue 12, point 1): a moderator cannot change roles or
permissions there, themselves included; every change made there is audited; the audit log
refuses DELETE (and TRUNCATE) at the database level on both databases."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from curbside.web.qa import models as qa
from curbside.web.service.demo_accounts import ensure_demo_accounts
from curbside.web.service.models import Account, AuditEntry


@pytest.fixture
def moderator(db):
    ensure_demo_accounts()
    return User.objects.get(username="demo-moderator")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "a-long-enough-passphrase")


def change_form_data(user: User, **changes) -> dict:
    data = {"username": user.username, "first_name": "", "last_name": "", "email": user.email,
            "is_active": "on", "is_staff": "on" if user.is_staff else "",
            "groups": [g.pk for g in user.groups.all()], "user_permissions": [],
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_moderator_cannot_make_themselves_superuser(client, moderator):
    client.force_login(moderator)
    url = f"/admin/auth/user/{moderator.pk}/change/"
    assert client.get(url).status_code == 200  # they may look
    response = client.post(url, change_form_data(moderator, is_superuser="on"))
    assert response.status_code == 403
    moderator.refresh_from_db()
    assert not moderator.is_superuser


@pytest.mark.parametrize("path", ["/admin/auth/user/{pk}/password/", "/admin/auth/user/add/",
                                  "/admin/auth/group/add/"])
def test_a_moderator_cannot_reach_the_password_form_or_add_accounts_or_groups(client, moderator, superuser, path):
    client.force_login(moderator)
    assert client.post(path.format(pk=superuser.pk), {"password1": "x" * 20, "password2": "x" * 20,
                                                      "username": "evil", "name": "Evil"}).status_code == 403
    assert not User.objects.filter(username="evil").exists()


def test_a_moderator_cannot_change_an_accounts_role(client, moderator):
    asker = User.objects.create_user("asker9", "a9@example.org", "a-long-enough-passphrase")
    account = Account.objects.create(user=asker, role="asker")
    client.force_login(moderator)
    response = client.post(f"/admin/service/account/{account.pk}/change/", {"user": asker.pk, "role": "moderator"})
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.role == "asker"


def test_a_superusers_change_in_the_admin_is_audited(client, superuser, moderator):
    client.force_login(superuser)
    response = client.post(f"/admin/auth/user/{moderator.pk}/change/", change_form_data(moderator, is_superuser="on"))
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get(action="admin.changed", object_type="user", object_id=str(moderator.pk))
    assert entry.actor_name == "root"
    assert entry.before["is_superuser"] is False and entry.after["is_superuser"] is True
    assert entry.after["password"] == "(set)"  # a secret is marked, never copied


def test_verifying_a_doctor_in_the_admin_is_the_audited_workflow(client, moderator):
    neurology = qa.Specialty.objects.create(id="neurology", name="Neurology")
    doctor = qa.Doctor.objects.create(id="dr-x", name="Test Doctor", specialty=neurology, verified=False)
    client.force_login(moderator)
    response = client.post(f"/admin/qa/doctor/{doctor.pk}/change/", {
        "id": "dr-x", "name": "Test Doctor", "specialty": "neurology", "hospital": "Northgate General",
        "verified": "on", "licence_number": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    doctor.refresh_from_db()
    assert doctor.verified and doctor.hospital == "Northgate General"
    actions = set(AuditEntry.objects.filter(object_id="dr-x").values_list("action", flat=True))
    assert actions == {"doctor.verified", "admin.changed"}  # the workflow's action, and the hospital edit


def test_an_admin_edit_of_content_is_audited(client, moderator):
    neurology = qa.Specialty.objects.create(id="neurology", name="Neurology")
    client.force_login(moderator)
    client.post(f"/admin/qa/specialty/{neurology.pk}/change/", {"id": "neurology", "name": "Neurology and Stroke"})
    entry = AuditEntry.objects.get(action="admin.changed", object_type="specialty")
    assert entry.before["name"] == "Neurology" and entry.after["name"] == "Neurology and Stroke"


def test_the_database_refuses_to_delete_or_empty_the_audit_log(moderator):
    AuditEntry.objects.create(actor=moderator, actor_name="demo-moderator", action="test.entry",
                              object_type="user", object_id=str(moderator.pk))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM service_audit_purge_allowed")  # as on a real site: nobody allowed a purge
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run with deferred checks pending
        for statement in ["DELETE FROM service_auditentry",
                          "UPDATE service_auditentry SET action = 'x'"] + \
                         (["TRUNCATE service_auditentry"] if connection.vendor == "postgresql" else []):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
    assert AuditEntry.objects.filter(action="test.entry").exists()
