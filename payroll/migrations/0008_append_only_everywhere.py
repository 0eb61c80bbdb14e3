"""On PostgreSQL, paid rows hold against every statement of the application's role, not only
UPDATE and DELETE:

- TRUNCATE of payslips, lines, payouts, cash boxes, cash movements and their history tables is
  refused (a statement trigger; the application's role has no TRUNCATE privilege either);
- a line is never added to a payslip paid in an earlier transaction (a reversal is created paid and
  gets its lines in the same transaction);
- a closed cash box is never updated and gets no new cash movement; a cash movement is never
  updated or deleted;
- the history rows of payslips, lines, payouts, cash boxes and cash movements are append-only;
- the retention door is the retention role (`current_user = 'dagsverket_retention'`), which the
  application's role cannot become; `SET LOCAL dagsverket.retention = 'on'` opens nothing any more.
"""

from django.db import migrations

from dagsverket.migrations._append_only import append_only_sql, drop_append_only_sql, never_truncated_sql

RETENTION = "current_user = 'dagsverket_retention'"

FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION payroll_refuse_paid_payslip() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {RETENTION} THEN RETURN OLD; END IF;
    IF OLD.paid_at IS NOT NULL THEN
        RAISE EXCEPTION 'payroll: paid payslip % is never %d (reverse it instead).', OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_paid_line() RETURNS trigger AS $$
DECLARE
    slip record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT paid_at, xmin INTO slip FROM payroll_payslip WHERE id = NEW.payslip_id;
        IF slip.paid_at IS NOT NULL AND NOT dagsverket_written_in_this_transaction(slip.xmin) THEN
            RAISE EXCEPTION 'payroll: paid payslip % never gets another line.', NEW.payslip_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND {RETENTION} THEN RETURN OLD; END IF;
    IF EXISTS (SELECT 1 FROM payroll_payslip WHERE id = OLD.payslip_id AND paid_at IS NOT NULL) THEN
        RAISE EXCEPTION 'payroll: the lines of paid payslip % are never %d.', OLD.payslip_id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_payout_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {RETENTION} THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'payroll: payout % is never %d.', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_closed_cash_box() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {RETENTION} THEN RETURN OLD; END IF;
    IF OLD.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'payroll: closed cash box % is never %d.', OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_movement_into_closed_box() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payroll_cashbox WHERE id = NEW.cash_box_id AND closed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'payroll: closed cash box % never gets another cash movement.', NEW.cash_box_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS payroll_payslipline_paid_is_frozen ON payroll_payslipline;
CREATE TRIGGER payroll_payslipline_paid_is_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON payroll_payslipline
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_paid_line();

CREATE TRIGGER payroll_cashbox_closed_is_frozen
    BEFORE UPDATE OR DELETE ON payroll_cashbox
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_closed_cash_box();

CREATE TRIGGER payroll_cashmovement_closed_box_is_frozen
    BEFORE INSERT ON payroll_cashmovement
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_movement_into_closed_box();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS payroll_cashmovement_closed_box_is_frozen ON payroll_cashmovement;
DROP TRIGGER IF EXISTS payroll_cashbox_closed_is_frozen ON payroll_cashbox;
DROP TRIGGER IF EXISTS payroll_payslipline_paid_is_frozen ON payroll_payslipline;
CREATE TRIGGER payroll_payslipline_paid_is_frozen
    BEFORE UPDATE OR DELETE ON payroll_payslipline
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_paid_line();
DROP FUNCTION IF EXISTS payroll_refuse_movement_into_closed_box();
DROP FUNCTION IF EXISTS payroll_refuse_closed_cash_box();
"""

NEVER_TRUNCATED = ["payroll_payslip", "payroll_payslipline", "payroll_payout", "payroll_cashbox"]
APPEND_ONLY = [
    ("payroll_cashmovement", "A cash movement"),
    ("payroll_historicalpayslip", "A payslip's history row"),
    ("payroll_historicalpayslipline", "A payslip line's history row"),
    ("payroll_historicalpayout", "A payout's history row"),
    ("payroll_historicalcashbox", "A cash box's history row"),
    ("payroll_historicalcashmovement", "A cash movement's history row"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS_SQL, params=None)
    schema_editor.execute(TRIGGERS_SQL, params=None)
    for table in NEVER_TRUNCATED:
        schema_editor.execute(never_truncated_sql(table), params=None)
    for table, subject in APPEND_ONLY:
        schema_editor.execute(append_only_sql(table, subject), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _subject in APPEND_ONLY:
        schema_editor.execute(drop_append_only_sql(table), params=None)
    for table in NEVER_TRUNCATED:
        schema_editor.execute(drop_append_only_sql(table), params=None)
    schema_editor.execute(DROP_SQL, params=None)
    # The functions of 0004, with their setting door.
    module = __import__("payroll.migrations.0004_retention_may_delete_paid_rows", fromlist=["NEW_SQL"])
    schema_editor.execute(module.NEW_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0007_tax_card_main_employer"),
        ("dagsverket", "0018_database_roles_and_append_only_logs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
