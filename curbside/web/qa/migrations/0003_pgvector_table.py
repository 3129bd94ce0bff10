"""On PostgreSQL, the pgvector table behind vector search (nothing on SQLite)."""

from django.db import migrations


def create(apps, schema_editor):
    from curbside.web.qa.pgvectors import create_table

    create_table(schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS curbside_vector")


class Migration(migrations.Migration):
    dependencies = [("qa", "0002_index_jobs")]
    operations = [migrations.RunPython(create, drop)]
