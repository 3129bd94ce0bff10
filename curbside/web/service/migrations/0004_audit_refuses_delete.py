"""The audit log refuses DELETE (and, on PostgreSQL, TRUNCATE) at the database level too.

A purge is allowed only while the one-row table ``service_audit_purge_allowed`` holds a row.
Nothing in Curbside writes that row; the test suite does, once per test database, because
Django empties tables between transactional tests with DELETE (SQLite) or TRUNCATE
(PostgreSQL). The table has no model, so that emptying never touches it. An operator who
really must purge the log has to say so in SQL first, which no admin page or ORM call does.
"""

from django.db import migrations

GUARD = "NOT EXISTS (SELECT 1 FROM service_audit_purge_allowed)"

SQLITE = [
    "CREATE TABLE service_audit_purge_allowed (allowed INTEGER NOT NULL)",
    f"""CREATE TRIGGER service_auditentry_no_delete BEFORE DELETE ON service_auditentry
        WHEN {GUARD}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS service_auditentry_no_delete",
                  "DROP TABLE IF EXISTS service_audit_purge_allowed"]

POSTGRES = [
    "CREATE TABLE service_audit_purge_allowed (allowed INTEGER NOT NULL)",
    f"""CREATE FUNCTION service_auditentry_refuse_purge() RETURNS trigger AS $$
        BEGIN
          IF {GUARD} THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;
          RETURN OLD;
        END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER service_auditentry_no_delete BEFORE DELETE ON service_auditentry
       FOR EACH ROW EXECUTE FUNCTION service_auditentry_refuse_purge()""",
    """CREATE TRIGGER service_auditentry_no_truncate BEFORE TRUNCATE ON service_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION service_auditentry_refuse_purge()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS service_auditentry_no_truncate ON service_auditentry",
    "DROP TRIGGER IF EXISTS service_auditentry_no_delete ON service_auditentry",
    "DROP FUNCTION IF EXISTS service_auditentry_refuse_purge()",
    "DROP TABLE IF EXISTS service_audit_purge_allowed",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("service", "0003_audit_object_index")]
    operations = [migrations.RunPython(forwards, backwards)]
