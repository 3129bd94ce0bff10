import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse
# to run in it without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CURBSIDE_SHARED_DIR") or REPO.parent / "shared")
SEED_PAGE = SHARED / "seeds" / "004_1d58c5aad264fa84.txt"
SEED_GUIDE = SHARED / "seeds" / "000_1c93832460b9bb75.txt"
BENCH = SHARED / "bench"
CHROMIUM = "/usr/bin/chromium"


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"curbside database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})"


def shared_file(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here: set CURBSIDE_SHARED_DIR to the shared/ folder")
    return path


@pytest.fixture
def seed_page() -> Path:
    return shared_file(SEED_PAGE)


@pytest.fixture
def seed_guide() -> Path:
    return shared_file(SEED_GUIDE)


@pytest.fixture
def bench_dir() -> Path:
    return shared_file(BENCH)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (Debian package chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in Django's (per-process) cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a password by design; tests create hundreds of accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let Django empty the audit table between transactional tests: the database refuses
    DELETE and TRUNCATE on it unless this row exists (migration service/0004), and nothing in
    Curbside itself writes it."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO service_audit_purge_allowed (allowed) VALUES (1)")
