"""The pay and withholding rules as pure functions: no database, table-tested.

Everything is Decimal and rounded to øre in `money()` (`dagsverket.money`, ROUND_HALF_UP), the one
rounding helper.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from dagsverket.money import money

ZERO = Decimal("0")
HUNDRED = Decimal("100")
HOLIDAY_PAY_RATE = Decimal("10.2")
HOLIDAY_PAY_RATE_OVER_60 = Decimal("12.5")
NO_CARD_PERCENTAGE = Decimal("50")
FRIKORT_WARNING_SHARE = Decimal("0.8")


def turns_in_year(*, birth_year: int | None, year: int) -> int | None:
    """The age a person reaches during `year` (on their birthday), or None when unknown."""
    return None if birth_year is None else year - birth_year


@dataclass(frozen=True)
class HolidayPayRules:
    """The Holiday Act's rates as data (ferieloven § 10 (2) and (3) with § 5 (2)).

    `extra_from_age`: the extra points are earned on pay of the year in which the worker turns this
    age or more (59: the year *before* the holiday year in which they turn 60). `basic_amount` is the
    G the 6 G cap on the extra points is measured against; None leaves the cap out.
    """

    rate: Decimal = HOLIDAY_PAY_RATE
    extra_rate: Decimal = HOLIDAY_PAY_RATE_OVER_60 - HOLIDAY_PAY_RATE
    extra_from_age: int = 59
    basic_amount: Decimal | None = None
    extra_cap_in_basic_amounts: Decimal = Decimal("6")


@dataclass(frozen=True)
class HolidayPay:
    rate: Decimal
    amount: Decimal


def holiday_pay(
    *,
    basis: Decimal,
    basis_before: Decimal,
    birth_year: int | None,
    year: int,
    rules: HolidayPayRules = HolidayPayRules(),
) -> HolidayPay:
    """Holiday pay on `basis` earned in `year`, given the year's holiday-pay basis earned before.

    The ordinary rate on everything; the extra points for a worker who turns `extra_from_age` or
    more during the year, but not on the part of the year's basis above 6 G. A person whose age is
    unknown gets the ordinary rate.
    """
    ordinary = basis * rules.rate / HUNDRED
    age = turns_in_year(birth_year=birth_year, year=year)
    if age is None or age < rules.extra_from_age:
        return HolidayPay(rules.rate, money(ordinary))
    with_extra = basis
    if rules.basic_amount is not None:
        cap = rules.basic_amount * rules.extra_cap_in_basic_amounts
        room = max(cap - basis_before, ZERO)
        with_extra = max(min(basis, room), min(basis, ZERO))
    return HolidayPay(
        rules.rate + rules.extra_rate, money(ordinary + with_extra * rules.extra_rate / HUNDRED)
    )


def holiday_pay_rate(*, birth_year: int | None, day: datetime.date) -> Decimal:
    """10.2 %, or 12.5 % on pay earned in a year in which the person turns 59 or more."""
    return holiday_pay(basis=HUNDRED, basis_before=ZERO, birth_year=birth_year, year=day.year).rate


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


ROUND_ORE = "ore_half_up"
ROUND_KRONE_DOWN = "krone_down"


def withheld_amount(basis: Decimal, percentage: Decimal, rounding: str) -> Decimal:
    """The percentage of `basis`, rounded as the year's setting says: to øre half up, or down to
    whole kroner (towards zero, so a reversal returns exactly what was withheld)."""
    exact = basis * percentage / HUNDRED
    if rounding == ROUND_KRONE_DOWN:
        return money(Decimal(exact).quantize(Decimal("1"), rounding=ROUND_DOWN))
    return money(exact)


def frikort_nearly_used(frikort_amount, left_after) -> bool:
    """The payslip warns when this payment leaves 80 % or more of the frikort used (the one rule)."""
    if not frikort_amount or frikort_amount <= 0:
        return False
    amount = money(frikort_amount)
    return amount - money(left_after or ZERO) >= amount * FRIKORT_WARNING_SHARE


def withholding(
    *, taxable: Decimal, card: Card, ytd_taxable: Decimal, rounding: str = ROUND_ORE
) -> Withholding:
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
        warn = frikort_nearly_used(card.frikort_amount, left_after)
        return Withholding(
            taxable,
            free,
            basis,
            percentage,
            withheld_amount(basis, percentage, rounding),
            left_before,
            left_after,
            warn,
        )
    percentage = card.percentage if card.kind == "percentage" else NO_CARD_PERCENTAGE
    return Withholding(
        taxable, ZERO, taxable, percentage, withheld_amount(taxable, percentage, rounding), None, None, False
    )


@dataclass(frozen=True)
class WorkLine:
    description: str
    hours: Decimal | None
    rate: Decimal
    amount: Decimal
    # The jobs app's assignment the hours come from; `payslip_prepare` pays it only if signed off.
    assignment_id: int | None = None


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
    holiday_amount: Decimal | None = None,
    rounding: str = ROUND_ORE,
) -> PayResult:
    """Gross, holiday pay, withholding and net for one day's work lines.

    `holiday_amount`, when given, is the holiday pay worked out by `holiday_pay()` (with the 6 G cap
    on the extra points); otherwise it is `holiday_rate` of the gross."""
    gross = money(sum((line.amount for line in lines), ZERO))
    holiday = money(gross * holiday_rate / HUNDRED) if holiday_amount is None else money(holiday_amount)
    paid_holiday = holiday if holiday_pay_with_wage else ZERO
    taxable = gross + paid_holiday
    withheld = withholding(taxable=taxable, card=card, ytd_taxable=ytd_taxable, rounding=rounding)
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


def hourly_line(
    description: str, hours: Decimal, rate: Decimal, assignment_id: int | None = None
) -> WorkLine:
    return WorkLine(
        description, Decimal(hours), money(rate), money(Decimal(hours) * money(rate)), assignment_id
    )


# Employer's contribution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionLimits:
    """The charity exemption (folketrygdloven § 23-2 eighth paragraph): no contribution while the
    employer's pay in the year stays at or below `total` and a worker's at or below `per_person`.
    A threshold, not an allowance: once passed, contribution is due on all of that pay."""

    per_person: Decimal
    total: Decimal


@dataclass(frozen=True)
class ContributionRow:
    base: Decimal  # pay in the month
    exempt: Decimal  # the part of the month's pay that is exempt
    correction_base: Decimal  # pay of earlier months of the year that became liable this month
    contribution: Decimal


def employer_contribution(
    *,
    before: dict,
    month: dict,
    rate: Decimal,
    limits: ContributionLimits | None,
) -> dict:
    """The contribution per person for one month of one employer.

    `before`: each person's pay at the employer earlier in the year; `month`: their pay in the
    month (payment dates). Without `limits` (no exemption) the month's pay is the base. With them,
    the base is what is liable by the end of the month minus what was liable by the end of the month
    before, so a threshold passed this month brings the earlier months' pay in as a correction (and a
    reversal that takes a worker back under it gives it back).
    """
    people = set(before) | set(month)
    before = {key: before.get(key, ZERO) for key in people}
    through = {key: before[key] + month.get(key, ZERO) for key in people}

    def liable(pay: dict) -> set:
        if limits is None:
            return set(pay)
        if sum(pay.values(), ZERO) > limits.total:
            return set(pay)
        return {key for key, value in pay.items() if value > limits.per_person}

    liable_before, liable_through = liable(before), liable(through)
    rows = {}
    for key in people:
        base = month.get(key, ZERO)
        delta = (through[key] if key in liable_through else ZERO) - (
            before[key] if key in liable_before else ZERO
        )
        if base == ZERO and delta == ZERO:
            continue
        month_liable = base if key in liable_through else ZERO
        rows[key] = ContributionRow(
            base=base,
            exempt=base - month_liable,
            correction_base=delta - month_liable,
            contribution=money(delta * rate / HUNDRED),
        )
    return rows
