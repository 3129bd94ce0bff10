"""The suite runs on the database DATABASE_URL names; on PostgreSQL pgvector must be there."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_backend_matches_database_url():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    print(f"\nrunning on {connection.vendor}")


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only")
def test_pgvector_extension_is_available():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    assert row is not None, "the vector extension is missing from the test database (scripts/pg.sh creates it)"
