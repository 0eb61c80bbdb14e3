"""Two tablets at once: places on a task are never exceeded (PostgreSQL row locks)."""

import pytest

from jobs.errors import JobsError
from jobs.models import Assignment
from jobs.services import assignment_create, day_places_set
from tests.concurrency import run_at_once
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
    results = []

    def assign(visit):
        try:
            assignment_create(task=task, visit=visit, by=None)
            results.append("ok")
        except JobsError as error:
            results.append(error.code)

    run_at_once([lambda visit=visit: assign(visit) for visit in visits])

    assert results.count("ok") == 3
    assert results.count("task_full") == 7
    assert Assignment.objects.filter(task=task, removed_at__isnull=True).count() == 3


@pytest.mark.django_db(transaction=True)
def test_six_tablets_drawing_the_lottery_at_once_make_exactly_one_draw(on_postgres):
    from jobs.models import LotteryDraw
    from jobs.services import lottery_draw

    site = SiteFactory(name="Trekning")
    task = TaskFactory(customer__site=site, workers_max=3)
    day_places_set(site=site, day=task.date, places=4, light_places=0, by=None)
    for _ in range(9):
        VisitFactory(participant=ParticipantFactory(site=site), date=task.date, readiness="ready")
    results = []

    def draw():
        try:
            results.append(lottery_draw(site=site, day=task.date, by=None).pk)
        except JobsError as error:
            results.append(error.code)

    run_at_once([draw] * 6)

    draws = LotteryDraw.objects.filter(site=site, date=task.date)
    assert draws.count() == 1
    assert [r for r in results if not isinstance(r, str)] == [draws.get().pk]
    assert sorted(r for r in results if isinstance(r, str)) == ["reason_required"] * 5
    assert draws.get().current
