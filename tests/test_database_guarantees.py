"""What PostgreSQL itself refuses to the application's role (issue #17), statement by statement.

The tests connect as the superuser `postgres`; each attack runs after
`SET SESSION AUTHORIZATION dagsverket_app`, so it is an ordinary session of the application's
role (SET ROLE would not do: a superuser's session may still become any role). The world is
committed first, so that nothing is "written in this transaction" when the attack runs.
"""

import contextlib
import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dagsverket.dbroles import APP_ROLE, RETENTION_ROLE, as_retention_role
from dagsverket.evaluation.models import ExportLog
from dagsverket.models import AccessLog, ActivityLog, TabletAction
from dagsverket.referrals.models import ReferralEvent
from dagsverket.roles import Role
from dagsverket.services import log_access, log_action
from jobs.models import HoursCorrection, LotteryEntry, Outcome
from payroll.engine import hourly_line
from payroll.models import CashBox, CashMovement, Payslip, retention_deletes
from payroll.services import payout_confirm, payslip_prepare
from tests.factories import (
    AssignmentFactory,
    EvaluationProjectFactory,
    LotteryEntryFactory,
    ParticipantFactory,
    ReferralFactory,
    WageRateFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 3, 2)


@contextlib.contextmanager
def as_app():
    with connection.cursor() as cursor:
        cursor.execute(f"SET SESSION AUTHORIZATION {APP_ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET SESSION AUTHORIZATION")


def refused(sql: str, params=None, *, match: str | None = None):
    """Run `sql` as the application's role in its own savepoint; it must fail."""
    with (
        as_app(),
        pytest.raises(DatabaseError, match=match) as failure,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return failure


@pytest.fixture
def world(on_postgres, site, staff):
    person = ParticipantFactory(site=site, name="Ola")
    WageRateFactory(site=site, amount=Decimal("150.00"))
    slip = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Snow", Decimal("4"), Decimal("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce=uuid.uuid4().hex, by=staff[Role.PAYROLL])
    box, _ = CashBox.objects.get_or_create(site=site, date=DAY)
    CashMovement.objects.create(
        cash_box=box, amount=Decimal("100"), reason="Float top-up", by=staff[Role.PAYROLL]
    )
    CashBox.objects.filter(pk=box.pk).update(
        closed_at=timezone.now(), closed_by=staff[Role.PAYROLL], witnessed_by=staff[Role.MANAGER]
    )
    log_action(actor=staff[Role.MANAGER], action="test", obj=person, site=site)
    log_access(user=staff[Role.MANAGER], participant=person, what="test")
    ExportLog.objects.create(project=EvaluationProjectFactory(), kind="test", user=staff[Role.EVALUATOR])
    referral = ReferralFactory(participant=person)
    ReferralEvent.objects.create(referral=referral, by=staff[Role.MANAGER], to_status="draft", note="Shaky")
    assignment = AssignmentFactory(visit__participant=person, visit__site=site)
    times = {"starts_at": datetime.time(8), "ends_at": datetime.time(12), "break_minutes": 0}
    HoursCorrection.objects.create(
        assignment=assignment,
        **{f"old_{key}": value for key, value in times.items()},
        **{f"new_{key}": value for key, value in times.items()},
        old_hours=Decimal("4"),
        new_hours=Decimal("4"),
        reason="Came late, was upset",
    )
    LotteryEntryFactory(draw__site=site, outcome=Outcome.WAITING)
    TabletAction.objects.create(
        site=site,
        nonce=uuid.uuid4().hex,
        kind=TabletAction.Kind.CHECK_IN,
        tapped_at=timezone.now(),
        by=staff[Role.FRONT_DESK],
        outcome=TabletAction.Outcome.OK,
        visit=assignment.visit,
    )
    return {"slip": slip, "box": box}


APPEND_ONLY = [
    "dagsverket_activitylog",
    "dagsverket_accesslog",
    "dagsverket_exportlog",
    "dagsverket_referralevent",
    "dagsverket_tabletaction",
    "jobs_hourscorrection",
    "jobs_lotteryentry",
    "payroll_cashmovement",
    "payroll_historicalpayslip",
    "payroll_historicalpayslipline",
    "payroll_historicalpayout",
    "payroll_historicalcashbox",
    "payroll_historicalcashmovement",
]
FROZEN = ["payroll_payslip", "payroll_payslipline", "payroll_payout", "payroll_cashbox"]


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_application_cannot_update_or_delete_a_log_or_history_row(world, table):
    column = {"dagsverket_exportlog": "kind", "jobs_lotteryentry": "reason"}.get(table, "id")
    value = "'x'" if column != "id" else "id"
    refused(f"UPDATE {table} SET {column} = {value}", match="is never updated")
    refused(f"DELETE FROM {table}", match="is never deleted")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.parametrize(
    "table", APPEND_ONLY + FROZEN + ["research_allocationlist", "research_allocationslot"]
)
def test_the_application_cannot_truncate_and_the_trigger_refuses_even_with_the_privilege(world, table):
    refused(f"TRUNCATE {table} CASCADE", match="permission denied")
    # Had someone granted TRUNCATE, the statement trigger still refuses (the grant rolls back).
    with (
        pytest.raises(DatabaseError, match="is never truncated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cursor.execute(f"TRUNCATE {table} CASCADE")


def test_truncating_payslips_with_cascade_is_refused(world):
    with (
        pytest.raises(DatabaseError, match="is never truncated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cursor.execute("TRUNCATE payroll_payslip CASCADE")
    assert Payslip.objects.count() == 1


def test_a_line_is_never_added_to_a_paid_payslip(world):
    slip = world["slip"]
    refused(
        "INSERT INTO payroll_payslipline (payslip_id, description, rate, amount)"
        " VALUES (%s, 'Bonus', 0, 1000)",
        [slip.pk],
        match="never gets another line",
    )
    assert slip.lines.count() == 1


def test_a_reversal_still_gets_its_lines_in_its_own_transaction(world, staff):
    from payroll.services import payslip_reverse

    reversal = payslip_reverse(payslip=world["slip"], reason="Wrong hours", by=staff[Role.PAYROLL])
    assert reversal.lines.count() == 1


def test_a_closed_cash_box_is_frozen_and_gets_no_new_movement(world, staff):
    box = world["box"]
    refused("UPDATE payroll_cashbox SET opening_float = 1000 WHERE id = %s", [box.pk], match="never updated")
    refused("DELETE FROM payroll_cashbox WHERE id = %s", [box.pk], match="never deleted")
    refused(
        "INSERT INTO payroll_cashmovement (cash_box_id, amount, reason, at, by_id)"
        " VALUES (%s, -500, 'x', now(), %s)",
        [box.pk, staff[Role.PAYROLL].pk],
        match="never gets another cash movement",
    )
    assert CashMovement.objects.filter(cash_box=box).count() == 1


def test_the_export_log_may_be_finished_once_and_a_waiting_place_given_once(world):
    with as_app(), connection.cursor() as cursor:
        cursor.execute("UPDATE dagsverket_exportlog SET finished_at = now()")
        cursor.execute("UPDATE jobs_lotteryentry SET outcome = 'from_waiting', changed_at = now()")
    refused("UPDATE dagsverket_exportlog SET finished_at = now()", match="never updated")
    refused("UPDATE jobs_lotteryentry SET outcome = 'drawn'", match="never updated")
    assert LotteryEntry.objects.get().outcome == Outcome.FROM_WAITING


def test_the_setting_door_opens_nothing_any_more(world):
    slip = world["slip"]
    for table, column in (
        ("payroll_payout", "payslip_id"),
        ("payroll_payslipline", "payslip_id"),
        ("payroll_payslip", "id"),
    ):
        with (
            as_app(),
            pytest.raises(DatabaseError, match="never deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL dagsverket.retention = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [slip.pk])
    assert Payslip.objects.filter(pk=slip.pk).exists()


def test_the_application_cannot_become_the_retention_role_nor_disable_a_trigger(world):
    refused(f"SET ROLE {RETENTION_ROLE}", match="permission denied")
    refused("ALTER TABLE payroll_payslip DISABLE TRIGGER ALL", match="must be owner")
    refused("DROP TRIGGER payroll_payslip_paid_is_frozen ON payroll_payslip", match="must be owner")
    with (
        as_app(),
        pytest.raises(ImproperlyConfigured, match="member of dagsverket_retention"),
        transaction.atomic(),
        retention_deletes(),
    ):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [APP_ROLE]
        )
        assert cursor.fetchone()[0] == 0


def test_the_retention_role_deletes_paid_rows_and_clears_logs_and_cannot_update_a_paid_payslip(world):
    slip = world["slip"]
    with (
        pytest.raises(DatabaseError, match="never updated"),
        transaction.atomic(),
        retention_deletes(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE payroll_payslip SET net = 0 WHERE id = %s", [slip.pk])
    with transaction.atomic():
        with as_retention_role():
            HoursCorrection.objects.update(reason="Anonymisert")
            ReferralEvent.objects.update(note="")
        with retention_deletes():
            from payroll.retention import PayrollPlan, payroll_remove

            # Every box: the cash payout opened one of its own on the day it was handed over.
            boxes = list(CashBox.objects.values_list("pk", flat=True))
            payroll_remove(PayrollPlan(first_kept_year=2030, payslips=[slip.pk], cash_boxes=boxes))
    assert not Payslip.objects.filter(pk=slip.pk).exists()
    assert not CashBox.objects.exists()
    assert HoursCorrection.objects.get().reason == "Anonymisert"
    # Outside the block the door is shut again.
    refused("DELETE FROM dagsverket_activitylog", match="never deleted")
    assert ActivityLog.objects.exists() and AccessLog.objects.exists()


def test_only_the_retention_role_deletes_the_offline_queues_record(world):
    refused("UPDATE dagsverket_tabletaction SET outcome = 'refused'", match="A tablet action .* updated")
    refused("UPDATE dagsverket_tabletaction SET visit_id = NULL", match="never updated")
    with transaction.atomic(), as_retention_role():
        TabletAction.objects.all().delete()
    assert not TabletAction.objects.exists()
