"""Where the apps built on the core plug in, so the core never imports them.

The core (sites, staff, participants, visits, readiness) knows nothing of jobs, payroll, IPS or the
trial. Where a core action concerns them, the core sends a signal or asks the functions registered
here; each app connects or registers in its `AppConfig.ready()`. The import contract in
`pyproject.toml` (`make lint`) keeps it so; docs/ARCHITECTURE.md has the picture.

- `lottery_pool_changed(site, day)`: who may be drawn that day changed (readiness, an undone
  check-in, an exclusion). Sent once the transaction is committed; the jobs app keeps the waiting list.
- `participant_merging(keep, duplicate, by, now)`: inside the merge's transaction, each app moves
  the rows it owns to the kept record, or refuses with a `DagsverketError` (which undoes the merge).
- `visit_outcomes`: what came of each visit (the jobs app: lottery outcome, tasks).
- `attendance_columns`: the attendance log's columns from other apps (hours, gross pay).
- `health_scopes`: the people a study-role user may read health data of (trial, IPS caseload).
"""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.dispatch import Signal

lottery_pool_changed = Signal()
participant_merging = Signal()

VisitOutcomes = Callable[[list[int]], dict[int, object]]
AttendanceColumns = Callable[[list], dict[int, dict]]
HealthScope = Callable[[Iterable], QuerySet]

_visit_outcomes: list[VisitOutcomes] = []
_attendance_columns: list[AttendanceColumns] = []
_health_scopes: list[HealthScope] = []


def _add(registry: list, function):
    if function not in registry:
        registry.append(function)
    return function


def register_visit_outcomes(function: VisitOutcomes) -> VisitOutcomes:
    """`function(visit_ids)` → {visit id: outcome with `outcome_label` and `tasks`}."""
    return _add(_visit_outcomes, function)


def register_attendance_columns(function: AttendanceColumns) -> AttendanceColumns:
    """`function(visits)` → {visit id: {column: value}}, a fixed number of queries per page."""
    return _add(_attendance_columns, function)


def register_health_scope(function: HealthScope) -> HealthScope:
    """`function(sites)` → a `participant_id` values queryset: people in the app's study work."""
    return _add(_health_scopes, function)


def visit_outcomes(visit_ids) -> dict[int, object]:
    ids = list(visit_ids)
    found: dict[int, object] = {}
    if ids:
        for function in _visit_outcomes:
            found.update(function(ids))
    return found


def attendance_columns(visits: list) -> dict[int, dict]:
    columns: dict[int, dict] = {visit.pk: {} for visit in visits}
    for function in _attendance_columns:
        for pk, values in function(visits).items():
            columns.setdefault(pk, {}).update(values)
    return columns


def health_scopes(sites) -> list[QuerySet]:
    return [function(sites) for function in _health_scopes]


def pool_changed(*, site, day: datetime.date) -> None:
    lottery_pool_changed.send(sender=None, site=site, day=day)
