import pytest

from curbside.config import load_config
from curbside.errors import ConfigError


def env(tmp_path, **values):
    return {"CURBSIDE_DATA_DIR": str(tmp_path), **values}


def test_defaults(tmp_path):
    config = load_config(env(tmp_path))
    assert config.database_url == f"sqlite:///{tmp_path / 'curbside.sqlite3'}"
    assert config.port == 8000 and config.debug is False
    assert (tmp_path / "secret_key").exists()
    assert load_config(env(tmp_path)).secret_key == config.secret_key  # kept across restarts


@pytest.mark.parametrize("name, value, message", [
    ("CURBSIDE_DEBUG", "yes", "CURBSIDE_DEBUG='yes': expected true or false"),
    ("CURBSIDE_PORT", "eighty", "CURBSIDE_PORT='eighty': expected a whole number"),
    ("CURBSIDE_PORT", "70000", "expected a number from 1 to 65535"),
    ("DATABASE_URL", "mysql://x/y", "unsupported scheme 'mysql'"),
    ("CURBSIDE_SECRET_KEY_FILE", "/nonexistent/key", "CURBSIDE_SECRET_KEY_FILE='/nonexistent/key': cannot read it"),
    ("CURBSIDE_SMTP_URL", "mail.example.org:25", "CURBSIDE_SMTP_URL must look like smtp://"),
    ("CURBSIDE_SMTP_URL", "smtp://mail.example.org:twenty", "CURBSIDE_SMTP_URL has a port that is not a number"),
    ("CURBSIDE_CLAIM_MINUTES", "2", "CURBSIDE_CLAIM_MINUTES='2'"),
    ("CURBSIDE_HTTPS", "on", "CURBSIDE_HTTPS='on': expected true or false"),
    ("CURBSIDE_RATE_LIMITS", "maybe", "CURBSIDE_RATE_LIMITS='maybe'"),
])
def test_bad_values_stop_with_the_variable_named(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(env(tmp_path, **{name: value}))


def test_secret_from_file(tmp_path):
    (tmp_path / "k").write_text("s3cret\n")
    assert load_config(env(tmp_path, CURBSIDE_SECRET_KEY_FILE=str(tmp_path / "k"))).secret_key == "s3cret"


def test_service_settings(tmp_path):
    config = load_config(env(tmp_path, CURBSIDE_SMTP_URL="smtp+tls://u:p@mail.example.org:587",
                             CURBSIDE_CLAIM_MINUTES="30", CURBSIDE_HTTPS="true", CURBSIDE_RATE_LIMITS="false"))
    assert config.smtp_url == "smtp+tls://u:p@mail.example.org:587"
    assert (config.claim_minutes, config.https, config.rate_limits) == (30, True, False)
    defaults = load_config(env(tmp_path))
    assert (defaults.smtp_url, defaults.claim_minutes, defaults.https, defaults.rate_limits) == (None, 120, False, True)


def test_smtp_url_becomes_django_email_settings():
    from curbside.web.settings import email_settings

    smtp = email_settings("smtp+tls://user%40x:p%2Fw@mail.example.org:2525")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == \
        ("mail.example.org", 2525, "user@x", "p/w")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings(None)["EMAIL_BACKEND"].endswith("console.EmailBackend")
