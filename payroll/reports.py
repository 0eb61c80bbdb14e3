"""The monthly report (what goes into the a-melding) and the year-end summary, per participant."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from dagsverket.models import Participant, Site

from .engine import ContributionLimits, ContributionRow, employer_contribution, money
from .models import Payslip, YearSettings
from .selectors import Employer, employer_of, year_settings_for

ZERO = Decimal("0")


def due_date(year: int, month: int) -> datetime.date:
    """The a-melding for a month is due the 5th of the month after."""
    return datetime.date(year + month // 12, month % 12 + 1, 5)


@dataclass
class ReportRow:
    participant_id: int
    name: str
    national_id: str
    gross: Decimal
    holiday_pay: Decimal
    tax: Decimal
    contribution_base: Decimal
    contribution_exempt: Decimal
    contribution_correction_base: Decimal
    contribution: Decimal
    year_total: Decimal
    year_tax: Decimal
    below_threshold: bool
    reportable_after_all: bool


def _sums(slips):
    return slips.values("participant_id").annotate(
        gross=Sum("gross"),
        holiday=Sum("holiday_pay"),
        tax=Sum("tax"),
        taxable=Sum("taxable"),
        slips=Count("pk"),
    )


def _m(value) -> Decimal:
    # SQLite sums decimals through floats; every sum goes back to øre here.
    return money(value or ZERO)


def paid_by_employer(employer: Employer, year: int):
    """The employer's paid payslips and reversals whose payment falls in the year (the a-melding
    month is the month of payment, not of the work)."""
    return Payslip.objects.filter(site_id__in=employer.site_ids, paid_at__isnull=False, paid_at__year=year)


def monthly_report(*, site: Site, year: int, month: int) -> tuple[list[ReportRow], YearSettings | None]:
    """One row per participant paid by the site's employer in the month, or whose earlier pay this
    year became liable to the employer's contribution in the month.

    Without year settings nothing is computed as a guess: the contribution is 0 and the page says
    the settings are missing."""
    settings = year_settings_for(year)
    employer = employer_of(site)
    rate = settings.employer_contribution_rate if settings else ZERO
    threshold = settings.reporting_threshold if settings else Decimal("1000")
    paid = paid_by_employer(employer, year)
    month_rows = {row["participant_id"]: row for row in _sums(paid.filter(paid_at__month=month))}
    before_rows = {row["participant_id"]: row for row in _sums(paid.filter(paid_at__month__lt=month))}
    through_rows = {row["participant_id"]: row for row in _sums(paid.filter(paid_at__month__lte=month))}
    year_rows = {row["participant_id"]: row for row in _sums(paid)}
    limits = (
        ContributionLimits(
            per_person=settings.charity_exemption_per_employee, total=settings.charity_exemption_total
        )
        if employer.charity_exempt and settings is not None
        else None
    )
    contribution = employer_contribution(
        before={pid: _m(row["taxable"]) for pid, row in before_rows.items()},
        month={pid: _m(row["taxable"]) for pid, row in month_rows.items()},
        rate=rate,
        limits=limits,
    )
    people = {
        person["pk"]: person
        for person in Participant.objects.filter(pk__in=set(month_rows) | set(contribution)).values(
            "pk", "name", "national_id"
        )
    }
    rows = []
    for pid in sorted(people, key=lambda pk: (people[pk]["name"], pk)):
        row = month_rows.get(pid, {})
        share = contribution.get(pid) or ContributionRow(ZERO, ZERO, ZERO, ZERO)
        through = through_rows.get(pid, {})
        whole_year = year_rows.get(pid, {})
        year_total, year_tax = _m(whole_year.get("taxable")), _m(whole_year.get("tax"))
        below_now = year_total <= threshold and year_tax == 0
        below_then = _m(through.get("taxable")) <= threshold and _m(through.get("tax")) == 0
        rows.append(
            ReportRow(
                participant_id=pid,
                name=people[pid]["name"],
                national_id=people[pid]["national_id"],
                gross=_m(row.get("gross")),
                holiday_pay=_m(row.get("holiday")),
                tax=_m(row.get("tax")),
                contribution_base=share.base,
                contribution_exempt=share.exempt,
                contribution_correction_base=share.correction_base,
                contribution=share.contribution,
                year_total=year_total,
                year_tax=year_tax,
                # The NOK 1 000 rule is for the whole year: once passed, every payment is reportable.
                below_threshold=below_now,
                reportable_after_all=below_then and not below_now,
            )
        )
    return rows, settings


def year_summary(*, site: Site, year: int):
    """Per participant for the whole year at the site's employer, by payment date: gross, holiday
    pay, tax, net, days paid."""
    return (
        paid_by_employer(employer_of(site), year)
        .values("participant_id", "participant__name")
        .annotate(
            gross=Sum("gross"),
            holiday=Sum("holiday_pay"),
            taxable=Sum("taxable"),
            tax=Sum("tax"),
            net=Sum("net"),
            days=Count("date", filter=Q(kind=Payslip.Kind.REGULAR), distinct=True),
        )
        .order_by("participant__name")
    )


class MonthlyReportExporter:
    """Rows of the monthly report for CSV: the header first, then one row per participant."""

    def __init__(self, *, site: Site, year: int, month: int):
        self.site, self.year, self.month = site, year, month

    def iterate_list(self):
        rows, _settings = monthly_report(site=self.site, year=self.year, month=self.month)
        yield [
            str(_("Name")),
            str(_("National ID number")),
            str(_("Gross pay")),
            str(_("Holiday pay")),
            str(_("Tax withheld")),
            str(_("Contribution base")),
            str(_("Exempt from the contribution")),
            str(_("Earlier pay this year now liable (correction)")),
            str(_("Employer's contribution")),
            str(_("Paid so far this year")),
            str(_("Need not be reported (NOK 1 000 a year or less, no tax)")),
        ]
        for row in rows:
            yield [
                row.name,
                row.national_id,
                row.gross,
                row.holiday_pay,
                row.tax,
                row.contribution_base,
                row.contribution_exempt,
                row.contribution_correction_base,
                row.contribution,
                row.year_total,
                str(_("yes")) if row.below_threshold else str(_("no")),
            ]
