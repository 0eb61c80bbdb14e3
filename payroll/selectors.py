"""Reads of the payroll app that join tables or sum over them."""

import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from dagsverket.models import Participant, Site

from .engine import NO_CARD, Card, money
from .models import Payslip, SitePayrollSettings, TaxCard, WageRate, YearSettings

ZERO = Decimal("0")


def wage_rate_for(*, site: Site, day: datetime.date) -> WageRate | None:
    return WageRate.objects.filter(site=site, valid_from__lte=day).order_by("-valid_from").first()


def year_settings_for(year: int) -> YearSettings | None:
    return YearSettings.objects.filter(year=year).first()


def site_settings_for(site: Site) -> SitePayrollSettings:
    settings, _created = SitePayrollSettings.objects.get_or_create(site=site)
    return settings


def tax_card_for(*, participant: Participant, year: int) -> TaxCard | None:
    """The latest tax card entered for the year, or None (50 % withholding)."""
    return TaxCard.objects.filter(participant=participant, year=year).order_by("-entered_at", "-pk").first()


def card_of(tax_card: TaxCard | None) -> Card:
    if tax_card is None:
        return NO_CARD
    return Card(tax_card.kind, tax_card.frikort_amount, tax_card.percentage)


def paid_in_year(*, participant: Participant, year: int, exclude_pk: int | None = None) -> dict[str, Decimal]:
    """Sums over the participant's paid payslips (reversals included, so corrections net out)."""
    slips = Payslip.objects.filter(participant=participant, date__year=year, paid_at__isnull=False)
    if exclude_pk:
        slips = slips.exclude(pk=exclude_pk)
    sums = slips.aggregate(taxable=Sum("taxable"), tax=Sum("tax"), gross=Sum("gross"))
    return {key: money(value or ZERO) for key, value in sums.items()}


def day_payslips(*, site: Site, day: datetime.date):
    """The day's payslips at a site, with what the day's pay screen and the PDF show."""
    return (
        Payslip.objects.filter(site=site, date=day)
        .select_related("participant", "payout", "reverses", "reversed_by")
        .prefetch_related("lines")
        .order_by("participant__name", "pk")
    )


def open_payslips(*, site: Site, day: datetime.date):
    """Paid or draft regular payslips of the day that have not been reversed."""
    return (
        day_payslips(site=site, day=day).filter(kind=Payslip.Kind.REGULAR).filter(Q(reversed_by__isnull=True))
    )
