"""One lock order everywhere (docs/ARCHITECTURE.md): tasks by id, then visits, then assignments.

Each test holds the first row another service needs in a second PostgreSQL connection, lets the
service run in a thread until it waits, and then checks from a third connection that the waiting
service holds nothing the holder might want next (NOWAIT): the pair cannot deadlock.
"""

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from jobs.services import (
    assignment_move,
    assignment_set_hours,
    crew_hours_set,
    hours_correct,
    task_sign_off,
)
from tests.factories import AssignmentFactory, CustomerFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _hold(table: str, pk: int):
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])
    return other


def _free(table: str, pk: int) -> bool:
    """Whether the row could be locked right now (by the holder, say) without waiting."""
    probe = connections.create_connection("default")
    probe.set_autocommit(False)
    try:
        with probe.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
        return True
    except OperationalError:
        return False
    finally:
        probe.rollback()
        probe.close()


def _run_until_it_waits(work):
    outcome = {}

    def target():
        try:
            outcome["result"] = work()
        except Exception as error:  # the test reports whatever happened
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 10
    while _waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    return thread, outcome


def _finish(holder, thread, outcome):
    holder.commit()
    holder.close()
    thread.join(timeout=20)
    assert "error" not in outcome, outcome.get("error")


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
