"""The withholding and holiday-pay rules, table by table (pure functions, no database)."""

import datetime
from decimal import Decimal as D

import pytest

from payroll.engine import NO_CARD, Card, WorkLine, day_pay, holiday_pay_rate, hourly_line, money, withholding

FRIKORT = Card("frikort", frikort_amount=D("100000"))


@pytest.mark.parametrize(
    ("taxable", "card", "ytd", "tax", "free", "left_before", "left_after"),
    [
        # frikort, well before its limit: nothing withheld
        ("1000", FRIKORT, "0", "0.00", "1000.00", "100000.00", "99000.00"),
        # frikort, the day reaches the limit exactly
        ("1000", FRIKORT, "99000", "0.00", "1000.00", "1000.00", "0.00"),
        # frikort, the day crosses the limit: 400 free, 600 at 50 %
        ("1000", FRIKORT, "99600", "300.00", "400.00", "400.00", "0.00"),
        # frikort with a card percentage above the limit: 600 at 30 %
        ("1000", Card("frikort", D("100000"), D("30")), "99600", "180.00", "400.00", "400.00", "0.00"),
        # frikort, after its limit: all at 50 %
        ("1000", FRIKORT, "100000", "500.00", "0.00", "0.00", "0.00"),
        ("1000", FRIKORT, "120000", "500.00", "0.00", "0.00", "0.00"),
        # percentage card
        ("1000", Card("percentage", percentage=D("32")), "50000", "320.00", "0.00", None, None),
        # no card: 50 %
        ("1000", NO_CARD, "0", "500.00", "0.00", None, None),
        # rounding to øre, half up: 33.33 × 50 % = 16.665 -> 16.67
        ("33.33", NO_CARD, "0", "16.67", "0.00", None, None),
        ("10.01", Card("percentage", percentage=D("12.5")), "0", "1.25", "0.00", None, None),
        ("10.03", Card("percentage", percentage=D("12.5")), "0", "1.25", "0.00", None, None),
        ("10.04", Card("percentage", percentage=D("12.5")), "0", "1.26", "0.00", None, None),
    ],
)
def test_withholding_follows_the_card_and_the_pay_so_far(
    taxable, card, ytd, tax, free, left_before, left_after
):
    result = withholding(taxable=D(taxable), card=card, ytd_taxable=D(ytd))
    assert result.tax == D(tax)
    assert result.tax_free_part == D(free)
    assert result.tax_basis == D(taxable) - D(free)
    assert result.frikort_left_before == (D(left_before) if left_before else None)
    assert result.frikort_left_after == (D(left_after) if left_after else None)


@pytest.mark.parametrize(
    ("taxable", "ytd", "warn"),
    [
        ("1000", "78000", False),  # 79 000 of 100 000 used after the day
        ("1000", "79000", True),  # exactly 80 %
        ("1000", "85000", True),
        ("1000", "0", False),
    ],
)
def test_a_warning_shows_when_a_person_passes_80_percent_of_their_frikort(taxable, ytd, warn):
    assert withholding(taxable=D(taxable), card=FRIKORT, ytd_taxable=D(ytd)).warn_frikort is warn


@pytest.mark.parametrize(
    ("birth_year", "day", "rate"),
    [
        (1990, datetime.date(2026, 6, 1), "10.2"),
        (1968, datetime.date(2026, 12, 31), "10.2"),  # turns 58 in 2026
        (1967, datetime.date(2026, 6, 1), "12.5"),  # turns 59 in 2026: 12.5 % on pay earned in 2026
        (1966, datetime.date(2026, 1, 2), "12.5"),  # turns 60 this year: the higher rate all year
        (1950, datetime.date(2026, 6, 1), "12.5"),
        (None, datetime.date(2026, 6, 1), "10.2"),  # unknown age: the ordinary rate
    ],
)
def test_holiday_pay_rate_depends_on_age(birth_year, day, rate):
    assert holiday_pay_rate(birth_year=birth_year, day=day) == D(rate)


@pytest.mark.parametrize(
    (
        "hours",
        "rate",
        "holiday_rate",
        "with_wage",
        "card",
        "ytd",
        "gross",
        "holiday",
        "accrued",
        "tax",
        "net",
    ),
    [
        # 6 h × 150 = 900; holiday pay 10.2 % = 91.80; frikort covers all
        ("6", "150", "10.2", True, FRIKORT, "0", "900.00", "91.80", "0.00", "0.00", "991.80"),
        # over 60: 12.5 % = 112.50
        ("6", "150", "12.5", True, FRIKORT, "0", "900.00", "112.50", "0.00", "0.00", "1012.50"),
        # holiday pay kept back (a site setting): accrued, not paid nor taxed today
        ("6", "150", "10.2", False, NO_CARD, "0", "900.00", "0.00", "91.80", "450.00", "450.00"),
        # holiday pay counts toward the frikort: 991.80 with 500 left -> 491.80 at 50 %
        ("6", "150", "10.2", True, FRIKORT, "99500", "900.00", "91.80", "0.00", "245.90", "745.90"),
        # rounding: 2.5 h × 133.33 = 333.325 -> 333.33; holiday 33.99966 -> 34.00;
        # 50 % of 367.33 = 183.665 -> 183.67
        ("2.5", "133.33", "10.2", True, NO_CARD, "0", "333.33", "34.00", "0.00", "183.67", "183.66"),
    ],
)
def test_day_pay_adds_holiday_pay_and_withholds(
    hours, rate, holiday_rate, with_wage, card, ytd, gross, holiday, accrued, tax, net
):
    result = day_pay(
        lines=[hourly_line("Snow clearing", D(hours), D(rate))],
        holiday_rate=D(holiday_rate),
        holiday_pay_with_wage=with_wage,
        card=card,
        ytd_taxable=D(ytd),
    )
    assert (result.gross, result.holiday_pay, result.holiday_pay_accrued) == (
        D(gross),
        D(holiday),
        D(accrued),
    )
    assert (result.withholding.tax, result.net) == (D(tax), D(net))


def test_a_day_rate_line_is_paid_as_it_stands():
    result = day_pay(
        lines=[WorkLine("Day rate", None, D("800"), D("800"))],
        holiday_rate=D("10.2"),
        holiday_pay_with_wage=True,
        card=NO_CARD,
        ytd_taxable=D("0"),
    )
    assert result.gross == D("800.00")
    assert result.net == D("440.80")


def test_money_rounds_half_up_to_ore():
    assert money(D("0.005")) == D("0.01")
    assert money(D("-0.005")) == D("-0.01")
    assert money(D("1.994")) == D("1.99")
