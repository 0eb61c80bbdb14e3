"""On PostgreSQL an allocation list gets its positions only in the transaction that creates it, or in
the transaction of a statistician's extension that names them (stratum and range, written first):
no other position is ever added to a list afterwards, and neither the lists, their positions nor the
extensions are ever truncated; an extension is never updated or deleted. The messages of 0002 read as sentences."""

from django.db import migrations

from dagsverket.migrations._append_only import append_only_sql, drop_append_only_sql, never_truncated_sql

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION research_refuse_slot_insert() RETURNS trigger AS $$
DECLARE
    listing record;
BEGIN
    SELECT xmin INTO listing FROM research_allocationlist WHERE id = NEW.allocation_list_id;
    IF FOUND AND NOT dagsverket_written_in_this_transaction(listing.xmin) AND NOT EXISTS (
        -- The statistician's extension (research.services): its row names the stratum and the
        -- range of positions it adds, and is written first in the same transaction.
        SELECT 1 FROM research_allocationextension extension
        WHERE extension.allocation_list_id = NEW.allocation_list_id
          AND extension.stratum = NEW.stratum
          AND NEW.sequence BETWEEN extension.first_sequence AND extension.last_sequence
          AND dagsverket_written_in_this_transaction(extension.xmin)
    ) THEN
        RAISE EXCEPTION 'research: allocation list % never gets another position.', NEW.allocation_list_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER research_allocationslot_is_never_extended
    BEFORE INSERT ON research_allocationslot
    FOR EACH ROW EXECUTE FUNCTION research_refuse_slot_insert();

CREATE OR REPLACE FUNCTION research_refuse_list_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'research: allocation list % is never %d.', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS research_allocationslot_is_never_extended ON research_allocationslot;
DROP FUNCTION IF EXISTS research_refuse_slot_insert();
"""

TABLES = ["research_allocationlist", "research_allocationslot"]
APPEND_ONLY = ["research_allocationextension"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS_SQL, params=None)
    for table in TABLES:
        schema_editor.execute(never_truncated_sql(table), params=None)
    for table in APPEND_ONLY:
        schema_editor.execute(append_only_sql(table, "research: an allocation extension"), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES + APPEND_ONLY:
        schema_editor.execute(drop_append_only_sql(table), params=None)
    schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0006_instruments_as_defined"),
        ("dagsverket", "0018_database_roles_and_append_only_logs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
