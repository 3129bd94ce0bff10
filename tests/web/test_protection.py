"""Rate limits, login throttling, CSRF and security headers, through real requests."""

import pytest
from django.test import Client
from django.urls import reverse

from curbside.web.qa import models as qa
from curbside.web.service import workflow

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def asker(db):
    qa.Specialty.objects.create(id="neurology", name="Neurology")
    user = workflow.sign_up("asker1", "a@example.org", PASSWORD)
    workflow.verify_email(user)
    return user


def statuses(send, times: int) -> list[int]:
    return [send().status_code for _ in range(times)]


def test_sign_up_is_rate_limited_per_address(client, db):
    codes = statuses(lambda: client.post(reverse("signup"), {"username": "", "email": "", "password": ""}), 6)
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_asking_is_rate_limited_per_account(client, asker):
    client.force_login(asker)
    form = {"title": "t", "body": "too short", "asked_for": "self", "age_band": "20~29", "sex": "female",
            "alias": "a", "specialty": "neurology"}
    codes = statuses(lambda: client.post(reverse("ask"), form), 11)
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_suggestions_are_rate_limited_per_address(client, db):
    codes = statuses(lambda: client.get(reverse("suggest"), {"q": "headache"}), 121)
    assert set(codes[:120]) == {200} and codes[120] == 429
    assert client.get(reverse("suggest"), {"q": "headache"}).json()["ok"] is False


def test_repeated_failed_logins_lock_the_address_out(client, asker):
    wrong = {"username": "asker1", "password": "wrong password"}
    codes = statuses(lambda: client.post(reverse("login"), wrong), 5)
    assert codes[:4] == [200] * 4  # the form again, with an error
    locked = client.post(reverse("login"), {"username": "asker1", "password": PASSWORD})
    assert locked.status_code == 429 and b"Too many sign-in attempts" in locked.content


def test_every_form_needs_a_csrf_token(asker):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "asker1", "password": PASSWORD})
    assert response.status_code == 403 and b"This form expired" in response.content


def test_security_headers(client, db):
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers, "no HSTS on plain HTTP"


def test_hsts_behind_https(client, db, settings):
    # What CURBSIDE_HTTPS=true sets (checked in test_config): HSTS on HTTPS responses.
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get(reverse("home"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_mail_goes_out_through_the_configured_smtp_server(client, db, settings):
    """CURBSIDE_SMTP_URL -> Django's SMTP backend -> a server on 127.0.0.1."""
    from curbside.web.settings import email_settings
    from tests.web.smtp_stub import SmtpStub

    server = SmtpStub()
    try:
        for name, value in email_settings(f"smtp://127.0.0.1:{server.port}").items():
            setattr(settings, name, value)
        client.post(reverse("signup"), {"username": "asker2", "email": "new@example.org", "password": PASSWORD})
    finally:
        server.close()
    [(sender, recipients, message)] = server.received
    assert recipients == ["new@example.org"] and "noreply" in sender
    assert message["Subject"] == "Confirm your e-mail address"
    assert "/account/verify/" in message.get_payload(decode=True).decode()
