"""The audit log refuses UPDATE at the database level too, whoever connects.

DELETE and TRUNCATE are refused by migration 0004.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER service_auditentry_no_update BEFORE UPDATE ON service_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS service_auditentry_no_update"]

POSTGRES = [
    """CREATE FUNCTION service_auditentry_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER service_auditentry_no_update BEFORE UPDATE ON service_auditentry
       FOR EACH ROW EXECUTE FUNCTION service_auditentry_refuse()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS service_auditentry_no_update ON service_auditentry",
    "DROP FUNCTION IF EXISTS service_auditentry_refuse()",
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
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
