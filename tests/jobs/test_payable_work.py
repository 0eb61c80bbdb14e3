import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import HoursCorrection
from jobs.selectors import payable_work, visit_outcomes
from tests.factories import AssignmentFactory, LotteryEntryFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_payable_work_lists_only_signed_off_assignments_with_corrected_hours(site, django_assert_num_queries):
    day = datetime.date(2026, 11, 20)
    task = TaskFactory(customer__site=site, date=day, signed_off_at=timezone.now())
    open_task = TaskFactory(customer__site=site, date=day)
    visit = VisitFactory(participant__site=site, date=day)
    signed = AssignmentFactory(visit=visit, task=task)
    AssignmentFactory(visit=VisitFactory(participant__site=site, date=day), task=open_task)
    HoursCorrection.objects.create(
        assignment=signed,
        old_starts_at=signed.starts_at,
        old_ends_at=signed.ends_at,
        old_break_minutes=30,
        old_hours=signed.hours,
        new_starts_at=signed.starts_at,
        new_ends_at=datetime.time(14, 0),
        new_break_minutes=30,
        new_hours=Decimal("4.50"),
        reason="Worked longer",
    )
    signed.hours = Decimal("4.50")
    signed.save()

    with django_assert_num_queries(2):
        work = payable_work(site=site, day=day)

    assert [w.assignment_id for w in work] == [signed.pk]
    assert work[0].hours == Decimal("4.50")
    assert work[0].corrected is True
    assert work[0].participant == visit.participant
    assert work[0].price == Decimal("450.00")


def test_visit_outcomes_give_the_draw_outcome_and_task_names_per_visit(site, django_assert_num_queries):
    entry = LotteryEntryFactory(draw__site=site, outcome="not_drawn")
    assignment = AssignmentFactory(visit=VisitFactory(participant__site=site))

    with django_assert_num_queries(2):
        outcomes = visit_outcomes([entry.visit_id, assignment.visit_id])

    assert outcomes[entry.visit_id].outcome == "not_drawn"
    assert outcomes[entry.visit_id].tasks == ()
    assert outcomes[assignment.visit_id].tasks == (assignment.task.description,)
