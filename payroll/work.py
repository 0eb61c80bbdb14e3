"""Signed-off work from the jobs app, turned into payslip lines with the site's wage rate."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from dagsverket.models import Participant, Site

from .engine import WorkLine, hourly_line, money
from .models import WageRate
from .selectors import wage_rate_for


def _payable_work(*, site: Site, day: datetime.date):
    try:
        from jobs.selectors import payable_work
    except ImportError:  # the jobs app has not shipped its selector yet
        return []
    return payable_work(site=site, day=day)


def _items(entry):
    """(participant, tasks) from one entry of payable_work, whatever its exact shape."""
    if isinstance(entry, tuple):
        return entry
    participant = getattr(entry, "participant", None) or entry["participant"]
    tasks = getattr(entry, "tasks", None) or getattr(entry, "assignments", None) or entry.get("tasks", [])
    return participant, tasks


def _field(obj, *names, default=None):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def lines_for_tasks(tasks, rate: WageRate) -> list[WorkLine]:
    """One line per task: hours × rate, or with a day rate one line for the day plus the hours."""
    lines = []
    for task in tasks:
        hours = Decimal(str(_field(task, "hours", default="0")))
        description = str(_field(task, "description", "task_name", "name", "task", default=_("Work")))
        task_rate = _field(task, "rate", "hourly_rate")
        if rate.kind == WageRate.Kind.DAILY:
            lines.append(WorkLine(description, hours, money(0), money(0)))
        else:
            lines.append(
                hourly_line(description, hours, Decimal(str(task_rate)) if task_rate else rate.amount)
            )
    if rate.kind == WageRate.Kind.DAILY and lines:
        lines.append(WorkLine(_("Day rate"), None, rate.amount, rate.amount))
    return lines


def signed_off_work(*, site: Site, day: datetime.date) -> list[tuple[Participant, list]]:
    """[(participant, tasks)] of the day's signed-off work at the site."""
    work = _payable_work(site=site, day=day)
    if isinstance(work, dict):
        return list(work.items())
    return [_items(entry) for entry in work]


def day_lines(*, site: Site, day: datetime.date, tasks) -> list[WorkLine]:
    rate = wage_rate_for(site=site, day=day)
    if rate is None:
        from .services import PayrollError

        raise PayrollError(_("No wage rate is set for this site and day."), code="no_wage_rate")
    return lines_for_tasks(tasks, rate)
