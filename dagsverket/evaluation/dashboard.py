"""The figures of the dashboard and the report: a fixed handful of aggregate queries.

Managers see the counts as they are; evaluators see them suppressed (values under 5 hidden, and one
more so that no hidden value follows from the total).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from ..models import Site, Visit
from .suppression import suppress_series

CORE_GROUP_DAYS = 4


@dataclass
class Series:
    key: str
    title: str
    points: list  # [(label, value or None when hidden)]
    total: int | None = None
    kind: str = "bar"
    pending: str = ""


@dataclass
class Dashboard:
    start: datetime.date
    end: datetime.date
    site: Site | None
    suppressed: bool
    series: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    referrals: dict | None = None
    project: object = None


def _months(start: datetime.date, end: datetime.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day:%Y-%m}")
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _weeks(start: datetime.date, end: datetime.date) -> list[str]:
    weeks, day = [], start - datetime.timedelta(days=start.weekday())
    while day <= end:
        year, week, _weekday = day.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        day += datetime.timedelta(days=7)
    return weeks


def _people_per_month(start: datetime.date, end: datetime.date, site: Site | None) -> tuple[dict, dict]:
    """Unique people and the core group per month, counted in the database (one query, a row a month)."""
    if connection.vendor == "postgresql":
        # Grouped by the month's first day, named once per month: `to_char` on each of a site-year's
        # visits cost more than the scan (a date's cast to timestamptz, then text).
        month, label = "date_trunc('month', date::timestamp)", "to_char(month, 'YYYY-MM')"
    else:
        month, label = "strftime('%%Y-%%m', date)", "month"
    # At one site a person has at most one visit a day, so a plain count gives the days.
    days = "COUNT(*)" if site is not None else "COUNT(DISTINCT date)"
    where = "undone_at IS NULL AND date >= %s AND date <= %s"
    params: list = [CORE_GROUP_DAYS, start, end]
    if site is not None:
        where += " AND site_id = %s"
        params.append(site.pk)
    sql = (
        f"SELECT {label}, COUNT(*), SUM(CASE WHEN days >= %s THEN 1 ELSE 0 END) FROM ("  # noqa: S608
        f"SELECT participant_id, {month} AS month, {days} AS days FROM dagsverket_visit"
        f" WHERE {where} GROUP BY participant_id, {month}) people GROUP BY month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: row[1] for row in rows}, {row[0]: int(row[2] or 0) for row in rows}


def dashboard_figures(
    *, start: datetime.date, end: datetime.date, site: Site | None, suppressed: bool
) -> Dashboard:
    from django.utils.translation import gettext as _

    visits = Visit.objects.active().filter(date__gte=start, date__lte=end)
    if site is not None:
        visits = visits.filter(site=site)
    per_day = {
        row["date"]: (row["visits"], row["not_fit"])
        for row in visits.values("date")
        # Counted on a column of the index on (site, date, participant, readiness), not on the id:
        # the index alone answers the query.
        .annotate(visits=Count("participant"), not_fit=Count("participant", filter=Q(readiness="not_today")))
        .order_by()
    }
    people_month, core_month = _people_per_month(start, end, site)
    unique_total = visits.values("participant_id").distinct().count()

    days = []
    day = start
    while day <= end:
        days.append(day)
        day += datetime.timedelta(days=1)
    weeks, months = _weeks(start, end), _months(start, end)
    by_day = {f"{day:%Y-%m-%d}": per_day.get(day, (0, 0))[0] for day in days if per_day.get(day)}
    by_week, not_fit_month = defaultdict(int), defaultdict(int)
    for day, (count, not_fit) in per_day.items():
        year, week, _weekday = day.isocalendar()
        by_week[f"{year}-W{week:02d}"] += count
        not_fit_month[f"{day:%Y-%m}"] += not_fit

    def series(key, title, counts, keys, kind="bar"):
        if suppressed:
            shown = suppress_series(counts, keys)
            return Series(key, title, [(k, shown[k]) for k in keys], shown["total"], kind)
        return Series(
            key, title, [(k, counts.get(k, 0)) for k in keys], sum(counts.get(k, 0) for k in keys), kind
        )

    board = Dashboard(start=start, end=end, site=site, suppressed=suppressed)
    day_keys = sorted(by_day)
    board.series = [
        series("visits_day", _("Visits per day"), by_day, day_keys, kind="line"),
        series("visits_week", _("Visits per week"), by_week, weeks),
        series("people_month", _("Unique participants per month"), people_month, months),
        series(
            "core_month",
            _("Core group per month (%(days)s+ days)") % {"days": CORE_GROUP_DAYS},
            core_month,
            months,
        ),
        series("not_fit_month", _("Not fit today, per month"), not_fit_month, months),
    ]
    board.series += _jobs_and_pay(start, end, site, months, suppressed)
    board.referrals = _referrals(start, end, site, suppressed)
    total_visits = sum(count for count, _not_fit in per_day.values())
    if suppressed:
        board.totals = {
            "visits": total_visits if total_visits >= 5 or total_visits == 0 else None,
            "participants": unique_total if unique_total >= 5 or unique_total == 0 else None,
        }
    else:
        board.totals = {"visits": total_visits, "participants": unique_total}
    return board


def _per_month(rows, value_key: str) -> tuple[dict, dict]:
    values, people = defaultdict(int), defaultdict(int)
    for row in rows:
        month = f"{row['month']:%Y-%m}"
        values[month] += round(float(row[value_key] or 0))
        people[month] += row["people"]
    return values, people


def _sum_series(key, title, values, people, months, suppressed) -> Series:
    """Sums (hours, kroner) are shown for evaluators only where enough people stand behind them."""
    if not suppressed:
        return Series(key, title, [(m, values.get(m, 0)) for m in months], sum(values.values()))
    shown_people = suppress_series(people, months)
    points = [(m, None if shown_people[m] is None else values.get(m, 0)) for m in months]
    total = None if shown_people["total"] is None else sum(values.values())
    return Series(key, title, points, total)


def _jobs_and_pay(start, end, site, months, suppressed) -> list[Series]:
    """Not drawn, hours and wages per month: three grouped queries."""
    from django.db.models import Sum
    from django.utils.translation import gettext as _

    from jobs.models import Assignment, LotteryEntry
    from payroll.models import Payslip

    def scoped(queryset, date_field):
        queryset = queryset.filter(**{f"{date_field}__gte": start, f"{date_field}__lte": end})
        return queryset.filter(site=site) if site is not None and date_field == "date" else queryset

    not_drawn = LotteryEntry.objects.filter(
        draw__current=True, draw__date__gte=start, draw__date__lte=end, outcome__in=["not_drawn", "waiting"]
    )
    if site is not None:
        not_drawn = not_drawn.filter(draw__site=site)
    not_drawn_month = defaultdict(int)
    for row in (
        not_drawn.annotate(month=TruncMonth("draw__date")).values("month").annotate(n=Count("id")).order_by()
    ):
        not_drawn_month[f"{row['month']:%Y-%m}"] = row["n"]

    hours = Assignment.objects.active().filter(date__gte=start, date__lte=end)
    if site is not None:
        hours = hours.filter(task__site=site)
    hours_rows = (
        hours.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("hours"), people=Count("participant_id", distinct=True))
        .order_by()
    )
    wages = scoped(Payslip.objects.filter(paid_at__isnull=False), "date")
    wage_rows = (
        wages.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("gross"), people=Count("participant_id", distinct=True))
        .order_by()
    )
    hour_values, hour_people = _per_month(hours_rows, "total")
    wage_values, wage_people = _per_month(wage_rows, "total")
    if suppressed:
        shown = suppress_series(not_drawn_month, months)
        not_drawn_series = Series(
            "not_drawn_month",
            _("Not drawn in the lottery (unmet demand), per month"),
            [(m, shown[m]) for m in months],
            shown["total"],
        )
    else:
        not_drawn_series = Series(
            "not_drawn_month",
            _("Not drawn in the lottery (unmet demand), per month"),
            [(m, not_drawn_month.get(m, 0)) for m in months],
            sum(not_drawn_month.values()),
        )
    return [
        not_drawn_series,
        _sum_series("hours_month", _("Hours worked per month"), hour_values, hour_people, months, suppressed),
        _sum_series(
            "wages_month", _("Wages paid per month (NOK)"), wage_values, wage_people, months, suppressed
        ),
    ]


def _referrals(start, end, site, suppressed) -> dict:
    """Referrals sent in the period by agency type (rows) and outcome (columns), one query."""
    from dagsverket.referrals.models import AgencyType, Referral, ReferralOutcome

    from .suppression import ROW_TOTAL, suppress

    referrals = Referral.objects.filter(date__gte=start, date__lte=end).exclude(status="draft")
    if site is not None:
        referrals = referrals.filter(site=site)
    counts = {
        (row["agency__type"], row["outcome"] or "open"): row["n"]
        for row in referrals.values("agency__type", "outcome").annotate(n=Count("id")).order_by()
    }
    types = [value for value, _label in AgencyType.choices if any(key[0] == value for key in counts)]
    outcomes = [*ReferralOutcome.values, "open"]
    table = suppress(counts, rows=types, columns=outcomes, threshold=5 if suppressed else 0)
    labels = dict(AgencyType.choices)
    outcome_labels = {**dict(ReferralOutcome.choices), "open": _open_label()}
    return {
        "columns": [outcome_labels[o] for o in outcomes],
        "rows": [
            (labels[t], [table.shown(t, o) for o in outcomes], table.shown(t, ROW_TOTAL)) for t in types
        ],
        "totals": [table.column_total(o) for o in outcomes],
        "grand_total": table.grand_total,
    }


def _open_label():
    from django.utils.translation import gettext as _

    return _("Open (no outcome yet)")


def release_dashboard(*, project, start: datetime.date, end: datetime.date, site: Site | None) -> Dashboard:
    """The evaluator's dashboard of a project: the cells of the period's releases (one per block of
    the project's grid), every table and chart suppressed together with all the others; a hidden
    cell is None, whatever the reason it is hidden."""
    from django.utils.translation import gettext as _

    from .release import ALL, TOTAL, releases_for_period

    releases = releases_for_period(project, start, end)
    site_key = site.pk if site is not None else ALL
    board = Dashboard(start=start, end=end, site=site, suppressed=True, project=project)

    def cells(measure, label_key=None):
        points, totals = [], []
        for release in releases:
            for label in release.units:
                points.append((label, release.shown((measure, site_key, label, ALL))))
            totals.append(release.shown((measure, site_key, TOTAL, ALL)))
        # A total over several blocks is published only when every block's total is: then it is
        # their sum and says nothing new.
        total = None if any(value is None for value in totals) else sum(totals)
        return points, total

    unit_name = _("per month") if releases and releases[0].unit == "month" else _("per week")
    titles = [
        ("visits", _("Visits %(unit)s")),
        ("people", _("Unique participants %(unit)s")),
        ("core", _("Core group %(unit)s (%(days)s+ days in the month)")),
        ("not_fit", _("Not fit today, %(unit)s")),
        ("not_drawn", _("Not drawn in the lottery (unmet demand), %(unit)s")),
        ("hours", _("Hours worked %(unit)s")),
        ("wages", _("Wages paid %(unit)s (NOK)")),
    ]
    for measure, title in titles:
        if measure == "core" and (not releases or releases[0].unit != "month"):
            continue
        points, total = cells(measure)
        if measure in ("people", "core"):
            total = None  # unique people do not add up over units
        board.series.append(
            Series(
                f"{measure}_unit",
                title % {"unit": unit_name, "days": CORE_GROUP_DAYS},
                points,
                total,
            )
        )
    visits_total = board.series[0].total
    participants = None
    if len(releases) == 1:
        participants = releases[0].shown(("people", site_key, TOTAL, ALL))
    else:
        period_visits = Visit.objects.active().filter(date__gte=start, date__lte=end)
        if site is not None:
            period_visits = period_visits.filter(site=site)
        count = period_visits.values("participant_id").distinct().count()
        # Unique people over several blocks: not a sum of published cells, shown when not small.
        participants = count if count >= 5 else None
    board.totals = {"visits": visits_total, "participants": participants}
    board.referrals = _release_referrals(releases, site_key)
    return board


def _release_referrals(releases, site_key) -> dict:
    from dagsverket.referrals.models import AgencyType, ReferralOutcome

    from .release import TOTAL

    types = [value for value, _label in AgencyType.choices]
    outcomes = [*ReferralOutcome.values, "open"]

    def value(agency_type, outcome):
        found = [release.shown(("referrals", site_key, agency_type, outcome)) for release in releases]
        return None if any(v is None for v in found) else sum(found)

    present = types  # every type, so an empty row is not told apart from a hidden one
    labels = dict(AgencyType.choices)
    outcome_labels = {**dict(ReferralOutcome.choices), "open": _open_label()}
    return {
        "columns": [outcome_labels[o] for o in outcomes],
        "rows": [(labels[t], [value(t, o) for o in outcomes], value(t, TOTAL)) for t in present],
        "totals": [value(TOTAL, o) for o in outcomes],
        "grand_total": value(TOTAL, TOTAL),
    }
