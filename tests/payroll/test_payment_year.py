"""Kontantprinsippet: pay belongs to the year it is paid in. Work done on 30 December 2026 and paid on
2 January 2027 is withheld by the 2027 tax card and settings, counts in 2027's frikort and holiday-pay
basis, and is in January 2027's a-melding. The arithmetic is in the comments."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import Payout, SitePayrollSettings, YearSettings
from payroll.reports import monthly_report
from payroll.services import PayrollError, payout_confirm, payslip_prepare
from tests.factories import ParticipantFactory, TaxCardFactory

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
WORKED = datetime.date(2026, 12, 30)
PREPARED = datetime.datetime(2026, 12, 30, 14, tzinfo=OSLO)
PAID = datetime.datetime(2027, 1, 2, 10, tzinfo=OSLO)


@pytest.fixture
def year_2027():
    return YearSettings.objects.create(year=2027, frikort_limit=D("100000"), note="test")


@pytest.fixture
def ola(site):
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    person = ParticipantFactory(site=site, name="Ola", birth_date=datetime.date(1980, 5, 1))
    TaxCardFactory(participant=person, year=2026, kind="percentage", frikort_amount=None, percentage=D("30"))
    TaxCardFactory(participant=person, year=2027, kind="frikort", frikort_amount=D("10000"))
    return person


def _six_hours(site, person, day=WORKED):
    return payslip_prepare(
        site=site, participant=person, day=day, lines=[hourly_line("Snow clearing", D("6"), D("150"))]
    )


def test_work_on_30_december_paid_on_2_january_uses_the_new_years_card(site, staff, ola, year_2027):
    payer = staff[Role.PAYROLL]
    with time_machine.travel(PREPARED, tick=False):
        draft = _six_hours(site, ola)
    # previewed in 2026: 6 × 150 = 900 on the 2026 card, 30 % = 270 withheld, 630 to pay
    assert (draft.tax, draft.amount_due) == (D("270.00"), D("630.00"))
    with time_machine.travel(PAID, tick=False):
        with pytest.raises(PayrollError) as error:
            payout_confirm(payslip=draft, method="card", nonce="n1", by=payer, shown_amount=D("630.00"))
        assert error.value.code == "amount_changed"
        assert not Payout.objects.exists()
        # paid in 2027: the 2027 frikort of 10 000 frees all 900, nothing withheld, 900 to pay
        draft.refresh_from_db()
        assert (draft.tax_card_kind, draft.tax, draft.amount_due) == ("frikort", D("0.00"), D("900.00"))
        payout = payout_confirm(payslip=draft, method="card", nonce="n2", by=payer, shown_amount=D("900"))
        assert payout.amount == D("900.00")
        # the next payment of 2027 finds 10 000 − 900 = 9 100 of the frikort left
        later = _six_hours(site, ola, day=datetime.date(2027, 1, 2))
        assert later.frikort_left_before == D("9100.00")
        # January 2027's a-melding has the 900; December 2026's has nothing
        january, _settings = monthly_report(site=site, year=2027, month=1)
        december, _settings = monthly_report(site=site, year=2026, month=12)
    assert [(row.name, row.gross, row.tax) for row in january] == [("Ola", D("900.00"), D("0.00"))]
    assert december == []


def test_holiday_pay_follows_the_payment_year_too(site, staff, year_2027):
    # ferieloven § 10 (1): the basis is pay paid out in the earning year. Kari, born 1968, turns 59 in
    # 2027: pay paid in 2027 earns 10.2 + 2.3 = 12.5 %, pay paid in 2026 10.2 %.
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    kari = ParticipantFactory(site=site, name="Kari", birth_date=datetime.date(1968, 6, 1))
    TaxCardFactory(participant=kari, year=2026, frikort_amount=D("100000"))
    TaxCardFactory(participant=kari, year=2027, frikort_amount=D("100000"))
    with time_machine.travel(PREPARED, tick=False):
        draft = _six_hours(site, kari)
    # 900 × 10.2 % = 91.80 kept back
    assert (draft.holiday_pay_rate, draft.holiday_pay_accrued) == (D("10.20"), D("91.80"))
    with time_machine.travel(PAID, tick=False):
        # the amount paid now is the same 900 (the holiday pay is kept back), so it is paid as shown
        payout_confirm(
            payslip=draft, method="card", nonce="k1", by=staff[Role.PAYROLL], shown_amount=D("900")
        )
    draft.refresh_from_db()
    # 900 × 12.5 % = 112.50 kept back, in 2027's basis
    assert (draft.holiday_pay_rate, draft.holiday_pay_accrued) == (D("12.50"), D("112.50"))


def test_paying_in_a_year_without_settings_is_refused_even_if_the_work_was_in_a_year_with_them(
    site, staff, ola
):
    with time_machine.travel(PREPARED, tick=False):
        draft = _six_hours(site, ola)
    with time_machine.travel(PAID, tick=False), pytest.raises(PayrollError) as error:
        payout_confirm(
            payslip=draft, method="card", nonce="n1", by=staff[Role.PAYROLL], shown_amount=D("630")
        )
    assert error.value.code == "no_year_settings"
    assert not Payout.objects.exists()
