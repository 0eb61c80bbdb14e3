"""Writes of the jobs app: customers, tasks, the day's places, the lottery, assignments and hours.

Every function raises `JobsError` (a `DagsverketError`) with a translated message and a `code`.
"""

import datetime
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from dagsverket.identifiers import clean_organisation_number
from dagsverket.models import Readiness, Site, Visit
from dagsverket.selectors import excluded_participant_ids
from dagsverket.services import log_action

from . import lottery
from .errors import JobsError
from .models import (
    ASSIGNABLE_OUTCOMES,
    Assignment,
    Customer,
    DayPlan,
    EarnedGuarantee,
    HoursCorrection,
    LotteryDraw,
    LotteryEntry,
    LotteryRules,
    Outcome,
    Task,
    TaskChange,
    TaskStatus,
    hours_between,
)
from .selectors import day_places, lottery_pool, place_counts_with_plan, pool_history

MAX_HOURS_PER_DAY = Decimal("12")


# --- customers --------------------------------------------------------------------------------------


CUSTOMER_FIELDS = (
    "name",
    "sector",
    "organisation_number",
    "contact_name",
    "contact_phone",
    "contact_email",
    "invoice_address",
    "price_terms",
)


def customer_save(*, site: Site, by, customer: Customer | None = None, **data) -> Customer:
    """Create a customer at `site`, or update `customer`, with a checked organisation number."""
    data["organisation_number"] = clean_organisation_number(data.get("organisation_number", ""), JobsError)
    if not (data.get("name") or "").strip():
        raise JobsError(_("A customer needs a name."), code="name_required", field="name")
    duplicate = Customer.objects.filter(site=site, name=data["name"].strip())
    if customer is not None:
        duplicate = duplicate.exclude(pk=customer.pk)
    if duplicate.exists():
        raise JobsError(
            _("There is already a customer with this name."), code="duplicate_customer", field="name"
        )
    with transaction.atomic():
        customer = customer or Customer(site=site)
        for name in CUSTOMER_FIELDS:
            if name in data:
                setattr(customer, name, data[name].strip() if isinstance(data[name], str) else data[name])
        created = customer.pk is None
        customer.save()
        log_action(
            actor=by, action="customer_created" if created else "customer_updated", obj=customer, site=site
        )
    return customer


# --- tasks ------------------------------------------------------------------------------------------


def task_warnings(task: Task) -> list[str]:
    """Things the work leader should know about a task that do not stop it being saved."""
    warnings = []
    if task.is_cleaning_for_outside_customer and not task.site.cleaning_register_number:
        warnings.append(
            _(
                "Cleaning for a customer needs approval in the cleaning register: "
                "set the site's cleaning register approval number."
            )
        )
    return warnings


def _check_task(task: Task) -> None:
    if task.ends_at <= task.starts_at:
        raise JobsError(
            _("The task must end after it starts."), code="task_ends_before_start", field="ends_at"
        )
    if task.workers_max < 1:
        raise JobsError(_("A task needs at least one worker."), code="no_workers", field="workers_max")
    if task.workers_max < task.workers_min:
        raise JobsError(
            _("The maximum number of workers cannot be below the minimum."),
            code="workers_max_below_min",
            field="workers_max",
        )
    if task.price is None or task.price < 0:
        raise JobsError(_("The price cannot be negative."), code="negative_price", field="price")
    if task.customer.site_id != task.site_id:
        raise JobsError(_("The customer belongs to another site."), code="wrong_site", field="customer")


def repeat_dates(
    first: datetime.date, weekdays: list[int], until: datetime.date | None
) -> list[datetime.date]:
    """The days of a weekly repeat rule from `first` to `until` (inclusive); weekdays 0=Monday."""
    if not weekdays or until is None:
        return [first]
    if until < first:
        raise JobsError(
            _("The repeat must end on or after the first day."),
            code="repeat_ends_early",
            field="repeat_until",
        )
    if (until - first).days > 366:
        raise JobsError(
            _("A repeat can run for at most a year."), code="repeat_too_long", field="repeat_until"
        )
    days = []
    day = first
    while day <= until:
        if day.weekday() in weekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    if not days:
        raise JobsError(_("The repeat rule gives no days."), code="repeat_empty", field="repeat_weekdays")
    return days


TASK_FIELDS = (
    "customer",
    "description",
    "address",
    "date",
    "starts_at",
    "ends_at",
    "workers_min",
    "workers_max",
    "work_leader",
    "category",
    "light_duty",
    "needs_hms_card",
    "needs_driving_licence",
    "needs_skill",
    "price_kind",
    "price",
    "status",
)


def task_create(*, site: Site, by, repeat_weekdays=(), repeat_until=None, **data) -> list[Task]:
    """Create a task, or one per day of a weekly repeat rule (linked to the first by `series`)."""
    days = repeat_dates(data["date"], list(repeat_weekdays), repeat_until)
    rule = ""
    if len(days) > 1 or repeat_weekdays:
        rule = f"weekly:{','.join(str(d) for d in sorted(repeat_weekdays))}:until:{repeat_until:%Y-%m-%d}"
    with transaction.atomic():
        tasks = []
        first = None
        for day in days:
            task = Task(site=site, **{k: v for k, v in data.items() if k in TASK_FIELDS})
            task.date = day
            task.repeat_rule = rule
            task.series = first
            _check_task(task)
            task.save()
            first = first or task
            tasks.append(task)
        log_action(actor=by, action="task_created", obj=tasks[0], site=site, days=len(tasks))
    return tasks


def task_update(*, task: Task, by, reason: str = "", **data) -> Task:
    """Change a task; an invoiced task only with a reason (kept in TaskChange)."""
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).select_related("customer", "site").get(pk=task.pk)
        changes = {}
        for name, value in data.items():
            if name not in TASK_FIELDS:
                continue
            old = getattr(task, name)
            if old != value:
                changes[name] = [str(old), str(value)]
                setattr(task, name, value)
        if not changes:
            return task
        was_invoiced = (
            changes["status"][0] == TaskStatus.INVOICED
            if "status" in changes
            else task.status == TaskStatus.INVOICED
        )
        if was_invoiced:
            if not reason.strip():
                raise JobsError(
                    _("This task has been invoiced; give a reason for the change."),
                    code="reason_required",
                    field="reason",
                )
            TaskChange.objects.create(task=task, reason=reason.strip(), changes=changes, changed_by=by)
        _check_task(task)
        task.save()
        log_action(
            actor=by, action="task_updated", obj=task, site=task.site, **{k: v[1] for k, v in changes.items()}
        )
    return task


# --- the day's places -------------------------------------------------------------------------------


def day_places_set(
    *, site: Site, day: datetime.date, places: int | None, light_places: int | None, by
) -> DayPlan:
    """Set the day's places by hand (None: use the sum of the day's tasks)."""
    if (places is not None and places < 0) or (light_places is not None and light_places < 0):
        raise JobsError(_("The number of places cannot be negative."), code="negative_places", field="places")
    if places is not None and light_places is not None and light_places > places:
        raise JobsError(
            _("There cannot be more light-duty places than places."),
            code="light_above_places",
            field="light_places",
        )
    plan, _created = DayPlan.objects.update_or_create(
        site=site, date=day, defaults={"places": places, "light_places": light_places, "updated_by": by}
    )
    log_action(
        actor=by, action="day_places_set", obj=plan, site=site, places=places, light_places=light_places
    )
    return plan


def lottery_rules_for(site: Site) -> LotteryRules:
    """The site's rules; the defaults (unsaved) until a manager saves them, so reading writes nothing."""
    return LotteryRules.objects.filter(site=site).first() or LotteryRules(site=site)


LOTTERY_RULE_FIELDS = (
    "guarantee_enabled",
    "guarantee_after_days",
    "weekly_cap_enabled",
    "weekly_cap_days",
    "weighting_enabled",
    "weighting_max_days",
    "earned_guarantee_enabled",
)


def lottery_rules_save(*, site: Site, by, **fields) -> LotteryRules:
    """Save the site's fairness rules (the first save creates the row), with a history row and an
    activity-log entry naming the manager. The form has checked the values; two managers saving
    the first rules at once give one row, and the second is told."""
    unknown = set(fields) - set(LOTTERY_RULE_FIELDS)
    if unknown:
        raise JobsError(_("Unknown lottery rule."), code="unknown_rule")
    with transaction.atomic():
        rules = LotteryRules.objects.select_for_update().filter(site=site).first() or LotteryRules(site=site)
        for name, value in fields.items():
            setattr(rules, name, value)
        try:
            with transaction.atomic():
                rules.save()  # one history row, also for the first save
        except IntegrityError:
            raise JobsError(
                _("Another manager saved the rules a moment ago. Look at them and save again."),
                code="rules_saved_meanwhile",
            ) from None
        log_action(actor=by, action="lottery_rules_changed", obj=rules, site=site)
    return rules


def _rules(site: Site) -> lottery.Rules:
    r = lottery_rules_for(site)
    return lottery.Rules(
        guarantee_enabled=r.guarantee_enabled,
        guarantee_after_days=r.guarantee_after_days,
        weekly_cap_enabled=r.weekly_cap_enabled,
        weekly_cap_days=r.weekly_cap_days,
        weighting_enabled=r.weighting_enabled,
        weighting_max_days=r.weighting_max_days,
        earned_guarantee_enabled=r.earned_guarantee_enabled,
    )


# --- the lottery ------------------------------------------------------------------------------------


def lottery_draw(
    *, site: Site, day: datetime.date, by, reason: str = "", seed: int | None = None
) -> LotteryDraw:
    """Draw the day's places among the ready people; a second draw of a day needs a reason and keeps
    the first (no longer current)."""
    with transaction.atomic():
        # Lock the site's day plan row so two tablets cannot draw at once. A row this transaction
        # creates is locked by it until it commits; one another tablet created a moment ago is locked
        # after the insert fails.
        plan = DayPlan.objects.select_for_update().filter(site=site, date=day).first()
        if plan is None:
            try:
                with transaction.atomic():
                    plan = DayPlan.objects.create(site=site, date=day)
            except IntegrityError:
                plan = DayPlan.objects.select_for_update().get(site=site, date=day)
        previous = LotteryDraw.objects.filter(site=site, date=day, current=True).first()
        if previous and not reason.strip():
            raise JobsError(
                _("The lottery has already been drawn today; give a reason to draw again."),
                code="reason_required",
                field="reason",
            )
        if (
            previous
            and Assignment.objects.filter(
                task__site=site, date=day, task__signed_off_at__isnull=False
            ).exists()
        ):
            raise JobsError(
                _("Hours have been signed off today; the lottery cannot be drawn again."), code="signed_off"
            )
        counts = place_counts_with_plan(site=site, day=day, plan=plan)
        places, light_places = counts.places, counts.light_places
        if places < 1:
            raise JobsError(
                _("There are no places today: add tasks or set the number of places."),
                code="no_places",
                field="places",
            )
        pool, out = lottery_pool(site=site, day=day)
        rules = _rules(site)
        ids = [v.participant_id for v in pool]
        history = pool_history(day=day, participant_ids=ids)
        candidates = [
            lottery.Candidate(
                participant_id=v.participant_id,
                light_duty=v.readiness == Readiness.LIGHT,
                **history[v.participant_id],
            )
            for v in pool
        ]
        seed = secrets.randbits(62) if seed is None else seed
        result = lottery.draw(candidates, rules, places, light_places, seed)
        if previous:
            previous.current = False
            previous.save(update_fields=["current"])
        new = LotteryDraw.objects.create(
            site=site,
            date=day,
            seed=seed,
            places=places,
            light_places=light_places,
            rules=rules.as_dict(),
            order=result.order,
            ran_by=by,
            rerun_reason=reason.strip(),
        )
        entries = []
        for visit in pool:
            p = result.placements[visit.participant_id]
            h = history[visit.participant_id]
            entries.append(
                LotteryEntry(
                    draw=new,
                    visit=visit,
                    participant_id=visit.participant_id,
                    light_duty=visit.readiness == Readiness.LIGHT,
                    unlucky_days=h["unlucky_days"],
                    worked_this_week=h["worked_this_week"],
                    days_since_worked=h["days_since_worked"],
                    guaranteed=p.guaranteed,
                    weight=p.weight,
                    position=p.position,
                    outcome=Outcome.DRAWN
                    if p.drawn
                    else (Outcome.NOT_DRAWN if p.eligible else Outcome.NOT_ELIGIBLE),
                    reason=p.reason,
                )
            )
        for visit in out:
            entries.append(
                LotteryEntry(
                    draw=new,
                    visit=visit,
                    participant_id=visit.participant_id,
                    outcome=Outcome.NOT_ELIGIBLE,
                    reason=visit.pool_reason,
                )
            )
        LotteryEntry.objects.bulk_create(entries)
        used = [pid for pid in result.drawn if result.placements[pid].guaranteed == lottery.GUARANTEE_EARNED]
        if used:
            EarnedGuarantee.objects.filter(
                participant_id__in=used, used_in__isnull=True, earned_on__lt=day
            ).update(used_in=new)
        log_action(
            actor=by,
            action="lottery_drawn",
            obj=new,
            site=site,
            seed=seed,
            places=places,
            reason=reason.strip(),
        )
    return new


def waiting_list_update(*, site: Site, day: datetime.date) -> int:
    """Put ready arrivals after the draw on the waiting list (arrival order), then give free places
    to the first on the list. Returns how many got a place.

    Runs whenever the day's pool changes (readiness, an undone check-in, an exclusion), not when a
    page is read."""
    if not LotteryDraw.objects.filter(site=site, date=day, current=True).exists():
        return 0  # before the draw there is no list to keep; no lock taken
    with transaction.atomic():
        draw = LotteryDraw.objects.select_for_update().filter(site=site, date=day, current=True).first()
        if draw is None:
            return 0
        entries = list(draw.entries.select_related("visit"))
        known = {e.visit_id for e in entries}
        pool, _out = lottery_pool(site=site, day=day)
        last_wait = max((e.waiting_position or 0 for e in entries), default=0)
        new = []
        for visit in pool:
            if visit.pk not in known:
                last_wait += 1
                new.append(
                    LotteryEntry(
                        draw=draw,
                        visit=visit,
                        participant_id=visit.participant_id,
                        light_duty=visit.readiness == Readiness.LIGHT,
                        outcome=Outcome.WAITING,
                        waiting_position=last_wait,
                    )
                )
        if new:
            LotteryEntry.objects.bulk_create(new)
            entries += new
        # A place frees up when a drawn person's visit is undone or stops being ready.
        ready_ids = {v.pk for v in pool}
        holding = [e for e in entries if e.outcome in ASSIGNABLE_OUTCOMES and e.visit_id in ready_ids]
        free = draw.places - len(holding)
        light_free = draw.light_places - len([e for e in holding if e.light_duty])
        promoted = 0
        for entry in sorted(
            (e for e in entries if e.outcome == Outcome.WAITING and e.visit_id in ready_ids),
            key=lambda e: e.waiting_position or 0,
        ):
            if free <= 0:
                break
            if entry.light_duty:
                if light_free <= 0:
                    continue
                light_free -= 1
            entry.outcome = Outcome.FROM_WAITING
            entry.changed_at = timezone.now()
            entry.save(update_fields=["outcome", "changed_at"])
            free -= 1
            promoted += 1
    return promoted


def earned_guarantee_grant(*, participant, day: datetime.date, reason: str, by) -> EarnedGuarantee:
    if not reason.strip():
        raise JobsError(_("Give a reason for the guaranteed place."), code="reason_required", field="reason")
    guarantee = EarnedGuarantee.objects.create(
        participant=participant, earned_on=day, reason=reason.strip(), created_by=by
    )
    log_action(actor=by, action="guarantee_granted", obj=guarantee, site=participant.site)
    return guarantee


# --- assignments and hours --------------------------------------------------------------------------


def _may_work(visit: Visit, task: Task) -> None:
    participant = visit.participant
    if visit.site_id != task.site_id or visit.date != task.date:
        raise JobsError(
            _("This person did not come to this site on the task's day."), code="wrong_day", field="visit"
        )
    if visit.undone_at is not None:
        raise JobsError(_("This check-in was undone."), code="visit_undone", field="visit")
    if task.status in (TaskStatus.CANCELLED, TaskStatus.INVOICED, TaskStatus.DONE):
        raise JobsError(_("This task is closed for assignments."), code="task_closed", field="task")
    if task.is_signed_off:
        raise JobsError(_("The hours of this task are signed off."), code="signed_off", field="task")
    if excluded_participant_ids([participant.pk], task.date):
        raise JobsError(_("This person is excluded (karantene) today."), code="excluded", field="visit")
    if visit.readiness not in (Readiness.READY, Readiness.LIGHT):
        raise JobsError(_("This person is not marked ready for work today."), code="not_ready", field="visit")
    if visit.readiness == Readiness.LIGHT and not task.light_duty:
        raise JobsError(
            _("This person is on light duties and the task is not suitable for light duties."),
            code="light_duty",
            field="task",
        )
    if (task.needs_hms_card or task.is_cleaning_for_outside_customer) and not participant.has_valid_hms_card(
        task.date
    ):
        raise JobsError(_("This task needs a valid HMS card."), code="hms_card", field="visit")
    if task.needs_driving_licence and not participant.driving_licence:
        raise JobsError(_("This task needs a driving licence."), code="driving_licence", field="visit")
    if task.needs_skill and task.needs_skill.casefold() not in (participant.skills or "").casefold():
        raise JobsError(
            _("This task needs the skill “%(skill)s”.") % {"skill": task.needs_skill},
            code="skill",
            field="visit",
        )
    draw = LotteryDraw.objects.filter(site=task.site_id, date=task.date, current=True).first()
    if draw is not None:
        entry = draw.entries.filter(visit=visit).first()
        if entry is None or entry.outcome not in ASSIGNABLE_OUTCOMES:
            raise JobsError(
                _("This person did not get a place in today's lottery."), code="not_drawn", field="visit"
            )
    else:
        places, _light, _manual = day_places(site=task.site, day=task.date)
        pool, _out = lottery_pool(site=task.site, day=task.date)
        if len(pool) > places:
            raise JobsError(
                _("More people are ready than there are places: run the lottery first."), code="draw_first"
            )


def _check_hours(
    *, participant_id: int, day: datetime.date, starts_at, ends_at, break_minutes, exclude_pk=None
) -> Decimal:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise JobsError(_("The end must be after the start."), code="ends_before_start", field="ends_at")
    if break_minutes is None or break_minutes < 0:
        raise JobsError(_("Breaks cannot be negative."), code="negative_break", field="break_minutes")
    hours = hours_between(starts_at, ends_at, break_minutes)
    if hours <= 0:
        raise JobsError(
            _("The breaks are longer than the working time."), code="break_too_long", field="break_minutes"
        )
    others = Assignment.objects.active().filter(participant_id=participant_id, date=day)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    others = list(others.select_related("task"))
    for other in others:
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise JobsError(
                _("These hours overlap with %(task)s (%(start)s–%(end)s).")
                % {
                    "task": other.task.description,
                    "start": f"{other.starts_at:%H:%M}",
                    "end": f"{other.ends_at:%H:%M}",
                },
                code="overlap",
                field="starts_at",
            )
    if hours + sum((o.hours for o in others), Decimal(0)) > MAX_HOURS_PER_DAY:
        raise JobsError(
            _("A person can work at most 12 hours a day."), code="too_many_hours", field="ends_at"
        )
    return hours


def assignment_create(
    *, task: Task, visit: Visit, by, starts_at=None, ends_at=None, break_minutes: int | None = None
) -> Assignment:
    """Put a person who came today on a task, within its places; hours default to the task's window."""
    with transaction.atomic():
        # The task row guards its places; the visit row guards the person's hours (two tablets at once).
        # Only those two rows: locking the joined site (or person) too would hold up every other
        # transaction at the site that checks a foreign key to it at commit, and deadlock with them.
        task = Task.objects.select_for_update(of=("self",)).select_related("site").get(pk=task.pk)
        visit = Visit.objects.select_for_update(of=("self",)).select_related("participant").get(pk=visit.pk)
        _may_work(visit, task)
        if task.assignments.active().filter(participant_id=visit.participant_id).exists():
            raise JobsError(_("This person is already on this task."), code="already_assigned", field="visit")
        if task.assignments.active().count() >= task.workers_max:
            raise JobsError(_("This task has no free places."), code="task_full", field="task")
        starts_at = starts_at or task.starts_at
        ends_at = ends_at or task.ends_at
        if break_minutes is None:
            break_minutes = 30 if hours_between(starts_at, ends_at, 0) > Decimal("5.5") else 0
        hours = _check_hours(
            participant_id=visit.participant_id,
            day=task.date,
            starts_at=starts_at,
            ends_at=ends_at,
            break_minutes=break_minutes,
        )
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    task=task,
                    participant_id=visit.participant_id,
                    visit=visit,
                    date=task.date,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    break_minutes=break_minutes,
                    hours=hours,
                    created_by=by,
                )
        except IntegrityError as error:
            raise JobsError(
                _("This person is already on this task."), code="already_assigned", field="visit"
            ) from error
        if task.status == TaskStatus.PLANNED:
            task.status = TaskStatus.IN_PROGRESS
            task.save(update_fields=["status"])
        log_action(actor=by, action="assignment_created", obj=assignment, site=task.site, task=task.pk)
    return assignment


def _lock_assignment(pk: int, *, also_tasks: tuple[int, ...] = (), visit: bool = True) -> Assignment:
    """Lock an assignment in the one lock order (docs/ARCHITECTURE.md): its task (and any other task
    the change touches) by id, then the visit, then the assignment itself, each lock naming its own
    table. An assignment's task and visit never change, so reading them first unlocked is safe."""
    keys = Assignment.objects.values("task_id", "visit_id").get(pk=pk)
    tasks = sorted({keys["task_id"], *also_tasks})
    list(Task.objects.select_for_update(of=("self",)).filter(pk__in=tasks).order_by("pk").values_list("pk"))
    if visit:
        Visit.objects.select_for_update(of=("self",)).filter(pk=keys["visit_id"]).values_list("pk").get()
    return Assignment.objects.select_for_update(of=("self",)).select_related("task").get(pk=pk)


def assignment_remove(*, assignment: Assignment, by) -> Assignment:
    """Take a person off a task (the row stays, marked removed)."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk, visit=False)
        if assignment.removed_at is not None:
            return assignment
        if assignment.task.is_signed_off:
            raise JobsError(_("The hours of this task are signed off."), code="signed_off")
        assignment.removed_at = timezone.now()
        assignment.removed_by = by
        assignment.save(update_fields=["removed_at", "removed_by"])
        log_action(actor=by, action="assignment_removed", obj=assignment, site=assignment.task.site)
    return assignment


def assignment_move(*, assignment: Assignment, task: Task, by) -> Assignment:
    """Move a person to another task; the old assignment is kept, linked to the new one."""
    with transaction.atomic():
        # Both tasks by id before the visit: two people moved between the same two tasks in
        # opposite directions take them in the same order.
        old = _lock_assignment(assignment.pk, also_tasks=(task.pk,))
        if old.removed_at is not None:
            raise JobsError(_("This assignment has already ended."), code="removed")
        if old.task_id == task.pk:
            raise JobsError(_("The person is already on this task."), code="same_task", field="task")
        assignment_remove(assignment=old, by=by)
        new = assignment_create(task=task, visit=old.visit, by=by)
        old.moved_to = new
        old.save(update_fields=["moved_to"])
    return new


def assignment_set_hours(*, assignment: Assignment, starts_at, ends_at, break_minutes: int, by) -> Assignment:
    """Record start, end and breaks before sign-off."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.removed_at is not None:
            raise JobsError(_("This assignment has already ended."), code="removed")
        if assignment.task.is_signed_off:
            raise JobsError(
                _("The hours are signed off; change them with a correction and a reason."), code="signed_off"
            )
        assignment.hours = _check_hours(
            participant_id=assignment.participant_id,
            day=assignment.date,
            starts_at=starts_at,
            ends_at=ends_at,
            break_minutes=break_minutes,
            exclude_pk=assignment.pk,
        )
        assignment.starts_at, assignment.ends_at, assignment.break_minutes = starts_at, ends_at, break_minutes
        assignment.save(update_fields=["starts_at", "ends_at", "break_minutes", "hours"])
        log_action(
            actor=by, action="hours_set", obj=assignment, site=assignment.task.site, hours=assignment.hours
        )
    return assignment


def crew_hours_set(
    *, task: Task, starts_at, ends_at, break_minutes: int, by, exceptions: dict | None = None
) -> list[Assignment]:
    """The same start, end and breaks for the whole crew of a task, with other hours for some
    (`exceptions`: assignment id -> (starts_at, ends_at, break_minutes)); all rows or none.

    Each row goes through `assignment_set_hours` (its checks, its log entry); the locks follow the
    one lock order: the task, then the crew's visits by id, then each assignment. An error names the
    person it is about."""
    exceptions = exceptions or {}
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
        if task.is_signed_off:
            raise JobsError(
                _("The hours are signed off; change them with a correction and a reason."), code="signed_off"
            )
        crew = list(task.assignments.active().select_related("participant").order_by("pk"))
        if not crew:
            raise JobsError(_("Nobody is on this task."), code="no_crew")
        if set(exceptions) - {a.pk for a in crew}:
            raise JobsError(_("Other hours can only be given to people on this task."), code="not_on_task")
        visit_ids = sorted({a.visit_id for a in crew})
        list(
            Visit.objects.select_for_update(of=("self",))
            .filter(pk__in=visit_ids)
            .order_by("pk")
            .values_list("pk")
        )
        saved = []
        for assignment in crew:
            start, end, breaks = exceptions.get(assignment.pk, (starts_at, ends_at, break_minutes))
            try:
                saved.append(
                    assignment_set_hours(
                        assignment=assignment, starts_at=start, ends_at=end, break_minutes=breaks, by=by
                    )
                )
            except JobsError as error:
                raise JobsError(
                    f"{assignment.participant.name}: {error.message}",
                    code=error.code,
                    field=error.field,
                ) from error
    return saved


def task_sign_off(*, task: Task, by) -> Task:
    """The work leader signs off the day's hours for a task; after this they change only by correction."""
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).select_related("site").get(pk=task.pk)
        if task.is_signed_off:
            raise JobsError(_("The hours of this task are already signed off."), code="already_signed_off")
        if task.status == TaskStatus.CANCELLED:
            raise JobsError(_("A cancelled task cannot be signed off."), code="task_closed")
        if not task.assignments.active().exists():
            raise JobsError(_("Nobody worked on this task; there are no hours to sign off."), code="no_hours")
        if task.date > timezone.localdate():
            raise JobsError(_("Hours cannot be signed off before the day."), code="future")
        task.signed_off_at = timezone.now()
        task.signed_off_by = by
        if task.status in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS):
            task.status = TaskStatus.DONE
        task.save(update_fields=["signed_off_at", "signed_off_by", "status"])
        log_action(actor=by, action="hours_signed_off", obj=task, site=task.site)
    return task


def hours_correct(
    *, assignment: Assignment, starts_at, ends_at, break_minutes: int, reason: str, by
) -> HoursCorrection:
    """Change signed-off hours with a reason; the correction flows on to pay through `payable_work`."""
    if not (reason or "").strip():
        raise JobsError(_("A correction needs a reason."), code="reason_required", field="reason")
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if not assignment.task.is_signed_off:
            raise JobsError(
                _("These hours are not signed off yet; change them directly."), code="not_signed_off"
            )
        if assignment.removed_at is not None:
            raise JobsError(_("This assignment has already ended."), code="removed")
        hours = _check_hours(
            participant_id=assignment.participant_id,
            day=assignment.date,
            starts_at=starts_at,
            ends_at=ends_at,
            break_minutes=break_minutes,
            exclude_pk=assignment.pk,
        )
        correction = HoursCorrection.objects.create(
            assignment=assignment,
            old_starts_at=assignment.starts_at,
            old_ends_at=assignment.ends_at,
            old_break_minutes=assignment.break_minutes,
            old_hours=assignment.hours,
            new_starts_at=starts_at,
            new_ends_at=ends_at,
            new_break_minutes=break_minutes,
            new_hours=hours,
            reason=reason.strip(),
            corrected_by=by,
        )
        assignment.starts_at, assignment.ends_at, assignment.break_minutes, assignment.hours = (
            starts_at,
            ends_at,
            break_minutes,
            hours,
        )
        assignment.save(update_fields=["starts_at", "ends_at", "break_minutes", "hours"])
        log_action(
            actor=by,
            action="hours_corrected",
            obj=assignment,
            site=assignment.task.site,
            hours=hours,
            reason=reason,
        )
    return correction


def tasks_mark_invoiced(*, customer, month: datetime.date, by) -> int:
    """Mark the month's done tasks of a customer as invoiced; after this they change only with a reason."""
    from .invoicing import month_bounds

    first, following = month_bounds(month)
    with transaction.atomic():
        tasks = list(
            Task.objects.select_for_update().filter(
                customer=customer, date__gte=first, date__lt=following, status=TaskStatus.DONE
            )
        )
        if not tasks:
            raise JobsError(_("There are no done tasks to invoice this month."), code="nothing_to_invoice")
        for task in tasks:
            task.status = TaskStatus.INVOICED
        # one update and one insert of history rows for all, each naming who invoiced
        bulk_update_with_history(
            tasks, Task, ["status"], default_user=by if by and by.is_authenticated else None
        )
        for task in tasks:
            log_action(actor=by, action="task_invoiced", obj=task, site=task.site)
    return len(tasks)


def participant_merging_move_jobs(*, keep, duplicate, by, now, **_signal) -> None:
    """A merge of two participant records (connected to `participant_merging` in `ready()`):
    lottery entries, guarantees and assignments move to the kept record, each saved so its history
    row is written. Both records on the same task: one person, one place (the duplicate's goes)."""
    for model in (EarnedGuarantee, LotteryEntry):
        for row in model.objects.filter(participant=duplicate):
            row.participant = keep
            row.save(update_fields=["participant"])
    kept_tasks = set(Assignment.objects.active().filter(participant=keep).values_list("task_id", flat=True))
    for assignment in Assignment.objects.filter(participant=duplicate).select_for_update():
        if assignment.removed_at is None and assignment.task_id in kept_tasks:
            assignment.removed_at, assignment.removed_by = now, by
        assignment.participant = keep
        assignment.save()


def lottery_pool_changed_update_waiting_list(*, site, day, **_signal) -> None:
    waiting_list_update(site=site, day=day)
