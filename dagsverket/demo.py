"""Fake demo data for the core domain: sites, staff, participants and their visits.

Every name and number here is invented by Faker (Norwegian, no_NO); nothing is real personal data.
"""

import datetime
import random
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.utils import timezone
from faker import Faker

from .models import Participant, Site, Visit
from .roles import Role

# Faker calls Norwegian bokmål "no_NO"; it has no "nb_NO" locale.
FAKER_LOCALE = "no_NO"

DEMO_PASSWORD = "demo"  # noqa: S105 - printed to the developer on purpose; refused in production
DEMO_USERS = [
    ("frontdesk", Role.FRONT_DESK, "Frida", "Front"),
    ("leader", Role.WORK_LEADER, "Leif", "Leder"),
    ("payroll", Role.PAYROLL, "Pål", "Lønn"),
    ("manager", Role.MANAGER, "Marte", "Leder"),
    ("evaluator", Role.EVALUATOR, "Eva", "Evaluering"),
    ("study", Role.STUDY, "Stian", "Studie"),
]


def seed_sites() -> list[Site]:
    trondheim, _ = Site.objects.get_or_create(
        name="Trondheim",
        defaults={
            "address": "Demoveien 1, 7010 Trondheim",
            "places_per_day": 18,
            "employer_name": "Dagsverket Trondheim (demo)",
            "organisation_number": "974760673",
        },
    )
    stjordal, _ = Site.objects.get_or_create(
        name="Stjørdal",
        defaults={
            "address": "Prøvegata 2, 7500 Stjørdal",
            "places_per_day": 6,
            "employer_name": "Dagsverket Stjørdal (demo)",
            "organisation_number": "974760673",
        },
    )
    return [trondheim, stjordal]


def seed_users(sites: list[Site]) -> list[User]:
    users = []
    for username, role, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role.value))
        for site in sites if role == Role.MANAGER else sites[:1]:
            site.staff.add(user)
        users.append(user)
    return users


def seed_participants(site: Site, count: int, fake: Faker, rng: random.Random) -> list[Participant]:
    people = []
    for _ in range(count):
        first, last = fake.first_name(), fake.last_name()
        birth = fake.date_of_birth(minimum_age=20, maximum_age=66)
        people.append(
            Participant(
                site=site,
                name=first if rng.random() < 0.7 else f"{first} {last[0]}.",
                full_name=f"{first} {last}",
                nickname=rng.choice(["", "", "", first[:3]]),
                birth_date=birth if rng.random() < 0.8 else None,
                birth_year=birth.year,
                sex=rng.choice(["f", "m", "m", "m"]),
                phone=fake.phone_number() if rng.random() < 0.6 else "",
                driving_licence=rng.random() < 0.3,
            )
        )
    for person in people:
        person.save()
    return people


def seed_visits(
    site: Site,
    people: list[Participant],
    days: int,
    rng: random.Random,
    progress: Callable[[int, int], None],
) -> int:
    """About three months of weekday mornings: a core group that comes often, others now and then."""
    today = timezone.localdate()
    staff = site.staff.first()
    frequency = {p.pk: rng.choice([0.8, 0.6, 0.3, 0.1, 0.05]) for p in people}
    visits = []
    for offset in range(days, 0, -1):
        day = today - datetime.timedelta(days=offset)
        progress(days - offset + 1, days)
        if day.weekday() >= 5:
            continue
        for person in people:
            if rng.random() < frequency[person.pk]:
                arrived = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(8, 0))
                    + datetime.timedelta(minutes=rng.randint(0, 60))
                )
                visits.append(
                    Visit(participant=person, site=site, date=day, arrived_at=arrived, checked_in_by=staff)
                )
    Visit.objects.bulk_create(visits, batch_size=1000)
    for person in people:
        last = max((v.date for v in visits if v.participant_id == person.pk), default=None)
        if last:
            Participant.objects.filter(pk=person.pk).update(last_seen=last)
    return len(visits)


DEMO_PIN = "1234"  # demo only, printed with the logins


def seed_checkin(context) -> None:
    """Readiness for the visits seeded above (mostly ready, some light or not today with a coded
    reason), two current exclusions, and a tablet PIN for every demo user."""
    from django.contrib.auth.hashers import make_password

    from .models import Exclusion, ReadinessEntry, ReasonCode, StaffPin

    rng = context.rng
    readiness_codes = list(ReasonCode.objects.filter(kind="readiness", site=None))
    exclusion_codes = list(ReasonCode.objects.filter(kind="exclusion", site=None))
    for site in context.sites:
        visits = list(Visit.objects.filter(site=site).only("pk", "arrived_at", "checked_in_by_id"))
        entries = []
        for visit in visits:
            roll = rng.random()
            status, code = ("ready", None)
            if roll > 0.92 and readiness_codes:
                status, code = "not_today", rng.choice(readiness_codes)
            elif roll > 0.85:
                status = "light"
            visit.readiness, visit.readiness_reason = status, code
            entries.append(
                ReadinessEntry(
                    visit=visit,
                    status=status,
                    reason=code,
                    recorded_at=visit.arrived_at + datetime.timedelta(minutes=2),
                    recorded_by_id=visit.checked_in_by_id,
                )
            )
        Visit.objects.bulk_update(visits, ["readiness", "readiness_reason"], batch_size=1000)
        ReadinessEntry.objects.bulk_create(entries, batch_size=1000)
        people = context.participants[site.pk]
        today = timezone.localdate()
        for person in rng.sample(people, k=min(2, len(people))):
            Exclusion.objects.create(
                participant=person,
                starts_on=today - datetime.timedelta(days=3),
                ends_on=today + datetime.timedelta(days=rng.randint(4, 20)),
                reason=rng.choice(exclusion_codes),
            )
    pin_hash = make_password(DEMO_PIN)
    for username, *_rest in DEMO_USERS:
        user = User.objects.get(username=username)
        StaffPin.objects.update_or_create(user=user, defaults={"pin_hash": pin_hash})
