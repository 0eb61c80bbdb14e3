"""On PostgreSQL the database itself refuses to change or delete allocation rows and lists.

An unrevealed position may only get its enrolment and reveal time, once; a revealed one never
changes; no position and no list is ever deleted (TRUNCATE, used by test flushes, fires no row
triggers).
"""

from django.db import migrations

TRIGGERS_SQL = """
CREATE OR REPLACE FUNCTION research_refuse_slot_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'research: allocation % is never deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.revealed_at IS NOT NULL
        OR NEW.enrolment_id IS NULL OR NEW.revealed_at IS NULL
        OR NEW.allocation_list_id <> OLD.allocation_list_id OR NEW.stratum <> OLD.stratum
        OR NEW.sequence <> OLD.sequence OR NEW.block <> OLD.block
        OR NEW.block_size <> OLD.block_size OR NEW.arm_id <> OLD.arm_id THEN
        RAISE EXCEPTION 'research: allocation % is never changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER research_allocationslot_is_frozen
    BEFORE UPDATE OR DELETE ON research_allocationslot
    FOR EACH ROW EXECUTE FUNCTION research_refuse_slot_change();

CREATE OR REPLACE FUNCTION research_refuse_list_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'research: allocation list % is never %', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER research_allocationlist_is_frozen
    BEFORE UPDATE OR DELETE ON research_allocationlist
    FOR EACH ROW EXECUTE FUNCTION research_refuse_list_change();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS research_allocationlist_is_frozen ON research_allocationlist;
DROP TRIGGER IF EXISTS research_allocationslot_is_frozen ON research_allocationslot;
DROP FUNCTION IF EXISTS research_refuse_list_change();
DROP FUNCTION IF EXISTS research_refuse_slot_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("research", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
