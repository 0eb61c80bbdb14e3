"""On PostgreSQL: the offline queue's record (`TabletAction`) is append-only, as the other logs.

A synced action is evidence of what a tablet did and when; only the retention role deletes it after
its keeping period (`dagsverket.privacy.retention`). Visits are never deleted by the application, so
the record's `SET NULL` link (which Django 5.2 carries out as an UPDATE of its own) is not reached
in ordinary use; a deletion by the retention role passes the trigger.
"""

from django.db import migrations

from ._append_only import append_only_sql, drop_append_only_sql

TABLE = "dagsverket_tabletaction"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(append_only_sql(TABLE, "A tablet action"), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_append_only_sql(TABLE), params=None)


class Migration(migrations.Migration):
    dependencies = [("dagsverket", "0019_visit_received_at_and_tablet_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
