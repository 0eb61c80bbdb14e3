"""One release of a project: every figure it publishes for one block of its grid, suppressed together.

A release holds, for every site and for all sites together, per unit of the grid (ISO week or
month) and for the block as a whole: visits and unique participants (in total, by age band, by sex
and by age band × sex, ages at the project's reference date), not fit today, not drawn, hours and
wages, the core group (month grids), and referrals by agency type and outcome. The dashboard, its
PDF and the statistics export all read their cells from here, so every table and chart of a block
is suppressed in one pass (`suppression.protect`) with every sum that ties them together: the units
and the block's total, the sites and all sites, the groups and their margins. A longer period is a
row of blocks; what two periods differ by is whole blocks, each suppressed the same way every time.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from ..models import Participant, Visit, age_on
from .anonymity import K_ANONYMITY
from .coarsening import age_band
from .grid import MONTH, grid_unit, unit_label, unit_starts
from .models import EvaluationProject
from .suppression import protect

ALL = "all"
TOTAL = "total"
CORE_GROUP_DAYS = 4
SEXES = ("f", "m", "x")
COUNT_MEASURES = ("visits", "not_fit", "not_drawn")
SUM_MEASURES = {"hours": "workers", "wages": "paid"}


@dataclass
class Release:
    project: EvaluationProject
    start: datetime.date
    end: datetime.date
    unit: str
    units: list
    sites: list  # site ids
    site_names: dict
    age_groups: list
    sex_groups: list
    values: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    primary: set = field(default_factory=set)
    referral_types: list = field(default_factory=list)
    referral_outcomes: list = field(default_factory=list)

    def shown(self, key):
        """The value, or None when hidden; a cell that is not in the release at all is hidden too."""
        if key in self.hidden or key not in self.values:
            return None
        return self.values[key]

    def is_secondary(self, key) -> bool:
        return key in self.hidden and key not in self.primary


def _groups_of(band: str, sex: str) -> list[str]:
    return [ALL, f"age:{band}", f"sex:{sex}", f"age_sex:{band}/{sex}"]


def build_release(project: EvaluationProject, start: datetime.date, end: datetime.date) -> Release:
    """Count everything of one block (all sites) in a fixed number of grouped queries, then suppress."""
    from dagsverket.referrals.models import AgencyType, Referral, ReferralOutcome
    from jobs.models import Assignment, LotteryEntry
    from payroll.models import Payslip

    unit = grid_unit(project)
    units = [unit_label(day, unit) for day in unit_starts(start, end, unit)]
    reference = project.age_reference_date
    visits = Visit.objects.active().filter(date__gte=start, date__lte=end)
    per_day = list(
        visits.values_list("site_id", "participant_id", "date")
        .annotate(n=Count("id"), not_fit=Count("id", filter=Q(readiness="not_today")))
        .order_by()
    )
    people = {
        pk: (age_band(age_on(birth_date, birth_year, reference)), sex or "x")
        for pk, birth_date, birth_year, sex in Participant.objects.filter(
            pk__in={pid for _s, pid, _d, _n, _f in per_day}
        ).values_list("pk", "birth_date", "birth_year", "sex")
    }
    from ..models import Site

    sites = sorted({site_id for site_id, *_rest in per_day})
    site_names = dict(Site.objects.filter(pk__in=sites).values_list("pk", "name"))
    values: dict = defaultdict(int)
    primary: set = set()
    seen_people: dict = defaultdict(set)  # (site, unit, group) -> participant ids
    days_in_unit: dict = defaultdict(set)  # (site, unit, participant) -> days
    for site_id, pid, day, count, not_fit in per_day:
        band, sex = people[pid]
        label = unit_label(day, unit)
        for site_key in (site_id, ALL):
            for group in _groups_of(band, sex):
                values[("visits", site_key, label, group)] += count
                seen_people[(site_key, label, group)].add(pid)
            values[("not_fit", site_key, label, ALL)] += not_fit
            seen_people[(site_key, TOTAL, ALL)].add(pid)
            days_in_unit[(site_key, label, pid)].add(day)
    bands = sorted({band for band, _sex in people.values()})
    sexes = [sex for sex in SEXES if any(s == sex for _band, s in people.values())]
    age_groups = [f"age:{band}" for band in bands]
    sex_groups = [f"sex:{sex}" for sex in sexes]
    groups = [ALL, *age_groups, *sex_groups, *(f"age_sex:{b}/{s}" for b in bands for s in sexes)]
    site_keys = [*sites, ALL]
    for (site_key, label, group), pids in seen_people.items():
        values[("people", site_key, label, group)] = len(pids)
    if unit == MONTH:
        for (site_key, label, _pid), days in days_in_unit.items():
            if len(days) >= CORE_GROUP_DAYS:
                values[("core", site_key, label, ALL)] += 1

    not_drawn = (
        LotteryEntry.objects.filter(
            draw__current=True,
            draw__date__gte=start,
            draw__date__lte=end,
            outcome__in=["not_drawn", "waiting"],
        )
        .values_list("draw__site_id", "draw__date")
        .annotate(n=Count("id"))
        .order_by()
    )
    for site_id, day, count in not_drawn:
        for site_key in (site_id, ALL):
            values[("not_drawn", site_key, unit_label(day, unit), ALL)] += count
    worked = (
        Assignment.objects.active()
        .filter(date__gte=start, date__lte=end)
        .values_list("task__site_id", "date", "participant_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    paid = (
        Payslip.objects.filter(paid_at__isnull=False, date__gte=start, date__lte=end)
        .values_list("site_id", "date", "participant_id")
        .annotate(gross=Sum("gross"))
        .order_by()
    )
    sums: dict = defaultdict(float)
    behind: dict = defaultdict(set)
    for measure, rows in (("hours", worked), ("wages", paid)):
        for site_id, day, pid, amount in rows:
            sums[(measure, site_id, unit_label(day, unit))] += float(amount or 0)
            for site_key in (site_id, ALL):
                behind[(measure, site_key, unit_label(day, unit))].add(pid)
                behind[(measure, site_key, TOTAL)].add(pid)
    for measure in SUM_MEASURES:
        for label in units:
            for site_id in sites:
                # Whole hours and kroner per site and unit; every total is the sum of these.
                values[(measure, site_id, label, ALL)] = round(sums.get((measure, site_id, label), 0))

    referral_rows = (
        Referral.objects.filter(date__gte=start, date__lte=end)
        .exclude(status="draft")
        .values_list("site_id", "agency__type", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    referral_types = [value for value, _label in AgencyType.choices]
    referral_outcomes = [*ReferralOutcome.values, "open"]
    for site_id, agency_type, outcome, count in referral_rows:
        if site_id not in sites:
            sites.append(site_id)
            site_keys.insert(-1, site_id)
        for site_key in (site_id, ALL):
            values[("referrals", site_key, agency_type, outcome or "open")] += count
    site_names.update(
        Site.objects.filter(pk__in=[s for s in sites if s not in site_names]).values_list("pk", "name")
    )

    equations: list[tuple] = []

    def additive(measure: str, groups_here: list[str]):
        for group in groups_here:
            for label in units:
                equations.append(
                    ((measure, ALL, label, group), [(measure, site, label, group) for site in sites])
                )
        for site_key in site_keys:
            equations.append(
                ((measure, site_key, TOTAL, ALL), [(measure, site_key, label, ALL) for label in units])
            )
        equations.append(((measure, ALL, TOTAL, ALL), [(measure, site, TOTAL, ALL) for site in sites]))

    def by_group(measure: str):
        for site_key in site_keys:
            for label in units:
                cell = (measure, site_key, label, ALL)
                equations.append((cell, [(measure, site_key, label, group) for group in age_groups]))
                equations.append((cell, [(measure, site_key, label, group) for group in sex_groups]))
                for band in bands:
                    equations.append(
                        (
                            (measure, site_key, label, f"age:{band}"),
                            [(measure, site_key, label, f"age_sex:{band}/{sex}") for sex in sexes],
                        )
                    )
                for sex in sexes:
                    equations.append(
                        (
                            (measure, site_key, label, f"sex:{sex}"),
                            [(measure, site_key, label, f"age_sex:{band}/{sex}") for band in bands],
                        )
                    )

    additive("visits", groups)
    by_group("visits")
    by_group("people")  # people are not additive over units or sites: only the groups partition them
    for measure in (*COUNT_MEASURES[1:], *SUM_MEASURES):
        additive(measure, [ALL])
    for site_key in site_keys:
        for agency_type in referral_types:
            equations.append(
                (
                    ("referrals", site_key, agency_type, TOTAL),
                    [("referrals", site_key, agency_type, outcome) for outcome in referral_outcomes],
                )
            )
        for outcome in [*referral_outcomes, TOTAL]:
            equations.append(
                (
                    ("referrals", site_key, TOTAL, outcome),
                    [("referrals", site_key, agency_type, outcome) for agency_type in referral_types],
                )
            )
    for agency_type in [*referral_types, TOTAL]:
        for outcome in [*referral_outcomes, TOTAL]:
            equations.append(
                (
                    ("referrals", ALL, agency_type, outcome),
                    [("referrals", site, agency_type, outcome) for site in sites],
                )
            )

    # Every cell named anywhere exists (missing = 0); sums are worked out from their parts.
    for total, parts in equations:
        for key in (total, *parts):
            values.setdefault(key, 0)
    for site_key in site_keys:
        values[("people", site_key, TOTAL, ALL)] = len(seen_people.get((site_key, TOTAL, ALL), ()))
        for label in units:
            for group in groups:
                values.setdefault(("people", site_key, label, group), 0)
            if unit == MONTH:
                values.setdefault(("core", site_key, label, ALL), 0)
    _fill_sums(values, equations)

    for key, value in values.items():
        measure = key[0]
        if measure in SUM_MEASURES:
            # A sum is small when fewer than k people stand behind it (zero included).
            if len(behind.get((measure, key[1], key[2]), ())) < K_ANONYMITY:
                primary.add(key)
        elif value < K_ANONYMITY:
            primary.add(key)
    release = Release(
        project=project,
        start=start,
        end=end,
        unit=unit,
        units=units,
        sites=sites,
        site_names=site_names,
        age_groups=age_groups,
        sex_groups=sex_groups,
        values=dict(values),
        primary=primary,
        referral_types=referral_types,
        referral_outcomes=referral_outcomes,
    )
    release.hidden = protect(release.values, equations, primary, threshold=K_ANONYMITY)
    return release


def _fill_sums(values: dict, equations: list[tuple]) -> None:
    """Totals of sums (hours, wages: whole numbers per site and unit) and of referrals from their parts."""
    for measure in (*COUNT_MEASURES, *SUM_MEASURES, "referrals"):
        pending = [(total, parts) for total, parts in equations if total[0] == measure]
        # Inner sums first: a total whose parts are all leaves, then the totals of totals.
        for _round in range(3):
            for total, parts in pending:
                values[total] = sum(values.get(part, 0) for part in parts)


def releases_for_period(
    project: EvaluationProject, start: datetime.date, end: datetime.date
) -> list[Release]:
    from .grid import blocks_for_period

    return [build_release(project, first, last) for first, last in blocks_for_period(project, start, end)]
