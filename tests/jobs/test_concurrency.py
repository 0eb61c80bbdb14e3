"""Two tablets at once: places on a task are never exceeded (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from jobs.models import Assignment
from jobs.services import JobsError, assignment_create, day_places_set
from tests.factories import ParticipantFactory, SiteFactory, TaskFactory, VisitFactory


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_assignments_to_a_task_with_three_places_give_exactly_three(on_postgres):
    site = SiteFactory(name="Samtidig")
    task = TaskFactory(customer__site=site, workers_max=3)
    day_places_set(site=site, day=task.date, places=10, light_places=0, by=None)
    visits = [
        VisitFactory(participant=ParticipantFactory(site=site), date=task.date, readiness="ready")
        for _ in range(10)
    ]
    barrier = threading.Barrier(10)
    results = []

    def assign(visit):
        try:
            barrier.wait()
            assignment_create(task=task, visit=visit, by=None)
            results.append("ok")
        except JobsError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(v,)) for v in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("ok") == 3
    assert results.count("task_full") == 7
    assert Assignment.objects.filter(task=task, removed_at__isnull=True).count() == 3
