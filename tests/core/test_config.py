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
])
def test_bad_values_stop_with_the_variable_named(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(env(tmp_path, **{name: value}))


def test_secret_from_file(tmp_path):
    (tmp_path / "k").write_text("s3cret\n")
    assert load_config(env(tmp_path, CURBSIDE_SECRET_KEY_FILE=str(tmp_path / "k"))).secret_key == "s3cret"
