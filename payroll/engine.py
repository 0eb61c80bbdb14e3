"""The pay and withholding rules as pure functions: no database, table-tested.

Everything is Decimal and rounded to øre in `money()` (ROUND_HALF_UP), the one rounding helper.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
HOLIDAY_PAY_RATE = Decimal("10.2")
HOLIDAY_PAY_RATE_OVER_60 = Decimal("12.5")
NO_CARD_PERCENTAGE = Decimal("50")
FRIKORT_WARNING_SHARE = Decimal("0.8")


def money(value) -> Decimal:
    """Round to øre, half up: the only place amounts are rounded."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def holiday_pay_rate(*, birth_year: int | None, day: datetime.date) -> Decimal:
    """10.2 %, or 12.5 % for a person who turns 60 or more in the year (Holiday Act § 10 (3)).

    A person whose age is unknown gets the ordinary rate.
    """
    if birth_year is not None and day.year - birth_year >= 60:
        return HOLIDAY_PAY_RATE_OVER_60
    return HOLIDAY_PAY_RATE


@dataclass(frozen=True)
class Card:
    """What withholding needs from a tax card: kind, frikort amount, percentage."""

    kind: str  # "frikort", "percentage" or "none"
    frikort_amount: Decimal | None = None
    percentage: Decimal | None = None

    @property
    def rate_above_frikort(self) -> Decimal:
        return self.percentage if self.percentage is not None else NO_CARD_PERCENTAGE


NO_CARD = Card("none")


@dataclass(frozen=True)
class Withholding:
    taxable: Decimal
    tax_free_part: Decimal
    tax_basis: Decimal
    percentage: Decimal
    tax: Decimal
    frikort_left_before: Decimal | None
    frikort_left_after: Decimal | None
    warn_frikort: bool


def withholding(*, taxable: Decimal, card: Card, ytd_taxable: Decimal) -> Withholding:
    """Tax to withhold from one payment, given this year's taxable pay in earlier payouts.

    A frikort frees pay until its amount is used up; a payment that crosses it is split and the part
    above is withheld at the card's percentage, or 50 %. No card: 50 % of everything.
    """
    taxable = money(taxable)
    if card.kind == "frikort":
        left_before = max(money(card.frikort_amount) - money(ytd_taxable), ZERO)
        free = min(max(taxable, ZERO), left_before)
        basis = taxable - free
        percentage = card.rate_above_frikort
        left_after = left_before - free
        used_after = money(card.frikort_amount) - left_after
        warn = card.frikort_amount > 0 and used_after >= money(card.frikort_amount) * FRIKORT_WARNING_SHARE
        return Withholding(
            taxable,
            free,
            basis,
            percentage,
            money(basis * percentage / HUNDRED),
            left_before,
            left_after,
            warn,
        )
    percentage = card.percentage if card.kind == "percentage" else NO_CARD_PERCENTAGE
    return Withholding(
        taxable, ZERO, taxable, percentage, money(taxable * percentage / HUNDRED), None, None, False
    )


@dataclass(frozen=True)
class WorkLine:
    description: str
    hours: Decimal | None
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PayResult:
    lines: list[WorkLine]
    gross: Decimal
    holiday_pay_rate: Decimal
    holiday_pay: Decimal
    holiday_pay_accrued: Decimal
    withholding: Withholding
    net: Decimal
    warnings: list[str] = field(default_factory=list)


def day_pay(
    *,
    lines: list[WorkLine],
    holiday_rate: Decimal,
    holiday_pay_with_wage: bool,
    card: Card,
    ytd_taxable: Decimal,
) -> PayResult:
    """Gross, holiday pay, withholding and net for one day's work lines."""
    gross = money(sum((line.amount for line in lines), ZERO))
    holiday = money(gross * holiday_rate / HUNDRED)
    paid_holiday = holiday if holiday_pay_with_wage else ZERO
    taxable = gross + paid_holiday
    withheld = withholding(taxable=taxable, card=card, ytd_taxable=ytd_taxable)
    net = taxable - withheld.tax
    return PayResult(
        lines=lines,
        gross=gross,
        holiday_pay_rate=holiday_rate,
        holiday_pay=paid_holiday,
        holiday_pay_accrued=holiday - paid_holiday,
        withholding=withheld,
        net=net,
    )


def hourly_line(description: str, hours: Decimal, rate: Decimal) -> WorkLine:
    return WorkLine(description, Decimal(hours), money(rate), money(Decimal(hours) * money(rate)))
