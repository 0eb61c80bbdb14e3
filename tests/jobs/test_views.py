"""The jobs views: happy path, bad input (400, nothing written), too weak (403), anonymous, method."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dagsverket.roles import Role
from jobs.models import Assignment, DayPlan, HoursCorrection, LotteryDraw, LotteryEntry, Task
from jobs.services import lottery_draw
from tests.factories import CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def day(site):
    customer = CustomerFactory(site=site)
    tasks = [TaskFactory(customer=customer, date=DAY, workers_max=2) for _ in range(2)]
    visits = [
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready") for _ in range(3)
    ]
    return tasks, visits


def test_the_board_shows_tasks_free_places_and_people(client_for, day):
    tasks, visits = day
    response = client_for(Role.WORK_LEADER).get(reverse("jobs:today"), {"visit": visits[0].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert tasks[0].description in body and visits[0].participant.name in body
    assert "2 ledige plasser" in body


def test_the_board_runs_a_fixed_number_of_queries(client_for, site, django_assert_num_queries):
    customer = CustomerFactory(site=site)
    tasks = [TaskFactory(customer=customer, date=DAY, workers_max=3) for _ in range(20)]
    visits = [
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
        for _ in range(60)
    ]
    for task, visit in zip(tasks * 3, visits):
        Assignment.objects.create(
            task=task,
            participant=visit.participant,
            visit=visit,
            date=DAY,
            starts_at=task.starts_at,
            ends_at=task.ends_at,
        )
    client = client_for(Role.WORK_LEADER)
    client.get(reverse("jobs:today"))
    with django_assert_num_queries(9):
        assert client.get(reverse("jobs:today")).status_code == 200


def test_anyone_with_jobs_or_checkin_may_see_the_board_others_not(client_for, day):
    url = reverse("jobs:today")
    assert client_for(Role.FRONT_DESK).get(url).status_code == 403
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:board")).status_code == 200
    assert client_for(Role.PAYROLL).get(reverse("jobs:board")).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(Role.WORK_LEADER).post(url).status_code == 405


def test_a_tap_assigns_a_person_to_a_task(client_for, day):
    tasks, visits = day
    response = client_for(Role.FRONT_DESK).post(
        reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visits[0].pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get().task == tasks[0]


def test_assigning_to_a_full_task_is_refused_with_a_message(client_for, day):
    tasks, visits = day
    client = client_for(Role.WORK_LEADER)
    for visit in visits[:2]:
        client.post(reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visit.pk})
    response = client.post(reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visits[2].pk})
    assert response.status_code == 400
    assert "ingen ledige plasser" in response.content.decode()
    assert Assignment.objects.count() == 2


def test_assign_rejects_garbage_and_other_roles(client_for, day):
    tasks, visits = day
    url = reverse("jobs:assign")
    assert client_for(Role.WORK_LEADER).post(url, {"task": "x", "visit": ""}).status_code == 400
    assert client_for(Role.WORK_LEADER).post(url, {"task": 99999, "visit": visits[0].pk}).status_code == 400
    assert client_for(Role.PAYROLL).post(url, {"task": tasks[0].pk, "visit": visits[0].pk}).status_code == 403
    assert client_for(None).post(url, {"task": tasks[0].pk, "visit": visits[0].pk}).status_code == 302
    assert client_for(Role.WORK_LEADER).get(url).status_code == 405
    assert not Assignment.objects.exists()


def test_remove_and_move_keep_history(client_for, day):
    tasks, visits = day
    client = client_for(Role.WORK_LEADER)
    client.post(reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visits[0].pk})
    first = Assignment.objects.get()
    assert (
        client.post(reverse("jobs:assignment_move", args=[first.pk]), {"task": tasks[1].pk}).status_code
        == 302
    )
    assert client.post(reverse("jobs:assignment_move", args=[first.pk]), {"task": "nope"}).status_code == 400
    moved = Assignment.objects.get(removed_at__isnull=True)
    assert moved.task == tasks[1]
    assert client.post(reverse("jobs:assignment_remove", args=[moved.pk])).status_code == 302
    assert Assignment.objects.filter(removed_at__isnull=True).count() == 0
    assert (
        client_for(Role.PAYROLL).post(reverse("jobs:assignment_remove", args=[moved.pk])).status_code == 403
    )


def test_hours_are_set_signed_off_and_corrected_with_a_reason(client_for, day):
    tasks, visits = day
    client = client_for(Role.WORK_LEADER)
    client.post(reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visits[0].pk})
    a = Assignment.objects.get()
    hours_url = reverse("jobs:assignment_hours", args=[a.pk])
    assert client.get(reverse("jobs:task_hours", args=[tasks[0].pk])).status_code == 200
    bad = client.post(
        hours_url, {f"a{a.pk}-starts_at": "13:00", f"a{a.pk}-ends_at": "09:00", f"a{a.pk}-break_minutes": "0"}
    )
    assert bad.status_code == 400 and "Slutt må være etter start" in bad.content.decode()
    garbage = client.post(
        hours_url, {f"a{a.pk}-starts_at": "kl 9", f"a{a.pk}-ends_at": "", f"a{a.pk}-break_minutes": "-5"}
    )
    assert garbage.status_code == 400
    ok = client.post(
        hours_url,
        {f"a{a.pk}-starts_at": "09:00", f"a{a.pk}-ends_at": "13:30", f"a{a.pk}-break_minutes": "30"},
    )
    assert ok.status_code == 302
    sign_off = reverse("jobs:task_sign_off", args=[tasks[0].pk])
    assert client.post(sign_off).status_code == 200  # the confirmation first
    assert client.post(sign_off, {"confirm": "yes"}).status_code == 302
    assert client.post(sign_off, {"confirm": "yes"}).status_code == 400
    no_reason = client.post(
        hours_url,
        {f"a{a.pk}-starts_at": "09:00", f"a{a.pk}-ends_at": "14:00", f"a{a.pk}-break_minutes": "30"},
    )
    assert no_reason.status_code == 400 and not HoursCorrection.objects.exists()
    corrected = client.post(
        hours_url,
        {
            f"a{a.pk}-starts_at": "09:00",
            f"a{a.pk}-ends_at": "14:00",
            f"a{a.pk}-break_minutes": "30",
            f"a{a.pk}-reason": "Jobbet lenger",
        },
    )
    assert corrected.status_code == 302
    assert str(HoursCorrection.objects.get().new_hours) == "4.50"


def test_front_desk_may_not_sign_off_hours(client_for, day):
    tasks, _visits = day
    assert (
        client_for(Role.FRONT_DESK).post(reverse("jobs:task_sign_off", args=[tasks[0].pk])).status_code == 403
    )
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:task_hours", args=[tasks[0].pk])).status_code == 403
    assert (
        client_for(Role.WORK_LEADER).get(reverse("jobs:task_sign_off", args=[tasks[0].pk])).status_code == 405
    )
    assert client_for(None).get(reverse("jobs:task_hours", args=[tasks[0].pk])).status_code == 302


def test_the_front_desk_draws_with_one_tap_and_a_redraw_needs_a_reason(client_for, site):
    TaskFactory(customer=CustomerFactory(site=site), date=DAY, workers_max=1)
    for _ in range(3):
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
    client = client_for(Role.FRONT_DESK)
    assert client.get(reverse("jobs:lottery")).status_code == 200
    assert client.post(reverse("jobs:lottery_draw")).status_code == 302
    again = client.post(reverse("jobs:lottery_draw"), {"reason": ""})
    assert again.status_code == 400 and LotteryDraw.objects.count() == 1
    assert client.post(reverse("jobs:lottery_draw"), {"reason": "Feil"}).status_code == 302
    assert LotteryDraw.objects.count() == 2
    page = client.get(reverse("jobs:lottery")).content.decode()
    assert "Ikke trukket" in page
    assert client_for(Role.WORK_LEADER).post(reverse("jobs:lottery_draw")).status_code == 403
    assert client_for(None).post(reverse("jobs:lottery_draw")).status_code == 302
    assert client.get(reverse("jobs:lottery_draw")).status_code == 405


def test_anyone_on_staff_can_reopen_a_past_draw(client_for, site):
    TaskFactory(customer=CustomerFactory(site=site), date=DAY, workers_max=1)
    for _ in range(2):
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
    client_for(Role.FRONT_DESK).post(reverse("jobs:lottery_draw"))
    draw = LotteryDraw.objects.get()
    url = reverse("jobs:draw_detail", args=[draw.pk])
    response = client_for(Role.PAYROLL).get(url)
    assert response.status_code == 200 and str(draw.seed) in response.content.decode()
    assert client_for(None).get(url).status_code == 302
    assert client_for(Role.PAYROLL).post(url).status_code == 405


def test_places_can_be_set_by_hand_and_bad_numbers_are_refused(client_for, site):
    client = client_for(Role.FRONT_DESK)
    url = reverse("jobs:day_places_set")
    assert client.post(url, {"places": "-3"}).status_code == 400
    assert client.post(url, {"places": "2", "light_places": "5"}).status_code == 400
    assert not DayPlan.objects.exists()
    assert client.post(url, {"places": "6", "light_places": "2"}).status_code == 302
    assert DayPlan.objects.get().places == 6
    assert client_for(Role.WORK_LEADER).post(url, {"places": "6"}).status_code == 403


def test_lottery_rules_are_for_managers(client_for, site):
    url = reverse("jobs:lottery_rules")
    assert client_for(Role.FRONT_DESK).get(url).status_code == 403
    manager = client_for(Role.MANAGER)
    assert manager.get(url).status_code == 200
    assert manager.post(url, {"guarantee_enabled": "on", "guarantee_after_days": "0"}).status_code == 400
    data = {
        "guarantee_enabled": "on",
        "guarantee_after_days": "3",
        "weekly_cap_days": "2",
        "weighting_max_days": "10",
    }
    assert manager.post(url, data).status_code == 302
    assert Task.objects.count() == 0
    from dagsverket.models import ActivityLog
    from jobs.models import LotteryRules

    # saved through the service: the rules, their history naming the manager, the activity log
    rules = LotteryRules.objects.get(site=site)
    assert (rules.guarantee_enabled, rules.guarantee_after_days, rules.weekly_cap_enabled) == (True, 3, False)
    assert rules.history.get().history_user.username == "manager"
    assert ActivityLog.objects.filter(action="lottery_rules_changed", object_id=str(rules.pk)).count() == 1


def test_the_board_offers_a_move_to_another_task(client_for, day):
    tasks, visits = day
    client = client_for(Role.WORK_LEADER)
    client.post(reverse("jobs:assign"), {"task": tasks[0].pk, "visit": visits[0].pk})
    body = client.get(reverse("jobs:today")).content.decode()
    assert reverse("jobs:assignment_move", args=[Assignment.objects.get().pk]) in body


def test_the_front_desk_records_a_guaranteed_place_for_a_helping_task(client_for, day):
    from jobs.models import EarnedGuarantee

    _tasks, visits = day
    client = client_for(Role.FRONT_DESK)
    url = reverse("jobs:guarantee_grant")
    assert client.post(url, {"visit": visits[0].pk, "reason": ""}).status_code == 400
    assert client.post(url, {"visit": 999999, "reason": "Hjalp til"}).status_code == 400
    assert not EarnedGuarantee.objects.exists()
    assert client.post(url, {"visit": visits[0].pk, "reason": "Ryddet lageret"}).status_code == 302
    assert EarnedGuarantee.objects.get().participant == visits[0].participant
    assert client_for(Role.WORK_LEADER).post(url, {"visit": visits[0].pk, "reason": "x"}).status_code == 403
    assert client.get(url).status_code == 405


def test_anyone_on_staff_can_list_the_draws(client_for, site, django_assert_num_queries):
    for offset in range(3):
        LotteryDraw.objects.create(
            site=site, date=DAY - datetime.timedelta(days=offset), seed=offset, places=1, light_places=0
        )
    client = client_for(Role.PAYROLL)
    client.get(reverse("jobs:draw_list"))
    with django_assert_num_queries(3):
        response = client.get(reverse("jobs:draw_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/jobs/lottery/") >= 3
    assert client_for(None).get(reverse("jobs:draw_list")).status_code == 302
    assert client.post(reverse("jobs:draw_list")).status_code == 405


def test_reading_the_lottery_page_writes_nothing(client_for, site):
    TaskFactory(customer=CustomerFactory(site=site), workers_max=1)
    for _ in range(3):
        VisitFactory(participant=ParticipantFactory(site=site), readiness="ready")
    lottery_draw(site=site, day=timezone.localdate(), by=None)
    # A ready arrival that no service has told the list about (as if written by hand).
    VisitFactory(participant=ParticipantFactory(site=site), readiness="ready")
    desk = client_for(Role.FRONT_DESK)
    entries = list(LotteryEntry.objects.values_list("pk", "outcome", "waiting_position"))
    with CaptureQueriesContext(connection) as queries:
        assert desk.get("/jobs/lottery/").status_code == 200
    assert list(LotteryEntry.objects.values_list("pk", "outcome", "waiting_position")) == entries
    writes = [query["sql"] for query in queries.captured_queries if query["sql"][:6] in ("INSERT", "UPDATE")]
    assert [sql for sql in writes if "dagsverket_session" not in sql] == []


def _draws(site, count, start=DAY, **fields):
    return LotteryDraw.objects.bulk_create(
        LotteryDraw(
            site=site, date=start - datetime.timedelta(days=n), seed=n, places=4, light_places=0, **fields
        )
        for n in range(count)
    )


def test_the_draw_list_runs_the_same_queries_however_long_it_is(
    client_for, site, staff, django_assert_num_queries
):
    _draws(site, 2, ran_by=staff[Role.FRONT_DESK])
    client = client_for(Role.WORK_LEADER)
    client.get(reverse("jobs:draw_list"))
    with django_assert_num_queries(3):  # session with user, sites, permissions; count and page of draws
        client.get(reverse("jobs:draw_list"))
    _draws(site, 80, start=DAY - datetime.timedelta(days=10), ran_by=staff[Role.FRONT_DESK])
    with django_assert_num_queries(3):
        page = client.get(reverse("jobs:draw_list")).content.decode()
    assert len(re.findall(r'href="/jobs/lottery/\d+/"', page)) == 50


def test_the_draw_list_shows_the_newest_first_fifty_a_page_and_why_a_draw_was_replaced(
    client_for, site, other_site
):
    [replaced] = _draws(site, 1, current=False, rerun_reason="Feil antall plasser")
    _draws(site, 54, start=DAY - datetime.timedelta(days=1))
    [elsewhere] = _draws(other_site, 1)
    client = client_for(Role.FRONT_DESK)
    first = client.get(reverse("jobs:draw_list")).content.decode()
    assert reverse("jobs:draw_detail", args=[replaced.pk]) in first
    assert "Erstattet av en senere trekning · Feil antall plasser" in first
    assert reverse("jobs:draw_detail", args=[elsewhere.pk]) not in first
    second = client.get(reverse("jobs:draw_list"), {"page": 2}).content.decode()
    assert len(re.findall(r'href="/jobs/lottery/\d+/"', second)) == 5
    assert (
        client.get(reverse("jobs:draw_list"), {"page": "999"}).content.decode().count("Dagens trekning") == 5
    )
    assert client.get(reverse("jobs:draw_list"), {"page": "x"}).status_code == 200


def test_the_draw_list_filters_by_period_and_refuses_a_bad_date(client_for, site):
    _draws(site, 30)
    client = client_for(Role.FRONT_DESK)
    week = client.get(reverse("jobs:draw_list"), {"date_from": "2026-11-01", "date_to": "2026-11-07"})
    assert week.status_code == 200
    assert len(re.findall(r'href="/jobs/lottery/\d+/"', week.content.decode())) == 7
    bad = client.get(reverse("jobs:draw_list"), {"date_from": "1. mars"})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode()
    assert not re.findall(r'href="/jobs/lottery/\d+/"', bad.content.decode())


def test_the_draw_and_its_answer_run_the_same_queries_for_a_pool_of_4_and_of_24(
    client_for, site, django_assert_num_queries
):
    TaskFactory(customer=CustomerFactory(site=site), date=DAY, workers_max=3)
    for _ in range(4):
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
    client = client_for(Role.FRONT_DESK)
    assert client.post(reverse("jobs:lottery_draw")).status_code == 302

    def redraw(reason, pool):
        # The POST (20): the session, the user with sites and permissions; a savepoint, the day
        # plan locked, the draw before, the signed-off check, the tasks' places, the pool (one
        # query), the rules, the pool's history (four), the draw before set aside and the new one
        # (each with its history row), the entries, the log, the savepoint released. The page (11):
        # the session, the user; the draw, the places (two), the pool with names, the entries, the
        # names that are not unique, the rules, the open guarantees, the earlier draws.
        with django_assert_num_queries(29):
            response = client.post(reverse("jobs:lottery_draw"), {"reason": reason}, follow=True)
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="entry-') == pool

    redraw("Feil", 4)
    for _ in range(20):
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
    redraw("Feil igjen", 24)
