"""Signed-off work from the jobs app, turned into payslip lines with the site's wage rate."""

import datetime

from django.utils.translation import gettext as _

from dagsverket.models import Participant, Site
from jobs.selectors import PayableWork, payable_work

from .engine import WorkLine, hourly_line, money
from .errors import PayrollError
from .models import WageRate
from .selectors import wage_rate_for


def signed_off_work(*, site: Site, day: datetime.date) -> list[tuple[Participant, list[PayableWork]]]:
    """[(participant, their signed-off assignments)] of the day at the site, by participant name."""
    grouped: dict[int, tuple[Participant, list[PayableWork]]] = {}
    for work in payable_work(site=site, day=day):
        grouped.setdefault(work.participant.pk, (work.participant, []))[1].append(work)
    return list(grouped.values())


def _description(work: PayableWork) -> str:
    text = work.task_description or work.category
    if work.customer_name:
        text = f"{text} ({work.customer_name})"
    return text[:200]


def lines_for_work(work: list[PayableWork], rate: WageRate) -> list[WorkLine]:
    """One line per assignment, hours × the wage rate; with a day rate one more line for the day.

    The customer's price on the task is not a wage and is not used here.
    """
    if rate.kind == WageRate.Kind.DAILY:
        lines = [
            WorkLine(_description(item), item.hours, money(0), money(0), item.assignment_id)
            for item in work
            if item.hours > 0
        ]
        return [*lines, WorkLine(_("Day rate"), None, rate.amount, rate.amount)] if lines else []
    return [
        hourly_line(_description(item), item.hours, rate.amount, item.assignment_id)
        for item in work
        if item.hours > 0
    ]


def wage_rate_or_refuse(*, site: Site, day: datetime.date) -> WageRate:
    rate = wage_rate_for(site=site, day=day)
    if rate is None:
        raise PayrollError(_("No wage rate is set for this site and day."), code="no_wage_rate")
    return rate


def day_lines(*, site: Site, day: datetime.date, tasks: list[PayableWork]) -> list[WorkLine]:
    return lines_for_work(tasks, wage_rate_or_refuse(site=site, day=day))
