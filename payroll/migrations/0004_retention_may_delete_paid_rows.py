"""Give the paid-row triggers one sanctioned door: DELETE (never UPDATE) is allowed while the
transaction has `SET LOCAL dagsverket.retention = 'on'`, which only `manage.py apply_retention` sets
(payroll.models.retention_deletes) for records past the Bookkeeping Act's keeping period."""

from django.db import migrations

DOOR = "current_setting('dagsverket.retention', true) = 'on'"

NEW_SQL = f"""
CREATE OR REPLACE FUNCTION payroll_refuse_paid_payslip() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {DOOR} THEN RETURN OLD; END IF;
    IF OLD.paid_at IS NOT NULL THEN
        RAISE EXCEPTION 'payroll: paid payslip % is never % (reverse it instead)', OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_paid_line() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {DOOR} THEN RETURN OLD; END IF;
    IF EXISTS (SELECT 1 FROM payroll_payslip WHERE id = OLD.payslip_id AND paid_at IS NOT NULL) THEN
        RAISE EXCEPTION 'payroll: lines of paid payslip % are never %', OLD.payslip_id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payroll_refuse_payout_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {DOOR} THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'payroll: payout % is never %', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""

# The functions of 0002: the same bodies without the door.
OLD_SQL = NEW_SQL.replace(f"    IF TG_OP = 'DELETE' AND {DOOR} THEN RETURN OLD; END IF;\n", "")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NEW_SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0003_history")]

    operations = [migrations.RunPython(forwards, backwards)]
