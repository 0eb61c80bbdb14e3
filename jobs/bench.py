"""Speed figures of the jobs app: the lottery against the full visit history, the day board's queries."""

import datetime
import random

from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dagsverket.bench import median_ms
from dagsverket.models import Participant, Site, Visit
from dagsverket.roles import Role, sync_role_groups

from .models import Assignment, Customer, LotteryDraw, LotteryEntry, Outcome, Task
from .services import lottery_draw


def _visit(person, site, day, ready=True):
    arrived = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
    return Visit(
        participant=person, site=site, date=day, arrived_at=arrived, readiness="ready" if ready else "unknown"
    )


def build_history(site: Site, people: list[Participant], today: datetime.date, days: int, rng: random.Random):
    """`days` of weekday history: about 60 % of people come, a third of them get a place and work."""
    customer = Customer.objects.create(site=site, name=f"Bench {site.name}", sector="municipal")
    for offset in range(days, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        visits = Visit.objects.bulk_create([_visit(p, site, day) for p in people if rng.random() < 0.6])
        task = Task.objects.create(
            site=site,
            customer=customer,
            description=f"Bench {day}",
            date=day,
            category="garden",
            workers_max=80,
        )
        draw = LotteryDraw.objects.create(
            site=site, date=day, seed=offset, places=len(visits) // 3, light_places=0
        )
        entries, assignments = [], []
        for position, visit in enumerate(visits, start=1):
            drawn = position <= len(visits) // 3
            entries.append(
                LotteryEntry(
                    draw=draw,
                    visit=visit,
                    participant_id=visit.participant_id,
                    position=position,
                    outcome=Outcome.DRAWN if drawn else Outcome.NOT_DRAWN,
                )
            )
            if drawn:
                assignments.append(
                    Assignment(
                        task=task,
                        participant_id=visit.participant_id,
                        visit=visit,
                        date=day,
                        starts_at=task.starts_at,
                        ends_at=task.ends_at,
                        hours=4,
                    )
                )
        LotteryEntry.objects.bulk_create(entries)
        Assignment.objects.bulk_create(assignments)


def figures(context):
    rng = random.Random(4)
    today = timezone.localdate()
    small = getattr(context, "small", False)

    # The lottery: a pool of 200 ready people, with the fairness rules on, against their full history.
    site = Site.objects.create(name="Bench jobs lottery", places_per_day=40)
    people = Participant.objects.bulk_create(
        [Participant(site=site, name=f"Deltaker {n}", search_name=f"deltaker {n}") for n in range(200)]
    )
    build_history(site, people, today, 14 if small else 120, rng)
    Visit.objects.bulk_create([_visit(p, site, today) for p in people])
    customer = Customer.objects.get(site=site)
    for n in range(10):
        Task.objects.create(
            site=site,
            customer=customer,
            description=f"I dag {n}",
            date=today,
            category="garden",
            workers_max=4,
        )
    from .services import lottery_rules_for

    rules = lottery_rules_for(site)
    rules.weekly_cap_enabled = True
    rules.save()

    def draw_once():
        with transaction.atomic():
            lottery_draw(site=site, day=today, by=None)
            transaction.set_rollback(True)

    yield "lottery_ms", round(median_ms(draw_once, repeat=5 if small else 20, warmup=2), 1)

    # The tap as the front desk presses it: the POST, its redirect and the page that shows the draw
    # (every entry with its reason), against the same pool and history; rolled back after each run.
    desk = User.objects.create_user("bench-jobs-desk")
    desk.groups.add(Group.objects.get(name=Role.FRONT_DESK.value))
    site.staff.add(desk)
    desk_client = Client()
    desk_client.force_login(desk)

    def tap():
        with transaction.atomic():
            response = desk_client.post("/jobs/lottery/draw/", {"reason": ""}, follow=True)
            if response.status_code != 200 or b'data-testid="entry-' not in response.content:
                raise AssertionError(f"the draw answered {response.status_code}")
            transaction.set_rollback(True)

    tap()
    with CaptureQueriesContext(connection) as queries:
        tap()
    yield "lottery_post_queries", len(queries.captured_queries)
    yield "lottery_post_ms", round(median_ms(tap, repeat=5 if small else 20, warmup=2), 1)

    # The day board: 20 tasks and 60 people, all assigned; the count must not grow with them.
    board_site = Site.objects.create(name="Bench jobs board")
    board_customer = Customer.objects.create(site=board_site, name="Bench board", sector="business")
    tasks = [
        Task.objects.create(
            site=board_site,
            customer=board_customer,
            description=f"Oppdrag {n}",
            date=today,
            category="garden",
            workers_max=3,
        )
        for n in range(20)
    ]
    board_people = Participant.objects.bulk_create(
        [Participant(site=board_site, name=f"Arbeider {n}", search_name=f"arbeider {n}") for n in range(60)]
    )
    visits = Visit.objects.bulk_create([_visit(p, board_site, today) for p in board_people])
    Assignment.objects.bulk_create(
        [
            Assignment(
                task=task,
                participant_id=visit.participant_id,
                visit=visit,
                date=today,
                starts_at=task.starts_at,
                ends_at=task.ends_at,
                hours=4,
            )
            for task, visit in zip(tasks * 3, visits)
        ]
    )
    sync_role_groups(Group, Permission)
    leader = User.objects.create_user("bench-jobs-leader", password="bench")  # noqa: S106 - a throwaway bench user
    leader.groups.add(Group.objects.get(name=Role.WORK_LEADER.value))
    board_site.staff.add(leader)
    client = Client()
    client.force_login(leader)
    client.get("/jobs/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jobs/")
    if response.status_code != 200:
        raise AssertionError(f"/jobs/ answered {response.status_code}")
    yield "board_queries", len(queries.captured_queries)
    if context.baseline_ms:
        board = median_ms(lambda: client.get("/jobs/"), repeat=10 if small else 30)
        yield "board_ratio", round(board / context.baseline_ms, 2)
