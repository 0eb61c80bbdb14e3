"""Reads of the jobs app that join tables; other apps (payroll, check-in, attendance) rely on these."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Sum

from dagsverket.models import Participant, Readiness, Site, Visit
from dagsverket.selectors import exclusions_in_force

from .models import (
    ASSIGNABLE_OUTCOMES,
    Assignment,
    DayPlan,
    EarnedGuarantee,
    LotteryDraw,
    LotteryEntry,
    Outcome,
    Task,
    TaskStatus,
)

STREAK_DAYS = 42  # how far back unlucky days in a row are counted (a streak longer than this is rare)

# What `{% who %}` reads of a person listed through a join: the short name, and what tells two
# people of the same short name apart.
PERSON_AS_LISTED = (
    "participant__name",
    "participant__full_name",
    "participant__birth_year",
    "participant__site_id",
)
# What the draw, the waiting list and the lottery page read of a visit in the pool.
POOL_VISIT_FIELDS = ("pk", "participant_id", "readiness")


@dataclass(frozen=True)
class PayableWork:
    """One signed-off assignment, ready to be paid.

    `hours` is a Decimal with two decimals and already includes every hours correction; `corrected`
    says whether any correction was made, `last_corrected_at` when the latest was made (payroll uses it
    to notice corrections after a payslip was made). `price_kind` is "per_hour" or "fixed" and
    `price` the task's price (per worker-hour, or the whole task) - the customer's price, not a wage.
    """

    assignment_id: int
    participant: Participant
    visit_id: int
    date: datetime.date
    task_id: int
    task_description: str
    category: str
    customer_id: int
    customer_name: str
    customer_sector: str
    starts_at: datetime.time
    ends_at: datetime.time
    break_minutes: int
    hours: Decimal
    price_kind: str
    price: Decimal
    signed_off_at: datetime.datetime
    corrected: bool
    last_corrected_at: datetime.datetime | None


def payable_work(*, site: Site, day: datetime.date) -> list[PayableWork]:
    """The day's signed-off work at `site`: one `PayableWork` per active assignment on a signed-off task.

    Returns `list[PayableWork]` ordered by participant name and start time; two queries (assignments
    with participant, task and customer joined; then the corrections). Removed (moved) assignments and
    cancelled tasks are left out; tasks not yet signed off are not payable.
    """
    assignments = list(
        Assignment.objects.active()
        .filter(task__site=site, date=day, task__signed_off_at__isnull=False)
        .exclude(task__status=TaskStatus.CANCELLED)
        .select_related("participant", "task", "task__customer")
        .prefetch_related("corrections")
        .order_by("participant__name", "participant_id", "starts_at")
    )
    result = []
    for a in assignments:
        corrections = list(a.corrections.all())
        result.append(
            PayableWork(
                assignment_id=a.pk,
                participant=a.participant,
                visit_id=a.visit_id,
                date=a.date,
                task_id=a.task_id,
                task_description=a.task.description,
                category=a.task.category,
                customer_id=a.task.customer_id,
                customer_name=a.task.customer.name,
                customer_sector=a.task.customer.sector,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                break_minutes=a.break_minutes,
                hours=a.hours,
                price_kind=a.task.price_kind,
                price=a.task.price,
                signed_off_at=a.task.signed_off_at,
                corrected=bool(corrections),
                last_corrected_at=corrections[-1].corrected_at if corrections else None,
            )
        )
    return result


@dataclass(frozen=True)
class VisitOutcome:
    """What came of a visit: the lottery outcome (an `Outcome` value, or "" when no draw was held)
    and the names of the tasks the person worked on."""

    outcome: str
    outcome_label: str
    tasks: tuple[str, ...]

    @property
    def worked(self) -> bool:
        return bool(self.tasks)


def visit_outcomes(visit_ids) -> dict[int, VisitOutcome]:
    """Lottery outcome and task names per visit id, from the current draw; two queries.

    Visits without a draw entry and without assignments are left out of the dict.
    """
    visit_ids = list(visit_ids)
    entries = dict(
        LotteryEntry.objects.filter(visit_id__in=visit_ids, draw__current=True).values_list(
            "visit_id", "outcome"
        )
    )
    tasks: dict[int, list[str]] = {}
    for visit_id, description in (
        Assignment.objects.active()
        .filter(visit_id__in=visit_ids)
        .order_by("starts_at", "pk")
        .values_list("visit_id", "task__description")
    ):
        tasks.setdefault(visit_id, []).append(description)
    labels = dict(Outcome.choices)
    result = {}
    for visit_id in set(entries) | set(tasks):
        outcome = entries.get(visit_id, "")
        result[visit_id] = VisitOutcome(
            outcome=outcome, outcome_label=str(labels.get(outcome, "")), tasks=tuple(tasks.get(visit_id, ()))
        )
    return result


def attendance_columns(visits) -> dict[int, dict]:
    """The attendance log's jobs columns per visit (registered in `ready()`): the lottery outcome,
    the tasks and the hours worked. Three queries for a page, whatever its size."""
    ids = [visit.pk for visit in visits]
    outcomes = visit_outcomes(ids)
    hours = dict(
        Assignment.objects.active()
        .filter(visit_id__in=ids)
        .values("visit_id")
        .annotate(total=Sum("hours"))
        .values_list("visit_id", "total")
    )
    columns = {}
    for pk in ids:
        outcome = outcomes.get(pk)
        columns[pk] = {
            "lottery": outcome.outcome_label if outcome else "",
            "tasks": ", ".join(outcome.tasks) if outcome else "",
            "hours": hours.get(pk),
        }
    return columns


def day_tasks(*, site: Site, day: datetime.date):
    """The day's tasks (not cancelled) with customer, work leader and active assignments."""
    active = Assignment.objects.active().select_related("participant").order_by("starts_at", "pk")
    return (
        Task.objects.filter(site=site, date=day)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("customer", "work_leader")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class PlaceCounts:
    """The day's places, the one set of numbers every page shows (the board, the lottery, the
    manager's day), so "15 places" never stands next to "17 free".

    `places` is what the lottery draws: set by hand, or the sum of the day's tasks' places
    (`task_places`). `assigned` is how many people are on a task (a person on two tasks counts
    once); `left` is places minus those, never below 0 and never above `places`."""

    places: int
    light_places: int
    manual: bool
    task_places: int
    assigned: int = 0

    @property
    def left(self) -> int:
        return max(self.places - self.assigned, 0)

    @property
    def tasks_differ(self) -> bool:
        """Places set by hand that the tasks do not match: the page says by how much."""
        return self.manual and self.places != self.task_places


def day_place_counts(*, site: Site, day: datetime.date, assigned: int = 0) -> PlaceCounts:
    """The day's `PlaceCounts`; two queries."""
    plan = DayPlan.objects.filter(site=site, date=day).first()
    return place_counts_with_plan(site=site, day=day, plan=plan, assigned=assigned)


def place_counts_with_plan(
    *, site: Site, day: datetime.date, plan: DayPlan | None, assigned: int = 0
) -> PlaceCounts:
    """The day's `PlaceCounts` from its plan row as the caller read it (None: the day has none),
    for a caller that holds the row's lock; one query."""
    sums = (
        Task.objects.filter(site=site, date=day)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(places=Sum("workers_max"), light=Sum("workers_max", filter=Q(light_duty=True)))
    )
    task_places, task_light = sums["places"] or 0, sums["light"] or 0
    if plan and plan.places is not None:
        light = plan.light_places if plan.light_places is not None else min(task_light, plan.places)
        return PlaceCounts(plan.places, min(light, plan.places), True, task_places, assigned)
    return PlaceCounts(task_places, task_light, False, task_places, assigned)


def day_places(*, site: Site, day: datetime.date) -> tuple[int, int, bool]:
    """(places, light-duty places, set by the front desk?) for the day; two queries at most."""
    counts = day_place_counts(site=site, day=day)
    return counts.places, counts.light_places, counts.manual


def current_draw(*, site: Site, day: datetime.date) -> LotteryDraw | None:
    return LotteryDraw.objects.filter(site=site, date=day, current=True).select_related("ran_by").first()


# --- the lottery's pool -----------------------------------------------------------------------------


def lottery_pool(
    *, site: Site, day: datetime.date, with_names: bool = False
) -> tuple[list[Visit], list[Visit]]:
    """(ready visits that may be drawn, visits that may not and why) for the day, in arrival order;
    the why is on `visit.pool_reason`: "not_ready", "excluded". One query.

    The visits carry their id, person id and readiness only; `with_names` adds the person as
    listed (`{% who visit.participant %}`), for a page that names them."""
    visits = (
        Visit.objects.active()
        .filter(site=site, date=day)
        .annotate(excluded=Exists(exclusions_in_force(day).filter(participant_id=OuterRef("participant_id"))))
        .order_by("arrived_at", "pk")
    )
    if with_names:
        visits = visits.select_related("participant").only(*POOL_VISIT_FIELDS, *PERSON_AS_LISTED)
    else:
        visits = visits.only(*POOL_VISIT_FIELDS)
    pool, out = [], []
    for visit in visits:
        if visit.excluded:
            visit.pool_reason = "excluded"
            out.append(visit)
        elif visit.readiness in (Readiness.READY, Readiness.LIGHT):
            visit.pool_reason = ""
            pool.append(visit)
        else:
            visit.pool_reason = "not_ready"
            out.append(visit)
    return pool, out


def pool_history(*, day: datetime.date, participant_ids: list[int]) -> dict[int, dict]:
    """Per participant: unlucky days in a row, days worked this week, days since last worked (over the
    full history), an unused earned guarantee. Four queries, whatever the pool's size."""
    streak_since = day - datetime.timedelta(days=STREAK_DAYS)
    monday = day - datetime.timedelta(days=day.weekday())
    history = {pid: {"worked": set(), "outcomes": {}} for pid in participant_ids}
    last_worked = dict(
        Assignment.objects.active()
        .filter(participant_id__in=participant_ids, date__lt=day)
        .values("participant_id")
        .annotate(last=Max("date"))
        .values_list("participant_id", "last")
    )
    # Without .order_by() the model's ordering would join the DISTINCT and send a row per assignment.
    for pid, date in (
        Assignment.objects.active()
        .filter(participant_id__in=participant_ids, date__gte=min(streak_since, monday), date__lt=day)
        .values_list("participant_id", "date")
        .order_by()
        .distinct()
    ):
        history[pid]["worked"].add(date)
    for pid, date, outcome in (
        LotteryEntry.objects.filter(
            participant_id__in=participant_ids,
            draw__current=True,
            draw__date__gte=streak_since,
            draw__date__lt=day,
        )
        .values_list("participant_id", "draw__date", "outcome")
        .order_by()
    ):
        history[pid]["outcomes"][date] = outcome
    earned = set(
        EarnedGuarantee.objects.filter(
            participant_id__in=participant_ids, used_in__isnull=True, earned_on__lt=day
        ).values_list("participant_id", flat=True)
    )
    result = {}
    for pid, h in history.items():
        unlucky = 0
        # Walk back through the days the person was in a draw or worked; stop at the first lucky one.
        for date in sorted(set(h["outcomes"]) | h["worked"], reverse=True):
            if date in h["worked"] or h["outcomes"].get(date) in ASSIGNABLE_OUTCOMES:
                break
            if h["outcomes"].get(date) in (Outcome.NOT_DRAWN, Outcome.WAITING):
                unlucky += 1
        last = last_worked.get(pid)
        result[pid] = {
            "unlucky_days": unlucky,
            "worked_this_week": len([d for d in h["worked"] if d >= monday]),
            "days_since_worked": (day - last).days if last else None,
            "earned_guarantee": pid in earned,
        }
    return result
