"""Search with one typo: pg_trgm and a trigram index on the participant's folded names.

PostgreSQL only (creating the extension needs a role that may, see docs/DEPLOYMENT.md); on SQLite
both steps do nothing and the search falls back to comparing names in Python.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "participant_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON dagsverket_participant USING gin (search_name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("dagsverket", "0013_visit_nonce_per_site")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
