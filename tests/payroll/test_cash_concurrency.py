"""The cash box under concurrent use: closing while payouts are confirmed, and two closings at once.

The invariant: every cash payout of the day is either counted in the closing's expected amount or
refused because the box was already closed; no cash leaves a closed box unseen.
"""

from decimal import Decimal as D

import pytest
from django.db.models import Sum
from django.utils import timezone

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import CashBox, Payout
from payroll.services import (
    PayrollError,
    cash_box_close,
    cash_box_open,
    payout_confirm,
    payslip_prepare,
)
from tests.concurrency import run_at_once
from tests.factories import ParticipantFactory, SiteFactory, UserFactory, WageRateFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cash_day(migration_data):
    site = SiteFactory(name="Kasse")
    WageRateFactory(site=site, amount=D("150.00"))
    first = UserFactory(username="kasse1", role=Role.PAYROLL, site=site)
    second = UserFactory(username="kasse2", role=Role.PAYROLL, site=site)
    day = timezone.localdate()
    cash_box_open(site=site, day=day, opening_float=D("5000.00"), by=first)
    return site, day, first, second


def _draft(site, day):
    return payslip_prepare(
        site=site,
        participant=ParticipantFactory(site=site),
        day=day,
        lines=[hourly_line("Ved", D("2"), D("150"))],
    )


def test_a_cash_payout_after_closing_is_refused_but_a_bank_payout_is_not(cash_day):
    site, day, first, _second = cash_day
    slip, other = _draft(site, day), _draft(site, day)
    other.participant.bank_account = "86011117947"
    other.participant.save()
    cash_box_close(
        site=site,
        day=day,
        counted=D("5000.00"),
        explanation="",
        by=first,
        witness_username="kasse2",
        witness_password="demo",
    )
    with pytest.raises(PayrollError) as refused:
        payout_confirm(payslip=slip, method="cash", nonce="late-cash", by=first)
    assert refused.value.code == "cash_box_closed"
    assert not Payout.objects.filter(payslip=slip).exists()
    assert payout_confirm(payslip=other, method="bank", nonce="late-bank", by=first).method == "bank"


def test_closing_while_ten_cash_payouts_are_confirmed_counts_every_one_that_went_through(
    on_postgres, cash_day
):
    site, day, first, second = cash_day
    slips = [_draft(site, day) for _ in range(10)]
    outcomes = []

    def pay(slip):
        def work():
            try:
                payout_confirm(payslip=slip, method="cash", nonce=f"rush-{slip.pk}", by=first)
                outcomes.append("paid")
            except PayrollError as error:
                outcomes.append(error.code)

        return work

    def close():
        cash_box_close(
            site=site,
            day=day,
            counted=D("0"),
            explanation="Counted during the rush (test)",
            by=second,
            witness_username="kasse1",
            witness_password="demo",
        )
        outcomes.append("closed")

    run_at_once([pay(slip) for slip in slips] + [close])

    box = CashBox.objects.get(site=site, date=day)
    assert box.is_closed
    assert outcomes.count("closed") == 1
    assert set(outcomes) <= {"paid", "cash_box_closed", "closed"}
    paid = Payout.objects.filter(site=site, date=day, method="cash")
    assert paid.count() == outcomes.count("paid")
    assert outcomes.count("paid") + outcomes.count("cash_box_closed") == 10
    # Nothing left the box that its closing did not count.
    assert box.expected_closing == D("5000.00") - (paid.aggregate(total=Sum("amount"))["total"] or 0)


def test_two_simultaneous_closings_close_the_box_once(on_postgres, cash_day):
    site, day, first, second = cash_day
    outcomes = []

    def close(by, witness, counted):
        def work():
            try:
                cash_box_close(
                    site=site,
                    day=day,
                    counted=counted,
                    explanation="Recount (test)",
                    by=by,
                    witness_username=witness,
                    witness_password="demo",
                )
                outcomes.append(("done", counted))
            except PayrollError as error:
                outcomes.append((error.code, counted))

        return work

    amounts = [D("5000.00"), D("4999.00"), D("5001.00"), D("4990.00")]
    users = [(first, "kasse2"), (second, "kasse1")] * 2
    run_at_once([close(by, witness, counted) for (by, witness), counted in zip(users, amounts, strict=True)])

    done = [counted for code, counted in outcomes if code == "done"]
    assert len(done) == 1
    assert sorted(code for code, _counted in outcomes if code != "done") == ["closed"] * 3
    box = CashBox.objects.get(site=site, date=day)
    # The count kept is the one of the closing that went through, not overwritten by a later one.
    assert box.counted_closing == done[0]
    assert box.difference == done[0] - D("5000.00")
