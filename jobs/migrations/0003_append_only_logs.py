"""On PostgreSQL the database itself keeps hours corrections and lottery entries append-only.

An hours correction is never updated or deleted (retention alone clears its reason). A lottery
entry changes in one way only: a waiting person gets a freed place (outcome `waiting` to
`from_waiting`, with the time); the draw's record is otherwise never updated or deleted.
"""

from django.db import migrations

from dagsverket.migrations._append_only import append_only_sql, drop_append_only_sql, never_truncated_sql

LOTTERY_SQL = """
CREATE OR REPLACE FUNCTION jobs_refuse_lottery_entry_change() RETURNS trigger AS $$
BEGIN
    IF current_user = 'dagsverket_retention' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.outcome = 'waiting' AND NEW.outcome = 'from_waiting'
        AND (to_jsonb(NEW) - 'outcome' - 'changed_at') = (to_jsonb(OLD) - 'outcome' - 'changed_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'jobs: lottery entry % is never %d: only a waiting place may be given.', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_lotteryentry_is_append_only
    BEFORE UPDATE OR DELETE ON jobs_lotteryentry
    FOR EACH ROW EXECUTE FUNCTION jobs_refuse_lottery_entry_change();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS jobs_lotteryentry_is_append_only ON jobs_lotteryentry;
DROP FUNCTION IF EXISTS jobs_refuse_lottery_entry_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(append_only_sql("jobs_hourscorrection", "An hours correction"), params=None)
    schema_editor.execute(LOTTERY_SQL, params=None)
    schema_editor.execute(never_truncated_sql("jobs_lotteryentry"), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(drop_append_only_sql("jobs_hourscorrection"), params=None)
    schema_editor.execute(drop_append_only_sql("jobs_lotteryentry"), params=None)
    schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_history"),
        ("dagsverket", "0018_database_roles_and_append_only_logs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
