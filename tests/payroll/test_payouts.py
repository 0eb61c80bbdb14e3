"""Payslips from work lines, paying once, reversals and corrections, frozen paid rows."""

import functools
import uuid
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from dagsverket.models import ActivityLog
from payroll.engine import hourly_line
from payroll.models import PaidRowError, Payout, Payslip, PayslipLine
from payroll.services import PayrollError, payout_confirm, payslip_correct, payslip_prepare, payslip_reverse
from tests.concurrency import run_at_once
from tests.factories import TaxCardFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def test_a_draft_payslip_shows_pay_holiday_pay_and_tax_without_a_card(draft):
    assert (draft.gross, draft.holiday_pay, draft.taxable) == (D("900.00"), D("91.80"), D("991.80"))
    assert draft.tax_card_kind == "none"
    # 50 % of 991.80 = 495.90, rounded down to whole kroner (the 2026 setting): 495; net 496.80
    assert draft.tax == D("495.00")
    assert draft.net == draft.amount_due == D("496.80")
    assert not draft.is_paid
    assert draft.lines.count() == 1


def test_preparing_again_replaces_the_draft(site, person, draft):
    again = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("2"), D("150"))]
    )
    assert Payslip.objects.filter(participant=person).count() == 1
    assert again.gross == D("300.00")


def test_confirming_pays_once_and_a_repeated_nonce_returns_the_same_payout(draft, staff):
    from dagsverket.roles import Role

    nonce = uuid.uuid4().hex
    first = payout_confirm(payslip=draft, method="cash", nonce=nonce, by=staff[Role.PAYROLL])
    again = payout_confirm(payslip=draft, method="cash", nonce=nonce, by=staff[Role.PAYROLL])
    assert first.pk == again.pk
    assert first.amount == D("496.80")
    assert Payout.objects.count() == 1
    with pytest.raises(PayrollError) as error:
        payout_confirm(payslip=draft, method="cash", nonce=uuid.uuid4().hex, by=staff[Role.PAYROLL])
    assert error.value.code == "already_paid"
    assert ActivityLog.objects.filter(action="payout_confirm").count() == 1


def test_a_person_without_a_bank_account_is_paid_in_cash_or_on_a_card_only(draft, staff):
    from dagsverket.roles import Role

    with pytest.raises(PayrollError) as error:
        payout_confirm(payslip=draft, method="bank", nonce="n1", by=staff[Role.PAYROLL])
    assert error.value.code == "no_bank_account"
    assert payout_confirm(payslip=draft, method="card", nonce="n2", by=staff[Role.PAYROLL]).method == "card"


def test_bank_transfer_keeps_the_account_it_went_to(draft, person, staff):
    from dagsverket.roles import Role

    person.bank_account = "12345678903"
    person.save()
    payout = payout_confirm(payslip=draft, method="bank", nonce="n1", by=staff[Role.PAYROLL])
    assert payout.bank_account == "12345678903"


def test_withholding_uses_the_pay_of_earlier_payouts_of_the_year(site, person, wage_rate, staff):
    from dagsverket.roles import Role

    TaxCardFactory(participant=person, year=2026, frikort_amount=D("1500"))
    lines = [hourly_line("Snow clearing", D("6"), D("150"))]
    first = payslip_prepare(site=site, participant=person, day=DAY, lines=lines)
    payout_confirm(payslip=first, method="cash", nonce="a", by=staff[Role.PAYROLL])
    second = payslip_prepare(site=site, participant=person, day=DAY.replace(day=11), lines=lines)
    # 991.80 already used of 1 500: 508.20 free, 483.60 at 50 % = 241.80, down to whole kroner 241
    assert second.frikort_left_before == D("508.20")
    assert second.tax_free_part == D("508.20")
    assert second.tax == D("241.00")
    assert second.ytd_gross == D("1983.60")
    assert second.ytd_tax == D("241.00")


def test_a_reversal_negates_the_paid_payslip_and_leaves_it_unchanged(draft, staff):
    from dagsverket.roles import Role

    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    with pytest.raises(PayrollError):
        payslip_reverse(payslip=draft, reason="  ", by=staff[Role.PAYROLL])
    reversal = payslip_reverse(payslip=draft, reason="Wrong hours", by=staff[Role.PAYROLL])
    assert reversal.kind == "reversal" and reversal.is_paid
    assert (reversal.gross, reversal.tax, reversal.net) == (D("-900.00"), D("-495.00"), D("-496.80"))
    assert reversal.lines.get().amount == D("-900.00")
    draft.refresh_from_db()
    assert draft.net == D("496.80")
    with pytest.raises(PayrollError) as error:
        payslip_reverse(payslip=draft, reason="again", by=staff[Role.PAYROLL])
    assert error.value.code == "already_reversed"


def test_a_correction_pays_only_the_difference(site, person, draft, staff):
    from dagsverket.roles import Role

    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    new = payslip_correct(
        payslip=draft,
        reason="Worked 7 hours, not 6",
        by=staff[Role.PAYROLL],
        lines=[hourly_line("Snow clearing", D("7"), D("150"))],
    )
    assert new.corrects == draft and new.reason == "Worked 7 hours, not 6"
    # 1 050 + 107.10 = 1 157.10; half is 578.55, withheld 578 (whole kroner, down): net 579.10
    assert new.net == D("579.10")
    assert new.previously_paid == D("496.80")
    payout = payout_confirm(payslip=new, method="cash", nonce="b", by=staff[Role.PAYROLL])
    assert payout.amount == D("82.30")  # 579.10 - 496.80
    assert new.ytd_gross == D("1157.10")


def test_the_model_layer_refuses_to_change_or_delete_paid_rows(draft, staff):
    from dagsverket.roles import Role

    payout = payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    draft.refresh_from_db()
    draft.net = D("1")
    with pytest.raises(PaidRowError):
        draft.save()
    with pytest.raises(PaidRowError):
        draft.delete()
    with pytest.raises(PaidRowError):
        Payslip.objects.filter(pk=draft.pk).update(net=D("1"))
    with pytest.raises(PaidRowError):
        Payslip.objects.all().delete()
    line = draft.lines.get()
    line.amount = D("1")
    with pytest.raises(PaidRowError):
        line.save()
    with pytest.raises(PaidRowError):
        PayslipLine.objects.all().delete()
    with pytest.raises(PaidRowError):
        payout.delete()
    with pytest.raises(PaidRowError):
        Payout.objects.update(amount=D("1"))
    draft.refresh_from_db()
    assert draft.net == D("496.80")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payroll_payslip SET net = 1 WHERE paid_at IS NOT NULL",
        "DELETE FROM payroll_payslip WHERE paid_at IS NOT NULL",
        "UPDATE payroll_payslipline SET amount = 1",
        "DELETE FROM payroll_payslipline",
        "UPDATE payroll_payout SET amount = 1",
        "DELETE FROM payroll_payout",
    ],
)
def test_postgresql_itself_refuses_edits_of_paid_rows(on_postgres, draft, staff, sql):
    from dagsverket.roles import Role

    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    with (
        pytest.raises(IntegrityError, match="payroll: "),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    draft.refresh_from_db()
    assert draft.net == D("496.80")


def test_postgresql_still_lets_a_draft_be_replaced(on_postgres, site, person, draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payroll_payslip SET net = net WHERE id = %s", [draft.pk])
    payslip_prepare(site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("1"), D("150"))])
    assert Payslip.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_confirmations_give_one_payout(on_postgres, site, person, wage_rate, staff):
    from dagsverket.roles import Role

    slip = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Snow", D("6"), D("150"))]
    )
    user = staff[Role.PAYROLL]
    results, errors = [], []

    def confirm(i):
        # half the taps repeat the same nonce (a double tap), half come from other tablets
        nonce = "tablet-a" if i % 2 else f"tablet-{i}"
        try:
            results.append(payout_confirm(payslip=slip, method="cash", nonce=nonce, by=user).pk)
        except PayrollError as error:
            errors.append(error.code)

    run_at_once([functools.partial(confirm, i) for i in range(20)])
    assert Payout.objects.count() == 1
    assert len(set(results)) == 1
    assert len(results) + len(errors) == 20
    assert set(errors) <= {"already_paid"}
