"""Configuration from environment variables, read once and strictly.

A typo must stop start-up with a message naming the variable, never fall back to a
default silently. Every variable is documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from curbside.errors import ConfigError

DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    host: str
    port: int
    site_name: str
    smtp_url: str | None = None
    email_from: str = "Curbside <noreply@localhost>"
    claim_minutes: int = 120
    https: bool = False
    rate_limits: bool = True
    llm_url: str | None = None
    llm_model: str = "default"
    llm_key: str | None = None
    llm_timeout: int = 30

    @property
    def uses_postgres(self) -> bool:
        return not self.database_url.startswith("sqlite:")


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw in ("true", "True", "1"):
        return True
    if raw in ("false", "False", "0"):
        return False
    raise ConfigError(f"{name}={raw!r}: expected true or false")


def env_int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r}: expected a number from {low} to {high}")
    return value


def env_secret(env: Mapping[str, str], name: str) -> str | None:
    """NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    if env.get(name):
        return env[name]
    path = env.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{name}_FILE={path!r}: cannot read it ({exc.strerror})") from None


def default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "curbside"


def check_database_url(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL={url!r}: unsupported scheme {scheme!r} "
            "(use sqlite:///PATH or postgres://USER@HOST:PORT/NAME)"
        )
    return url


SMTP_SCHEMES = ("smtp", "smtps", "smtp+tls")


def check_smtp_url(url: str | None) -> str | None:
    """smtp://[user:password@]host[:port]; smtp+tls:// uses STARTTLS, smtps:// implicit TLS."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"CURBSIDE_SMTP_URL must look like smtp://user:password@host:587 "
            f"(schemes: {', '.join(SMTP_SCHEMES)}); got scheme {parts.scheme!r}"
        )
    try:
        parts.port
    except ValueError:
        raise ConfigError("CURBSIDE_SMTP_URL has a port that is not a number") from None
    return url


def stored_secret_key(data_dir: Path) -> str:
    """A per-install random key kept in the data directory, so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def load_config(env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    data_dir = Path(env.get("CURBSIDE_DATA_DIR") or default_data_dir(env)).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"CURBSIDE_DATA_DIR={str(data_dir)!r}: cannot create it ({exc.strerror})"
        ) from None
    database_url = check_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'curbside.sqlite3'}"
    )
    hosts = tuple(h.strip() for h in env.get("CURBSIDE_ALLOWED_HOSTS", "").split(",") if h.strip())
    return Config(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=env_secret(env, "CURBSIDE_SECRET_KEY") or stored_secret_key(data_dir),
        debug=env_bool(env, "CURBSIDE_DEBUG", False),
        allowed_hosts=hosts or ("127.0.0.1", "localhost", "[::1]"),
        host=env.get("CURBSIDE_HOST") or "127.0.0.1",
        port=env_int(env, "CURBSIDE_PORT", 8000, 1, 65535),
        site_name=env.get("CURBSIDE_SITE_NAME") or "Curbside",
        smtp_url=check_smtp_url(env_secret(env, "CURBSIDE_SMTP_URL")),
        email_from=env.get("CURBSIDE_EMAIL_FROM") or "Curbside <noreply@localhost>",
        claim_minutes=env_int(env, "CURBSIDE_CLAIM_MINUTES", 120, 5, 7 * 24 * 60),
        https=env_bool(env, "CURBSIDE_HTTPS", False),
        rate_limits=env_bool(env, "CURBSIDE_RATE_LIMITS", True),
        llm_url=llm_url(env),
        llm_model=env.get("CURBSIDE_LLM_MODEL") or "default",
        llm_key=env_secret(env, "CURBSIDE_LLM_KEY"),
        llm_timeout=env_int(env, "CURBSIDE_LLM_TIMEOUT", 30, 1, 600),
    )


def llm_url(env: Mapping[str, str]) -> str | None:
    """An OpenAI-compatible endpoint that may rephrase assembled text (optional; checked drafts only)."""
    url = env.get("CURBSIDE_LLM_URL")
    if not url:
        return None
    from curbside.enrich.llm import check_llm_url

    return check_llm_url(url, "CURBSIDE_LLM_URL")
