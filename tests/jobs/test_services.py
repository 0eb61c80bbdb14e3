"""Rules of the jobs services: assignments, hours, sign-off, corrections, the lottery, tasks."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dagsverket.models import Exclusion, ReasonCode
from jobs.models import Category, EarnedGuarantee, LotteryDraw, LotteryEntry, Outcome, Task, TaskStatus
from jobs.selectors import day_places, payable_work
from jobs.services import (
    JobsError,
    assignment_create,
    assignment_move,
    assignment_set_hours,
    customer_save,
    day_places_set,
    hours_correct,
    lottery_draw,
    task_create,
    task_sign_off,
    task_update,
    waiting_list_update,
)
from tests.factories import AssignmentFactory, CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)  # a Wednesday
T = datetime.time


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def ready_visit(site, day=DAY, **participant):
    return VisitFactory(participant=ParticipantFactory(site=site, **participant), date=day, readiness="ready")


def task(site, **kwargs):
    kwargs.setdefault("date", DAY)
    return TaskFactory(customer=CustomerFactory(site=site), **kwargs)


def error_code(fn, **kwargs):
    with pytest.raises(JobsError) as info:
        fn(**kwargs)
    return info.value.code


def test_an_assignment_takes_the_tasks_window_and_hours(site):
    t = task(site, starts_at=T(9), ends_at=T(13))
    a = assignment_create(task=t, visit=ready_visit(site), by=None)
    assert (a.starts_at, a.ends_at, a.hours) == (T(9), T(13), Decimal("4.00"))
    t.refresh_from_db()
    assert t.status == TaskStatus.IN_PROGRESS


def test_a_full_task_refuses_another_worker(site):
    t = task(site, workers_max=1)
    task(site, workers_max=1)
    assignment_create(task=t, visit=ready_visit(site), by=None)
    assert error_code(assignment_create, task=t, visit=ready_visit(site), by=None) == "task_full"


def test_an_excluded_person_is_never_assigned(site):
    visit = ready_visit(site)
    reason = ReasonCode.objects.create(kind="exclusion", code="rus", label_nb="Rus")
    Exclusion.objects.create(participant=visit.participant, starts_on=DAY, ends_on=DAY, reason=reason)
    assert error_code(assignment_create, task=task(site), visit=visit, by=None) == "excluded"


def test_a_light_duty_person_goes_only_to_a_light_duty_task(site):
    visit = ready_visit(site)
    visit.readiness = "light"
    visit.save()
    assert error_code(assignment_create, task=task(site), visit=visit, by=None) == "light_duty"
    assert assignment_create(task=task(site, light_duty=True), visit=visit, by=None).pk


def test_a_person_not_ready_is_not_assigned(site):
    visit = VisitFactory(participant__site=site, date=DAY)
    assert error_code(assignment_create, task=task(site), visit=visit, by=None) == "not_ready"


def test_cleaning_for_a_customer_needs_a_valid_hms_card(site):
    t = task(site, category=Category.CLEANING)
    assert error_code(assignment_create, task=t, visit=ready_visit(site), by=None) == "hms_card"
    expired = ready_visit(site, hms_card_number="123", hms_card_expires=DAY - datetime.timedelta(days=1))
    assert error_code(assignment_create, task=t, visit=expired, by=None) == "hms_card"
    assert assignment_create(task=t, visit=ready_visit(site, hms_card_number="123"), by=None).pk


def test_driving_licence_and_skill_requirements_are_checked(site):
    t = task(site, needs_driving_licence=True, needs_skill="motorsag")
    assert error_code(assignment_create, task=t, visit=ready_visit(site), by=None) == "driving_licence"
    assert (
        error_code(assignment_create, task=t, visit=ready_visit(site, driving_licence=True), by=None)
        == "skill"
    )
    ok = ready_visit(site, driving_licence=True, skills="Motorsag, snekring")
    assert assignment_create(task=t, visit=ok, by=None).pk


def test_one_person_may_take_two_short_tasks_but_not_overlapping_ones(site):
    visit = ready_visit(site)
    assignment_create(task=task(site, starts_at=T(8), ends_at=T(11)), visit=visit, by=None)
    assert assignment_create(task=task(site, starts_at=T(11), ends_at=T(14)), visit=visit, by=None).pk
    assert (
        error_code(assignment_create, task=task(site, starts_at=T(10), ends_at=T(12)), visit=visit, by=None)
        == "overlap"
    )


def test_hours_must_end_after_start_and_stay_within_twelve_a_day(site):
    visit = ready_visit(site)
    a = assignment_create(task=task(site, starts_at=T(6), ends_at=T(12)), visit=visit, by=None)
    code = error_code(
        assignment_set_hours, assignment=a, starts_at=T(12), ends_at=T(11), break_minutes=0, by=None
    )
    assert code == "ends_before_start"
    assignment_create(task=task(site, starts_at=T(12), ends_at=T(18)), visit=visit, by=None)
    code = error_code(
        assignment_set_hours, assignment=a, starts_at=T(5), ends_at=T(12), break_minutes=0, by=None
    )
    assert code == "too_many_hours"
    code = error_code(
        assignment_set_hours, assignment=a, starts_at=T(9), ends_at=T(10), break_minutes=90, by=None
    )
    assert code == "break_too_long"


def test_a_move_keeps_the_old_assignment_linked_to_the_new(site):
    a = assignment_create(task=task(site), visit=ready_visit(site), by=None)
    other = task(site)
    new = assignment_move(assignment=a, task=other, by=None)
    a.refresh_from_db()
    assert a.removed_at is not None and a.moved_to == new and new.task == other


def test_signed_off_hours_change_only_by_a_correction_with_a_reason(site):
    a = assignment_create(task=task(site), visit=ready_visit(site), by=None)
    task_sign_off(task=a.task, by=None)
    code = error_code(
        assignment_set_hours, assignment=a, starts_at=T(9), ends_at=T(14), break_minutes=0, by=None
    )
    assert code == "signed_off"
    code = error_code(
        hours_correct, assignment=a, starts_at=T(9), ends_at=T(14), break_minutes=0, reason=" ", by=None
    )
    assert code == "reason_required"
    hours_correct(assignment=a, starts_at=T(9), ends_at=T(14), break_minutes=30, reason="Ble lenger", by=None)
    (work,) = payable_work(site=site, day=DAY)
    assert work.hours == Decimal("4.50") and work.corrected


def test_a_task_cannot_be_signed_off_twice_or_without_workers(site):
    empty = task(site)
    assert error_code(task_sign_off, task=empty, by=None) == "no_hours"
    a = assignment_create(task=task(site), visit=ready_visit(site), by=None)
    task_sign_off(task=a.task, by=None)
    assert error_code(task_sign_off, task=a.task, by=None) == "already_signed_off"


def test_day_places_are_the_sum_of_task_places_unless_set_by_hand(site):
    task(site, workers_max=3)
    task(site, workers_max=2, light_duty=True)
    assert day_places(site=site, day=DAY) == (5, 2, False)
    day_places_set(site=site, day=DAY, places=4, light_places=1, by=None)
    assert day_places(site=site, day=DAY) == (4, 1, True)
    assert (
        error_code(day_places_set, site=site, day=DAY, places=2, light_places=3, by=None)
        == "light_above_places"
    )


def test_more_ready_people_than_places_need_the_lottery_first(site):
    t = task(site, workers_max=1)
    visits = [ready_visit(site) for _ in range(2)]
    assert error_code(assignment_create, task=t, visit=visits[0], by=None) == "draw_first"


def test_the_lottery_stores_pool_seed_order_and_outcomes(site, staff):
    task(site, workers_max=2)
    visits = [ready_visit(site) for _ in range(5)]
    not_ready = VisitFactory(participant__site=site, date=DAY)
    draw = lottery_draw(site=site, day=DAY, by=None, seed=42)
    outcomes = dict(draw.entries.values_list("visit_id", "outcome"))
    assert list(outcomes.values()).count(Outcome.DRAWN) == 2
    assert outcomes[not_ready.pk] == Outcome.NOT_ELIGIBLE
    assert len(draw.order) == 5 and draw.seed == 42 and draw.rules["guarantee_after_days"] == 2
    drawn = [v for v in visits if outcomes[v.pk] == Outcome.DRAWN]
    loser = next(v for v in visits if outcomes[v.pk] == Outcome.NOT_DRAWN)
    assert error_code(assignment_create, task=Task.objects.get(), visit=loser, by=None) == "not_drawn"
    assert assignment_create(task=Task.objects.get(), visit=drawn[0], by=None).pk


def test_drawing_again_needs_a_reason_and_keeps_both_draws(site):
    task(site, workers_max=1)
    for _ in range(3):
        ready_visit(site)
    lottery_draw(site=site, day=DAY, by=None)
    assert error_code(lottery_draw, site=site, day=DAY, by=None) == "reason_required"
    lottery_draw(site=site, day=DAY, by=None, reason="Feil antall plasser")
    assert LotteryDraw.objects.count() == 2
    assert LotteryDraw.objects.filter(current=True).count() == 1


def test_two_unlucky_days_in_a_row_guarantee_a_place(site):
    task(site, workers_max=1)
    unlucky = ParticipantFactory(site=site)
    for day in (DAY - datetime.timedelta(days=2), DAY - datetime.timedelta(days=1)):
        entry_visit = VisitFactory(participant=unlucky, date=day, readiness="ready")
        old = LotteryDraw.objects.create(site=site, date=day, seed=1, places=1, light_places=0)
        LotteryEntry.objects.create(
            draw=old, visit=entry_visit, participant=unlucky, outcome=Outcome.NOT_DRAWN
        )
    mine = VisitFactory(participant=unlucky, date=DAY, readiness="ready")
    for _ in range(6):
        ready_visit(site)
    draw = lottery_draw(site=site, day=DAY, by=None)
    entry = draw.entries.get(visit=mine)
    assert entry.outcome == Outcome.DRAWN and entry.guaranteed == "unlucky_days" and entry.unlucky_days == 2


def test_an_earned_guarantee_is_used_once(site):
    task(site, workers_max=1)
    visit = ready_visit(site)
    EarnedGuarantee.objects.create(
        participant=visit.participant, earned_on=DAY - datetime.timedelta(days=1), reason="Hjalp"
    )
    for _ in range(5):
        ready_visit(site)
    draw = lottery_draw(site=site, day=DAY, by=None)
    assert draw.entries.get(visit=visit).outcome == Outcome.DRAWN
    assert EarnedGuarantee.objects.get().used_in == draw


def test_late_arrivals_wait_in_arrival_order_and_fill_freed_places(site):
    task(site, workers_max=1)
    for _ in range(2):
        ready_visit(site)
    draw = lottery_draw(site=site, day=DAY, by=None)
    late1, late2 = ready_visit(site), ready_visit(site)
    late2.arrived_at = late1.arrived_at + datetime.timedelta(minutes=5)
    late2.save()
    assert waiting_list_update(site=site, day=DAY) == 0
    assert list(
        draw.entries.filter(outcome=Outcome.WAITING)
        .order_by("waiting_position")
        .values_list("visit", flat=True)
    ) == [
        late1.pk,
        late2.pk,
    ]
    winner = draw.entries.get(outcome=Outcome.DRAWN).visit
    winner.undone_at = timezone.now()
    winner.save()
    assert waiting_list_update(site=site, day=DAY) == 1
    assert draw.entries.get(visit=late1).outcome == Outcome.FROM_WAITING


def test_the_waiting_list_follows_readiness_undo_and_exclusions_as_they_happen(
    site, django_capture_on_commit_callbacks
):
    """No page has to be opened: each change of who may be drawn keeps the list in step."""
    from dagsverket.services import exclusion_create, participant_check_in, visit_set_readiness, visit_undo
    from tests.factories import reason

    task(site, workers_max=1)
    ready_visit(site)
    draw = lottery_draw(site=site, day=DAY, by=None)
    winner = draw.entries.get(outcome=Outcome.DRAWN).visit
    late, later = ParticipantFactory(site=site), ParticipantFactory(site=site)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (late, later):
            visit, _created = participant_check_in(participant=person, site=site, by=None)
            assert not draw.entries.filter(visit=visit).exists()  # not assessed yet: not in the pool
            visit_set_readiness(visit=visit, status="ready", by=None)
    waiting = draw.entries.filter(outcome=Outcome.WAITING).order_by("waiting_position")
    assert [entry.participant_id for entry in waiting] == [late.pk, later.pk]
    with django_capture_on_commit_callbacks(execute=True):
        visit_set_readiness(visit=winner, status="not_today", reason=reason(), by=None)
    assert draw.entries.get(participant=late).outcome == Outcome.FROM_WAITING
    # The one who got the place is excluded: the place goes on to the next in line.
    with django_capture_on_commit_callbacks(execute=True):
        exclusion_create(participant=late, ends_on=DAY, reason=reason("exclusion"), by=None)
    assert draw.entries.get(participant=later).outcome == Outcome.FROM_WAITING
    # An undone check-in frees a place too; nobody is left waiting, so nothing else changes.
    with django_capture_on_commit_callbacks(execute=True):
        visit_undo(visit=draw.entries.get(participant=later).visit, by=None)
    assert draw.entries.filter(outcome=Outcome.WAITING).count() == 0


def test_an_invoiced_task_changes_only_with_a_reason(site):
    t = task(site, status=TaskStatus.INVOICED)
    assert error_code(task_update, task=t, by=None, description="Ny") == "reason_required"
    task_update(task=t, by=None, description="Ny", reason="Feil tekst")
    assert t.changes.get().reason == "Feil tekst"


def test_a_repeat_rule_creates_one_task_per_matching_day(site):
    customer = CustomerFactory(site=site)
    tasks = task_create(
        site=site,
        by=None,
        customer=customer,
        description="Plenklipp",
        date=DAY,
        category=Category.GARDEN,
        repeat_weekdays=[1],
        repeat_until=DAY + datetime.timedelta(days=21),
    )
    assert [t.date.weekday() for t in tasks] == [1, 1, 1]
    assert all(t.series == tasks[0] for t in tasks[1:])


def test_bad_task_input_is_refused(site):
    customer = CustomerFactory(site=site)
    base = {
        "site": site,
        "by": None,
        "customer": customer,
        "description": "X",
        "date": DAY,
        "category": "other",
    }
    assert error_code(task_create, **base, starts_at=T(12), ends_at=T(9)) == "task_ends_before_start"
    assert error_code(task_create, **base, workers_min=3, workers_max=2) == "workers_max_below_min"
    assert error_code(task_create, **base, price=Decimal("-1")) == "negative_price"
    code = error_code(task_create, **base, repeat_weekdays=[1], repeat_until=DAY - datetime.timedelta(days=1))
    assert code == "repeat_ends_early"


def test_customers_need_a_valid_organisation_number(site):
    code = error_code(
        customer_save, site=site, by=None, name="A", sector="business", organisation_number="123456789"
    )
    assert code == "invalid_orgnr"
    customer = customer_save(
        site=site, by=None, name="A", sector="business", organisation_number="974 760 673"
    )
    assert customer.organisation_number == "974760673"
    assert error_code(customer_save, site=site, by=None, name="A", sector="business") == "duplicate_customer"


def test_an_assignment_factory_gives_payable_hours_after_sign_off(site):
    a = AssignmentFactory(visit=ready_visit(site))
    Task.objects.filter(pk=a.task_id).update(signed_off_at=timezone.now())
    assert payable_work(site=site, day=DAY)[0].hours == Decimal("3.50")


def test_marking_a_task_invoiced_needs_no_reason_but_changing_it_back_does(site):
    t = task(site, status=TaskStatus.DONE)
    task_update(task=t, by=None, status=TaskStatus.INVOICED)
    assert error_code(task_update, task=t, by=None, status=TaskStatus.DONE) == "reason_required"


def test_a_reopened_draw_explains_why_someone_was_not_drawn(site):
    from django.utils import translation

    from jobs.explain import explain

    task(site, workers_max=1)
    unlucky = ParticipantFactory(site=site)
    yesterday = DAY - datetime.timedelta(days=1)
    old_visit = VisitFactory(participant=unlucky, date=yesterday, readiness="ready")
    old = LotteryDraw.objects.create(site=site, date=yesterday, seed=1, places=1, light_places=0)
    LotteryEntry.objects.create(draw=old, visit=old_visit, participant=unlucky, outcome=Outcome.NOT_DRAWN)
    mine = VisitFactory(participant=unlucky, date=DAY, readiness="ready")
    winner = ready_visit(site)
    EarnedGuarantee.objects.create(participant=winner.participant, earned_on=yesterday, reason="Hjalp")
    draw = lottery_draw(site=site, day=DAY, by=None)
    with translation.override("en"):
        text = explain(draw.entries.get(visit=mine), draw.rules)
        assert text == "Not drawn (number 2); 2 unlucky days in a row; guaranteed next time"
        assert explain(draw.entries.get(visit=winner), draw.rules) == "Drawn; guaranteed place earned earlier"
