"""The check-in search's names that start with what was typed, in its order, from the index alone.

PostgreSQL only. The search asks for the people at a site, not merged away, whose `search_name`
falls in a code-point range (`~>=~`, `~<~`: `varchar_pattern_ops`), sorted by their last visit and
name, eight at most. With the last visit, the name and the id in the index, the database sorts the
index's entries alone and reads only the eight people it returns (an index-only scan); from the
prefix index it read every match from the table first: 761 of 10 000 people for "kar" in the
bench, 0.5 ms against 0.2 ms (docs/PERFORMANCE.md, thirteenth session). SQLite answers in-process
and keeps its plan.
"""

from django.db import migrations

INDEX = "participant_search_order"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON dagsverket_participant"
            " (site_id, search_name varchar_pattern_ops) INCLUDE (last_seen, name, id)"
            " WHERE merged_into_id IS NULL"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("dagsverket", "0023_staff_session")]

    operations = [migrations.RunPython(create_index, drop_index)]
