"""Reads of the research area that join tables: balance, due waves, an enrolment's waves."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count

from dagsverket.words import staff_name

from .models import (
    ENDED_STATUSES,
    AllocationSlot,
    Correction,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Response,
    Study,
    Wave,
    WaveClosure,
    WaveKind,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class WaveWindow:
    wave: Wave
    due_on: datetime.date
    opens_on: datetime.date
    closes_on: datetime.date

    def status(self, day: datetime.date, done: bool) -> str:
        if done:
            return "done"
        if day < self.opens_on:
            return "later"
        if day > self.closes_on:
            return "overdue"
        return "due"


def wave_window(enrolment: Enrolment, wave: Wave) -> WaveWindow:
    due = add_months(enrolment.baseline_on, wave.months)
    window = datetime.timedelta(days=wave.window_days)
    return WaveWindow(wave=wave, due_on=due, opens_on=due - window, closes_on=due + window)


def balance_by_stratum(study: Study) -> tuple[list[dict], list[str], list[int]]:
    """Revealed live allocations per stratum and arm (never the unrevealed list); one query."""
    arms = list(study.arms.order_by("order", "pk"))
    counts = (
        AllocationSlot.objects.filter(
            allocation_list__study=study, allocation_list__is_live=True, revealed_at__isnull=False
        )
        .values("stratum", "arm_id")
        .annotate(n=Count("pk"))
        .order_by("stratum")
    )
    table: dict[str, dict[int, int]] = {}
    for row in counts:
        table.setdefault(row["stratum"], {})[row["arm_id"]] = row["n"]
    rows = []
    for stratum, by_arm in sorted(table.items()):
        numbers = [by_arm.get(arm.pk, 0) for arm in arms]
        rows.append({"stratum": stratum, "counts": numbers, "total": sum(numbers)})
    totals = [sum(row["counts"][index] for row in rows) for index in range(len(arms))]
    return rows, [arm.name for arm in arms], totals


@dataclass
class DueRow:
    enrolment: Enrolment
    wave: Wave
    window: WaveWindow
    status: str


def waves_due(*, enrolments, day: datetime.date) -> list[DueRow]:
    """Questionnaire waves of allocated live enrolments whose window has opened and that have no
    follow-up yet, soonest first; four queries however many rows. People who withdrew consent,
    died or are lost to follow-up are left out, and so are waves closed as missed."""
    enrolments = list(
        enrolments.filter(is_live=True, status=EnrolmentStatus.ALLOCATED)
        .exclude(trial_status__in=ENDED_STATUSES)
        .select_related("participant", "study", "responsible")
    )
    study_ids = {enrolment.study_id for enrolment in enrolments}
    waves: dict[int, list[Wave]] = {}
    for wave in Wave.objects.filter(study_id__in=study_ids, kind=WaveKind.QUESTIONNAIRE):
        waves.setdefault(wave.study_id, []).append(wave)
    ids = [e.pk for e in enrolments]
    done = set(FollowUp.objects.filter(enrolment__in=ids).values_list("enrolment_id", "wave_id"))
    done |= set(WaveClosure.objects.filter(enrolment__in=ids).values_list("enrolment_id", "wave_id"))
    rows = []
    for enrolment in enrolments:
        for wave in waves.get(enrolment.study_id, []):
            window = wave_window(enrolment, wave)
            status = window.status(day, (enrolment.pk, wave.pk) in done)
            if status in {"due", "overdue"}:
                rows.append(DueRow(enrolment=enrolment, wave=wave, window=window, status=status))
    rows.sort(key=lambda row: (row.window.due_on, row.enrolment.pk))
    return rows


def enrolment_waves(enrolment: Enrolment, day: datetime.date) -> list[dict]:
    """Each wave of the enrolment's study with its window, status, answered instruments and outcomes."""
    waves = list(enrolment.study.waves.prefetch_related("instruments"))
    responses = {}
    for response in Response.objects.filter(enrolment=enrolment).select_related("instrument"):
        responses[(response.wave_id, response.instrument_id)] = response
    follow_ups = {f.wave_id: f for f in FollowUp.objects.filter(enrolment=enrolment)}
    closures = {c.wave_id: c for c in WaveClosure.objects.filter(enrolment=enrolment)}
    result = []
    for wave in waves:
        window = wave_window(enrolment, wave) if enrolment.baseline_on else None
        result.append(
            {
                "wave": wave,
                "window": window,
                "status": (
                    "missed"
                    if wave.pk in closures
                    else window.status(day, wave.pk in follow_ups)
                    if window
                    else ""
                ),
                "follow_up": follow_ups.get(wave.pk),
                "closure": closures.get(wave.pk),
                "instruments": [
                    {"instrument": instrument, "response": responses.get((wave.pk, instrument.pk))}
                    for instrument in wave.instruments.all()
                ],
            }
        )
    return result


def enrolment_history(enrolment: Enrolment) -> list[dict]:
    """What changed on an enrolment's data, oldest first: each correction with its old and new
    value and reason, each trial-status change, each wave closed as missed; three queries."""
    events = []
    for correction in Correction.objects.filter(enrolment=enrolment).select_related(
        "corrected_by", "response__instrument", "response__wave", "follow_up__wave"
    ):
        record = correction.response or correction.follow_up
        what = (
            f"{correction.response.wave.name} · {correction.response.instrument.code}"
            if correction.response
            else f"{correction.follow_up.wave.name}"
        )
        events.append(
            {
                "at": correction.corrected_at,
                "by": staff_name(correction.corrected_by),
                "kind": "correction",
                "what": what,
                "field": correction.field.removeprefix("item:"),
                "old": correction.old_value,
                "new": correction.new_value,
                "reason": correction.reason,
                "record": record,
            }
        )
    previous = None
    for row in enrolment.history.order_by("history_date", "history_id").select_related("history_user"):
        if previous is not None and (row.trial_status, row.trial_status_on) != (
            previous.trial_status,
            previous.trial_status_on,
        ):
            events.append(
                {
                    "at": row.history_date,
                    "by": staff_name(row.history_user) if row.history_user else "",
                    "kind": "status",
                    "what": "",
                    "field": "trial_status",
                    "old": previous.trial_status,
                    "new": f"{row.trial_status} {row.trial_status_on:%Y-%m-%d}",
                    "reason": row.trial_status_reason,
                }
            )
        previous = row
    for closure in WaveClosure.objects.filter(enrolment=enrolment).select_related("wave", "closed_by"):
        events.append(
            {
                "at": closure.closed_at,
                "by": staff_name(closure.closed_by),
                "kind": "missed",
                "what": closure.wave.name,
                "field": "",
                "old": "",
                "new": "",
                "reason": closure.reason,
            }
        )
    events.sort(key=lambda event: event["at"])
    return events


def trial_people(sites):
    """The people with a trial enrolment at these sites: whose health data the study role may read
    (registered as a health scope in `ready()`)."""
    return Enrolment.objects.filter(site__in=sites).values("participant_id")
