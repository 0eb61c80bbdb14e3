"""Holiday pay for older workers, the 6 G cap, withholding rounding and a year without settings,
from worked examples (the arithmetic is in the comments)."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import translation

from dagsverket.roles import Role
from payroll.engine import (
    NO_CARD,
    ROUND_KRONE_DOWN,
    ROUND_ORE,
    Card,
    HolidayPayRules,
    holiday_pay,
    hourly_line,
    withholding,
)
from payroll.models import Payslip, TaxCard, YearSettings
from payroll.services import PayrollError, payslip_prepare, tax_card_add
from tests.factories import ParticipantFactory

G_2025 = D("130160")


@pytest.mark.parametrize(
    ("birth_date", "rate", "amount"),
    [
        (datetime.date(1967, 1, 1), "12.5", "125.00"),  # turns 59 on 1 Jan 2026
        (datetime.date(1967, 9, 1), "12.5", "125.00"),  # turns 59 on 1 Sep 2026
        (datetime.date(1967, 12, 31), "12.5", "125.00"),  # turns 59 on 31 Dec 2026: all of 2026
        (datetime.date(1968, 1, 1), "10.2", "102.00"),  # turns 58 in 2026
    ],
)
def test_the_extra_holiday_pay_starts_on_pay_earned_in_the_year_the_worker_turns_59(birth_date, rate, amount):
    # 1 000 earned in 2026: 12.5 % of it is 125.00, 10.2 % is 102.00
    result = holiday_pay(basis=D("1000"), basis_before=D("0"), birth_year=birth_date.year, year=2026)
    assert (result.rate, result.amount) == (D(rate), D(amount))


def test_the_same_worker_gets_the_ordinary_rate_on_pay_earned_the_year_before():
    # born 1967: turns 58 in 2025, so 2025's pay earns 10.2 %: 1 000 → 102.00
    assert holiday_pay(basis=D("1000"), basis_before=D("0"), birth_year=1967, year=2025).amount == D("102.00")


def test_the_extra_points_stop_at_6_g_of_the_years_basis():
    rules = HolidayPayRules(basic_amount=G_2025)
    # 6 G = 6 × 130 160 = 780 960. Basis so far 780 000, this payment 2 000:
    # 10.2 % of 2 000 = 204.00; 2.3 % only of the 960 below 6 G = 22.08; total 226.08
    result = holiday_pay(basis=D("2000"), basis_before=D("780000"), birth_year=1960, year=2026, rules=rules)
    assert result.amount == D("226.08")
    # already above 6 G: the ordinary 10.2 % only, 2 000 → 204.00
    above = holiday_pay(basis=D("2000"), basis_before=D("790000"), birth_year=1960, year=2026, rules=rules)
    assert above.amount == D("204.00")


@pytest.mark.parametrize(
    ("rounding", "tax"),
    [
        (ROUND_KRONE_DOWN, "495.00"),  # 50 % of 991.80 = 495.90, down to whole kroner
        (ROUND_ORE, "495.90"),
    ],
)
def test_percentage_withholding_is_rounded_as_the_year_says(rounding, tax):
    assert withholding(taxable=D("991.80"), card=NO_CARD, ytd_taxable=D("0"), rounding=rounding).tax == D(tax)


def test_whole_kroner_down_applies_to_a_percentage_card_and_above_a_frikort():
    # 33 % of 991.80 = 327.294 → 327
    card = Card("percentage", percentage=D("33"))
    assert withholding(
        taxable=D("991.80"), card=card, ytd_taxable=D("0"), rounding=ROUND_KRONE_DOWN
    ).tax == D("327.00")
    # frikort 500 left 100: 891.80 above it at 50 % = 445.90 → 445
    frikort = Card("frikort", frikort_amount=D("500"))
    held = withholding(taxable=D("991.80"), card=frikort, ytd_taxable=D("400"), rounding=ROUND_KRONE_DOWN)
    assert (held.tax_free_part, held.tax) == (D("100.00"), D("445.00"))


@pytest.mark.django_db
def test_a_workers_payslip_uses_the_extra_rate_from_their_birth_date(site):
    from tests.factories import WageRateFactory

    WageRateFactory(site=site, amount=D("150.00"))
    older = ParticipantFactory(site=site, name="Eldre", birth_date=datetime.date(1967, 12, 31))
    slip = payslip_prepare(
        site=site,
        participant=older,
        day=datetime.date(2026, 3, 10),
        lines=[hourly_line("Raking", D("6"), D("150"))],
    )
    # 6 × 150 = 900; 12.5 % = 112.50 (she turns 59 on 31 Dec 2026)
    assert (slip.holiday_pay_rate, slip.holiday_pay) == (D("12.50"), D("112.50"))


@pytest.mark.django_db
def test_a_year_without_settings_is_refused_with_where_to_add_them(site, staff):
    person = ParticipantFactory(site=site, name="Ola")
    # paid (previewed) on 4 January 2027: the payment year's settings apply, and there are none
    paying = time_machine.travel(datetime.datetime(2027, 1, 4, 12, tzinfo=datetime.UTC), tick=False)
    with paying, translation.override("en"), pytest.raises(PayrollError) as error:
        payslip_prepare(
            site=site,
            participant=person,
            day=datetime.date(2027, 1, 4),
            lines=[hourly_line("Raking", D("2"), D("150"))],
        )
    assert error.value.code == "no_year_settings"
    assert "2027" in str(error.value.message) and "Pay rules" in str(error.value.message)
    assert not Payslip.objects.exists()
    with pytest.raises(PayrollError) as error:
        tax_card_add(
            participant=person,
            year=2027,
            kind="frikort",
            frikort_amount=D("5000000"),
            source="letter",
            received_on=datetime.date(2027, 1, 2),
            by=staff[Role.PAYROLL],
        )
    assert error.value.code == "no_year_settings"
    assert not TaxCard.objects.exists()


@pytest.mark.django_db
def test_a_frikort_above_the_years_limit_is_refused(site, staff):
    person = ParticipantFactory(site=site, name="Ola")
    assert YearSettings.objects.get(year=2026).frikort_limit == D("100000")
    with pytest.raises(PayrollError) as error:
        tax_card_add(
            participant=person,
            year=2026,
            kind="frikort",
            frikort_amount=D("100000.01"),
            source="letter",
            received_on=datetime.date(2026, 1, 2),
            by=staff[Role.PAYROLL],
        )
    assert error.value.code == "above_limit"
    assert not TaxCard.objects.exists()
