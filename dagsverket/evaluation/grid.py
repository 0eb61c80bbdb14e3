"""The release grid of a project: the only periods an export or a dashboard may cover.

A project releases data in blocks: `release_months` calendar months (default three) when its dates
are months, or the same length in whole ISO weeks (13 weeks for three months) when its dates are
weeks or days. Blocks are counted from the first whole unit on or after the project's start and end
inside the project's period. An allowed period is one block or several blocks in a row, so two
allowed periods differ by at least one whole block: a one-day export, a sliding start or a period
that grows by a day are impossible, and whatever two periods differ by is itself an allowed period,
suppressed on its own (see `release.py`).
"""

import datetime
import math

from django.utils.translation import gettext as _

from ..services import DagsverketError
from .models import DateCoarsening, EvaluationProject

WEEK, MONTH = "week", "month"


def grid_unit(project: EvaluationProject) -> str:
    return MONTH if project.date_coarsening == DateCoarsening.MONTH else WEEK


def units_per_block(project: EvaluationProject) -> int:
    if grid_unit(project) == MONTH:
        return project.release_months
    return math.ceil(project.release_months * 52 / 12)


def unit_label(day: datetime.date, unit: str) -> str:
    if unit == MONTH:
        return f"{day:%Y-%m}"
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def unit_starts(start: datetime.date, end: datetime.date, unit: str) -> list[datetime.date]:
    """First days of the whole units from `start` (a unit's first day) up to and including `end`."""
    days, day = [], start
    while day <= end:
        days.append(day)
        day = _next_month(day) if unit == MONTH else day + datetime.timedelta(days=7)
    return days


def _origin(project: EvaluationProject) -> datetime.date:
    start = project.starts_on
    if grid_unit(project) == MONTH:
        return start if start.day == 1 else _next_month(start)
    return start + datetime.timedelta(days=(7 - start.weekday()) % 7)


def release_blocks(project: EvaluationProject) -> list[tuple[datetime.date, datetime.date]]:
    """The project's blocks (first day, last day), in order; only whole blocks inside its period."""
    unit, size = grid_unit(project), units_per_block(project)
    blocks, day = [], _origin(project)
    while True:
        first = day
        for _step in range(size):
            day = _next_month(day) if unit == MONTH else day + datetime.timedelta(days=7)
        last = day - datetime.timedelta(days=1)
        if last > project.ends_on:
            return blocks
        blocks.append((first, last))


def blocks_for_period(
    project: EvaluationProject, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The blocks that make up the period exactly; refuses any period off the grid."""
    blocks = release_blocks(project)
    starts = [first for first, _last in blocks]
    ends = [last for _first, last in blocks]
    if start > end:
        raise DagsverketError(_("The period ends before it starts."), code="bad_period", field="end")
    if start not in starts or end not in ends:
        if blocks:
            example = _("for example %(start)s to %(end)s") % {"start": blocks[0][0], "end": blocks[0][1]}
        else:
            example = _("the project's period is shorter than one block")
        raise DagsverketError(
            _(
                "Periods follow the project's release grid: whole blocks of %(months)s months from "
                "the project's start (%(example)s)."
            )
            % {"months": project.release_months, "example": example},
            code="off_grid",
            field="start",
        )
    return [block for block in blocks if block[0] >= start and block[1] <= end]


def default_period(
    project: EvaluationProject, today: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The latest block that has ended by `today` (or the first block): what a dashboard opens on."""
    blocks = release_blocks(project)
    if not blocks:
        return None
    done = [block for block in blocks if block[1] < today]
    return done[-1] if done else blocks[0]
