"""Money paid that was not owed is claimed back and recorded as a repayment: a new row, never an edit
of the payout. Worked examples; the arithmetic is in the comments."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.urls import reverse

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import CashBox, PaidRowError, Payout, Repayment
from payroll.selectors import cash_expected
from payroll.services import (
    PayrollError,
    cash_box_for,
    payout_confirm,
    payslip_correct,
    payslip_reverse,
    repayment_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer(staff):
    return staff[Role.PAYROLL]


@pytest.fixture
def reversed_not_owed(frozen_day, draft, payer):
    # Ola, no tax card: 6 h × 150 = 900 + 10.2 % holiday pay 91.80 = 991.80; 50 % = 495.90, down to
    # whole kroner 495; net 991.80 − 495 = 496.80, paid on his card
    payout_confirm(payslip=draft, method="card", nonce="p1", by=payer)
    return payslip_reverse(payslip=draft, reason="Not owed: he was not there", by=payer)


def test_a_reversal_not_owed_is_paid_back_in_parts_cash_into_the_box(reversed_not_owed, site, payer):
    # he owes back the 496.80 he got
    first = repayment_record(payslip=reversed_not_owed, amount=D("200"), method="cash", nonce="r1", by=payer)
    assert (first.amount, first.date) == (D("200.00"), datetime.date(2026, 3, 10))
    # 0 float + 200 paid back in cash; the payout was on a card: the box expects 200
    assert cash_expected(cash_box_for(site=site, day=datetime.date(2026, 3, 10))) == D("200.00")
    # 496.80 − 200 = 296.80 left: 300 is too much, and nothing is written
    with pytest.raises(PayrollError) as error:
        repayment_record(payslip=reversed_not_owed, amount=D("300"), method="bank", nonce="r2", by=payer)
    assert error.value.code == "more_than_owed" and "296,80" in str(error.value.message)
    assert Repayment.objects.count() == 1
    repayment_record(payslip=reversed_not_owed, amount=D("296.80"), method="bank", nonce="r3", by=payer)
    # the same request again is the same repayment, not a second one
    again = repayment_record(
        payslip=reversed_not_owed, amount=D("296.80"), method="bank", nonce="r3", by=payer
    )
    assert Repayment.objects.count() == 2 and again.nonce == "r3"
    with pytest.raises(PayrollError) as error:
        repayment_record(payslip=reversed_not_owed, amount=D("1"), method="bank", nonce="r4", by=payer)
    assert error.value.code == "nothing_owed"
    # the payout is as it was
    assert Payout.objects.get().amount == D("496.80")


def test_a_repayment_is_never_changed_or_deleted(reversed_not_owed, payer):
    repayment = repayment_record(
        payslip=reversed_not_owed, amount=D("100"), method="bank", nonce="r1", by=payer
    )
    repayment.amount = D("1")
    with pytest.raises(PaidRowError):
        repayment.save()
    with pytest.raises(PaidRowError):
        repayment.delete()
    with pytest.raises(PaidRowError):
        Repayment.objects.filter(pk=repayment.pk).update(amount=D("1"))
    if connection.vendor == "postgresql":
        # the database refuses it too, whatever the model layer is bypassed with
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE payroll_repayment SET amount = 1 WHERE id = %s", [repayment.pk])
    assert Repayment.objects.get().amount == D("100.00")


def test_a_negative_correction_paid_by_card_is_owed_back_and_in_cash_is_settled_at_the_payout(
    frozen_day, site, draft, payer
):
    payout_confirm(payslip=draft, method="card", nonce="p1", by=payer)
    # corrected to 2 h: 300 + 30.60 = 330.60, half 165.30, withheld 165, net 165.60;
    # 496.80 − 165.60 = 331.20 paid too much
    lines = [hourly_line("Snow", D("2"), D("150"))]
    by_card = payslip_correct(payslip=draft, reason="2 hours, not 6", by=payer, lines=lines)
    payout_confirm(payslip=by_card, method="card", nonce="p2", by=payer)
    with pytest.raises(PayrollError) as error:
        repayment_record(payslip=by_card, amount=D("331.21"), method="bank", nonce="r1", by=payer)
    assert error.value.code == "more_than_owed"
    assert repayment_record(payslip=by_card, amount=D("331.20"), method="bank", nonce="r2", by=payer)


def test_a_negative_correction_handed_over_in_cash_is_settled_in_the_box(frozen_day, site, draft, payer):
    payout_confirm(payslip=draft, method="card", nonce="p1", by=payer)
    lines = [hourly_line("Snow", D("2"), D("150"))]
    correction = payslip_correct(payslip=draft, reason="2 hours, not 6", by=payer, lines=lines)
    # the same 331.20 paid too much (as above), taken back in cash at the payout
    payout_confirm(payslip=correction, method="cash", nonce="p2", by=payer)
    assert cash_expected(cash_box_for(site=site, day=datetime.date(2026, 3, 10))) == D("331.20")
    with pytest.raises(PayrollError) as error:
        repayment_record(payslip=correction, amount=D("1"), method="cash", nonce="r3", by=payer)
    assert error.value.code == "nothing_owed"


def test_cash_is_not_paid_back_into_a_closed_box(reversed_not_owed, site, staff, payer):
    box = cash_box_for(site=site, day=datetime.date(2026, 3, 10))
    CashBox.objects.filter(pk=box.pk).update(
        closed_at=datetime.datetime(2026, 3, 10, 13, tzinfo=datetime.UTC),
        closed_by=payer,
        witnessed_by=staff[Role.MANAGER],
    )
    with pytest.raises(PayrollError) as error:
        repayment_record(payslip=reversed_not_owed, amount=D("100"), method="cash", nonce="r1", by=payer)
    assert error.value.code == "cash_box_closed"
    assert not Repayment.objects.exists()


def test_the_day_page_records_a_repayment(client_for, reversed_not_owed, payer):
    url = reverse("payroll:payslip_repay", kwargs={"pk": reversed_not_owed.pk})
    page = client_for(Role.PAYROLL).get(reverse("payroll:day", kwargs={"day": datetime.date(2026, 3, 10)}))
    assert url in page.content.decode() and "496,80" in page.content.decode()
    client = client_for(Role.PAYROLL)
    bad = client.post(url, {"amount": "500", "method": "cash", "nonce": "v1"})
    assert bad.status_code == 400 and not Repayment.objects.exists()
    assert "496,80" in bad.content.decode()
    ok = client.post(url, {"amount": "496.80", "method": "bank", "nonce": "v2", "note": "Vipps"})
    assert ok.status_code == 302
    assert Repayment.objects.get().amount == D("496.80")
    assert client.get(url).status_code == 405
    assert (
        client_for(Role.FRONT_DESK).post(url, {"amount": "1", "method": "cash", "nonce": "v3"}).status_code
        == 403
    )
    assert client_for(None).post(url, {"amount": "1", "method": "cash", "nonce": "v4"}).status_code == 302
