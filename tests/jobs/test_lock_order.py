"""One lock order everywhere (docs/ARCHITECTURE.md): tasks by id, then visits, then assignments.

Each test holds the first row another service needs in a second PostgreSQL connection, lets the
service run in a thread until it waits, and then checks from a third connection that the waiting
service holds nothing the holder might want next (NOWAIT): the pair cannot deadlock.
"""

import datetime

import pytest
from django.utils import timezone

from jobs.services import (
    assignment_move,
    assignment_set_hours,
    crew_hours_set,
    hours_correct,
    task_sign_off,
)
from tests.factories import AssignmentFactory, CustomerFactory, TaskFactory, VisitFactory
from tests.locking import finish as _finish
from tests.locking import free as _free
from tests.locking import hold as _hold
from tests.locking import run_until_it_waits as _run_until_it_waits

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worked(on_postgres, site):
    visit = VisitFactory(site=site, readiness="ready", date=timezone.localdate())
    return AssignmentFactory(visit=visit)


def test_setting_hours_waits_for_the_task_before_taking_the_visit(worked):
    holder = _hold("jobs_task", worked.task_id)  # as putting another person on the task does
    thread, outcome = _run_until_it_waits(
        lambda: assignment_set_hours(
            assignment=worked, starts_at=datetime.time(8), ends_at=datetime.time(12), break_minutes=0, by=None
        )
    )
    free = _free("dagsverket_visit", worked.visit_id)
    _finish(holder, thread, outcome)  # first, so that a failure cannot leave the thread waiting
    assert free


def test_correcting_hours_waits_for_the_task_before_taking_the_visit(worked):
    task_sign_off(task=worked.task, by=None)
    holder = _hold("jobs_task", worked.task_id)
    thread, outcome = _run_until_it_waits(
        lambda: hours_correct(
            assignment=worked,
            starts_at=datetime.time(8),
            ends_at=datetime.time(11),
            break_minutes=0,
            reason="Left early",
            by=None,
        )
    )
    free = _free("dagsverket_visit", worked.visit_id)
    _finish(holder, thread, outcome)  # first, so that a failure cannot leave the thread waiting
    assert free


def test_moving_people_between_two_tasks_takes_the_tasks_by_id_whichever_the_direction(worked, site):
    first = worked.task
    second = TaskFactory(customer=CustomerFactory(site=site), date=first.date)
    other = AssignmentFactory(visit=VisitFactory(site=site, readiness="ready", date=first.date), task=second)
    # One person moves from the second task to the first while someone holds the first: the mover
    # must wait for the first task without holding the second, the one the holder moves from.
    holder = _hold("jobs_task", first.pk)
    thread, outcome = _run_until_it_waits(lambda: assignment_move(assignment=other, task=first, by=None))
    free = _free("jobs_task", second.pk)
    _finish(holder, thread, outcome)  # first, so that a failure cannot leave the thread waiting
    assert free
    assert outcome["result"].task_id == first.pk


def test_a_crews_hours_wait_for_the_task_before_taking_any_visit_or_assignment(worked, site):
    second = AssignmentFactory(
        visit=VisitFactory(site=site, readiness="ready", date=worked.date), task=worked.task
    )
    holder = _hold("jobs_task", worked.task_id)  # as putting another person on the task does
    thread, outcome = _run_until_it_waits(
        lambda: crew_hours_set(
            task=worked.task, starts_at=datetime.time(8), ends_at=datetime.time(12), break_minutes=0, by=None
        )
    )
    free = [
        _free("dagsverket_visit", worked.visit_id),
        _free("dagsverket_visit", second.visit_id),
        _free("jobs_assignment", worked.pk),
        _free("jobs_assignment", second.pk),
    ]
    _finish(holder, thread, outcome)  # first, so that a failure cannot leave the thread waiting
    assert free == [True, True, True, True]
    assert len(outcome["result"]) == 2
