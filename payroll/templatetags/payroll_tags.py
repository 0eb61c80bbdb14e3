"""Norwegian number and date formats for payslips and reports, independent of the active locale."""

import datetime
from decimal import Decimal

from django import template

from dagsverket.money import money

register = template.Library()

NBSP = "\u00a0"


@register.filter
def nok(value) -> str:
    """1234.5 -> '1 234,50' (a non-breaking space groups thousands, a comma before øre)."""
    if value is None or value == "":
        return ""
    amount = money(value)
    sign = "−" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{fraction}"


@register.filter
def hours(value) -> str:
    """6.50 -> '6,5'."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


@register.filter
def nbdate(value) -> str:
    """A date as 21.11.2026."""
    if not isinstance(value, datetime.date):
        return ""
    return f"{value:%d.%m.%Y}"


@register.filter
def percent(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}".replace(".", ",") + NBSP + "%"


@register.filter
def masked_account(value) -> str:
    """A bank account with only its last four digits shown: `•••• •• 1234`."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return f"•••• •• {digits[-4:]}" if digits else ""
