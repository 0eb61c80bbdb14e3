"""Preparing the day's pay must not cost a round of queries per payslip (issue 19: 60 slips under 1 s)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import Task
from payroll.services import payslips_prepare_day
from tests.factories import AssignmentFactory, ParticipantFactory, VisitFactory

from .conftest import DAY


def _people_with_signed_off_work(site, count):
    for _ in range(count):
        visit = VisitFactory(participant=ParticipantFactory(site=site, birth_year=1985), site=site, date=DAY)
        assignment = AssignmentFactory(visit=visit)
        Task.objects.filter(pk=assignment.task_id).update(
            signed_off_at=datetime.datetime(2026, 3, 10, 13, 30, tzinfo=datetime.UTC)
        )


def _prepare_queries(site) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        slips = payslips_prepare_day(site=site, day=DAY)
    return len(slips), len(queries.captured_queries)


@pytest.mark.xfail(
    strict=True,
    reason="prepare-day runs about 13 queries per payslip (lock, draft, settings, tax card, paid this "
    "year, wage rate, inserts with history); to be batched after the payroll rules rewrite is merged. "
    "Strict: once it holds, this marker must go.",
)
def test_preparing_the_day_runs_the_same_queries_for_2_people_and_for_6(site, wage_rate, frozen_day):
    _people_with_signed_off_work(site, 2)
    slips, two = _prepare_queries(site)
    assert slips == 2
    _people_with_signed_off_work(site, 4)
    slips, six = _prepare_queries(site)
    assert slips == 6
    assert six == two


def test_preparing_the_day_costs_a_bounded_number_of_queries_per_payslip(site, wage_rate, frozen_day):
    # Today's cost as a ceiling, measured after the merge of the payroll audit (the employer's year
    # to date, the filed months and the service's own sign-off check): 56 queries for 3 payslips on
    # SQLite, about 8 plus 16 per payslip (`make bench` prints it for 60 as
    # payroll_prepare_day_queries). More queries per payslip show here first; the target, the same
    # count for any number of people, is the strict xfail above.
    _people_with_signed_off_work(site, 3)
    slips, queries = _prepare_queries(site)
    assert slips == 3
    assert queries <= 10 + 3 * 16
