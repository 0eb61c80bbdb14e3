"""On PostgreSQL: the two database roles, the shared trigger functions, and the core's logs made
append-only by the database itself.

Roles (cluster-wide, see docs/DEPLOYMENT.md):
- `dagsverket_app`: what the web application connects as. It reads and writes rows but owns no
  table, so it can neither TRUNCATE, ALTER nor DISABLE TRIGGER.
- `dagsverket_retention`: the only role whose deletes and clearing updates the append-only triggers
  let through. The application's role is not a member, so `SET ROLE dagsverket_retention` fails in
  its sessions; `manage.py apply_retention` runs as a login that is (payroll.models.retention_deletes).

The triggers compare `current_user` with the retention role's name, so they work whether or not the
roles could be created here (creating them needs CREATEROLE; without it a DBA runs
`manage.py database_roles`). A superuser is outside these guarantees; the statement-level TRUNCATE
triggers let a superuser through so that the test runner's flush still works.
"""

from django.db import migrations

from ._append_only import ROLES_SQL, append_only_sql, drop_append_only_sql

FUNCTIONS_SQL = """
-- True when the row version with this xmin was written by the current transaction (or one of its
-- savepoints): a payslip paid or a list created earlier in the same request may still get its rows.
CREATE OR REPLACE FUNCTION dagsverket_written_in_this_transaction(x xid) RETURNS boolean AS $$
DECLARE
    -- age() is the signed distance from this transaction's id, so it also places the later ids of
    -- its savepoints (and survives wraparound); permanent ids (frozen rows) answer INT_MAX.
    distance integer := age(x);
    full_id bigint;
BEGIN
    IF distance = 2147483647 THEN RETURN false; END IF;
    full_id := pg_current_xact_id()::text::bigint - distance;
    IF full_id < 3 THEN RETURN false; END IF;
    RETURN coalesce(pg_xact_status(full_id::text::xid8) = 'in progress', false);
END $$ LANGUAGE plpgsql;

-- Append-only rows. TG_ARGV[0] names the row as a sentence's subject ("An activity log entry");
-- TG_ARGV[1], when given, is a column that may be filled in once (from empty to a value).
-- Only the retention role may clear or delete (docs/SECURITY.md).
CREATE OR REPLACE FUNCTION dagsverket_refuse_change() RETURNS trigger AS $$
BEGIN
    IF current_user = 'dagsverket_retention' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_NARGS > 1
        AND to_jsonb(OLD) ->> TG_ARGV[1] IS NULL
        AND (to_jsonb(NEW) - TG_ARGV[1]) = (to_jsonb(OLD) - TG_ARGV[1]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% (%) is never %d: it is append-only.', TG_ARGV[0], to_jsonb(OLD) ->> 'id', lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dagsverket_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_user = 'dagsverket_retention' OR current_setting('is_superuser') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The table % is never truncated: its rows are append-only.', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""

LOGS = [
    ("dagsverket_activitylog", "An activity log entry", None),
    ("dagsverket_accesslog", "An access log entry", None),
    ("dagsverket_exportlog", "An export log entry", "finished_at"),
    ("dagsverket_referralevent", "A referral event", None),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ROLES_SQL, params=None)
    schema_editor.execute(FUNCTIONS_SQL, params=None)
    for table, subject, fill_once in LOGS:
        schema_editor.execute(append_only_sql(table, subject, fill_once), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _subject, _fill_once in LOGS:
        schema_editor.execute(drop_append_only_sql(table), params=None)
    # The functions stay while later apps' triggers may use them; the roles stay (cluster-wide).


class Migration(migrations.Migration):
    dependencies = [("dagsverket", "0017_trial_statistician_role")]

    operations = [migrations.RunPython(forwards, backwards)]
