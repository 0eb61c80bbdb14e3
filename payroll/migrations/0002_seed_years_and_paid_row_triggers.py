"""Seed the year table, and on PostgreSQL make the database itself refuse edits of paid rows."""

from decimal import Decimal

from django.db import migrations

YEARS = [
    (2022, Decimal("65000"), ""),
    (2023, Decimal("70000"), ""),
    (2024, Decimal("70000"), ""),
    (2025, Decimal("100000"), ""),
    (2026, Decimal("100000"), "verify: 2026 frikort limit not confirmed"),
]

TRIGGERS_SQL = """
CREATE OR REPLACE FUNCTION payroll_refuse_paid_payslip() RETURNS trigger AS $$
BEGIN
    IF OLD.paid_at IS NOT NULL THEN
        RAISE EXCEPTION 'payroll: paid payslip % is never % (reverse it instead)', OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER payroll_payslip_paid_is_frozen
    BEFORE UPDATE OR DELETE ON payroll_payslip
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_paid_payslip();

CREATE OR REPLACE FUNCTION payroll_refuse_paid_line() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payroll_payslip WHERE id = OLD.payslip_id AND paid_at IS NOT NULL) THEN
        RAISE EXCEPTION 'payroll: lines of paid payslip % are never %', OLD.payslip_id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER payroll_payslipline_paid_is_frozen
    BEFORE UPDATE OR DELETE ON payroll_payslipline
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_paid_line();

CREATE OR REPLACE FUNCTION payroll_refuse_payout_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payroll: payout % is never %', OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER payroll_payout_is_frozen
    BEFORE UPDATE OR DELETE ON payroll_payout
    FOR EACH ROW EXECUTE FUNCTION payroll_refuse_payout_change();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS payroll_payout_is_frozen ON payroll_payout;
DROP TRIGGER IF EXISTS payroll_payslipline_paid_is_frozen ON payroll_payslipline;
DROP TRIGGER IF EXISTS payroll_payslip_paid_is_frozen ON payroll_payslip;
DROP FUNCTION IF EXISTS payroll_refuse_payout_change();
DROP FUNCTION IF EXISTS payroll_refuse_paid_line();
DROP FUNCTION IF EXISTS payroll_refuse_paid_payslip();
"""


def seed_years(apps, schema_editor):
    YearSettings = apps.get_model("payroll", "YearSettings")
    for year, limit, note in YEARS:
        YearSettings.objects.get_or_create(year=year, defaults={"frikort_limit": limit, "note": note})


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial")]

    operations = [
        migrations.RunPython(seed_years, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
