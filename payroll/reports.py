"""The monthly report (what goes into the a-melding) and the year-end summary, per participant."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from dagsverket.models import Participant, Site

from .engine import ContributionLimits, ContributionRow, employer_contribution, money
from .models import MonthFiling, Payslip, YearSettings
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
        .values("participant_id", "participant__name", "participant__full_name", "participant__birth_year")
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


# Reported (filed) months -------------------------------------------------------------------------

_AMOUNTS = (
    "gross",
    "holiday_pay",
    "tax",
    "contribution_base",
    "contribution_exempt",
    "contribution_correction_base",
    "contribution",
    "year_total",
    "year_tax",
)
# What a change after filing is judged by: the figures the a-melding carries, and whether to report.
_COMPARED = ("gross", "holiday_pay", "tax", "contribution", "below_threshold")


def row_as_data(row: ReportRow) -> dict:
    data = dict(row.__dict__)
    for name in _AMOUNTS:
        data[name] = str(data[name])
    return data


def row_from_data(data: dict) -> ReportRow:
    return ReportRow(**{key: Decimal(value) if key in _AMOUNTS else value for key, value in data.items()})


def filing_for(*, site: Site, year: int, month: int) -> MonthFiling | None:
    return MonthFiling.objects.filter(employer=employer_of(site).key, year=year, month=month).first()


def filed_months(*, site: Site, year: int) -> dict[int, MonthFiling]:
    return {f.month: f for f in MonthFiling.objects.filter(employer=employer_of(site).key, year=year)}


def next_open_month(*, site: Site, year: int, after: int) -> int | None:
    """The first month after `after` in the year that is not reported, where corrections go."""
    filed = filed_months(site=site, year=year)
    return next((month for month in range(after + 1, 13) if month not in filed), None)


_LABELS = {
    "gross": _("Gross pay"),
    "holiday_pay": _("Holiday pay"),
    "tax": _("Tax withheld"),
    "contribution": _("Employer's contribution"),
    "below_threshold": _("Need not be reported (NOK 1 000 a year or less, no tax)"),
}


def _shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(_("yes")) if value else str(_("no"))
    return f"{value:.2f}".replace(".", ",")


@dataclass
class Change:
    year: int
    month: int
    name: str
    field: str
    filed: object
    now: object

    @property
    def label(self) -> str:
        return str(_LABELS[self.field])

    @property
    def filed_text(self) -> str:
        return _shown(self.filed)

    @property
    def now_text(self) -> str:
        return _shown(self.now)


def changes_since_filing(*, site: Site, filing: MonthFiling) -> list[Change]:
    """What the month's figures are today, compared with what was filed (a rate or flag changed,
    the NOK 1 000 rule passed later): each difference is a correction for the next open month."""
    filed = {row["participant_id"]: row_from_data(row) for row in filing.rows}
    live, _settings = monthly_report(site=site, year=filing.year, month=filing.month)
    now = {row.participant_id: row for row in live}
    changes = []
    for pid in sorted(set(filed) | set(now), key=lambda pk: (filed.get(pk) or now.get(pk)).name):
        before, after = filed.get(pid), now.get(pid)
        for name in _COMPARED:
            old = getattr(before, name) if before else None
            new = getattr(after, name) if after else None
            if old != new:
                changes.append(Change(filing.year, filing.month, (before or after).name, name, old, new))
    return changes


def corrections_for(*, site: Site, year: int, month: int) -> list[Change]:
    """Changes to reported months of the year whose next open month is this one."""
    corrections = []
    for filed_month, filing in sorted(filed_months(site=site, year=year).items()):
        if filed_month < month and next_open_month(site=site, year=year, after=filed_month) == month:
            corrections.extend(changes_since_filing(site=site, filing=filing))
    return corrections


@dataclass
class MonthOfPay:
    month_start: datetime.date
    gross: Decimal
    holiday_pay: Decimal
    holiday_pay_accrued: Decimal
    taxable: Decimal
    tax: Decimal
    net: Decimal


@dataclass
class YearStatement:
    """One worker's year at the employer, by payment month: what the year summary PDF prints."""

    participant_id: int
    name: str
    full_name: str
    months: list[MonthOfPay]

    def _total(self, name: str) -> Decimal:
        return money(sum((getattr(month, name) for month in self.months), ZERO))

    @property
    def totals(self) -> MonthOfPay:
        return MonthOfPay(
            None,
            *(
                self._total(name)
                for name in ("gross", "holiday_pay", "holiday_pay_accrued", "taxable", "tax", "net")
            ),
        )

    @property
    def holiday_pay_earned(self) -> Decimal:
        return self._total("holiday_pay") + self._total("holiday_pay_accrued")


def year_statements(*, site: Site, year: int, participant_id: int | None = None) -> list[YearStatement]:
    """Per worker paid by the site's employer in the year (one, if `participant_id`), the months
    they were paid in (Oslo time) with their sums; one query."""
    from django.db.models.functions import ExtractMonth

    paid = paid_by_employer(employer_of(site), year)
    if participant_id is not None:
        paid = paid.filter(participant_id=participant_id)
    rows = (
        paid.annotate(month=ExtractMonth("paid_at"))
        .values("participant_id", "participant__name", "participant__full_name", "month")
        .annotate(
            gross=Sum("gross"),
            holiday=Sum("holiday_pay"),
            accrued=Sum("holiday_pay_accrued"),
            taxable=Sum("taxable"),
            tax=Sum("tax"),
            net=Sum("net"),
        )
        .order_by("participant__name", "participant_id", "month")
    )
    statements: dict[int, YearStatement] = {}
    for row in rows:
        statement = statements.setdefault(
            row["participant_id"],
            YearStatement(row["participant_id"], row["participant__name"], row["participant__full_name"], []),
        )
        statement.months.append(
            MonthOfPay(
                datetime.date(year, row["month"], 1),
                *(_m(row[key]) for key in ("gross", "holiday", "accrued", "taxable", "tax", "net")),
            )
        )
    return list(statements.values())
