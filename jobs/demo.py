"""Fake demo data for the jobs app: customers, tasks, lottery draws and assignments with signed-off
hours for past days. Every name and number is invented; organisation numbers are made valid by stdnum."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from stdnum.no import orgnr

from dagsverket.models import Readiness, Visit

from . import selectors, services
from .errors import JobsError
from .models import Category, Customer, PriceKind, Sector, Task

CUSTOMERS = [
    ("{city} kommune, park og idrett", Sector.MUNICIPAL),
    ("Lia borettslag", Sector.HOUSING),
    ("Solsiden sameie", Sector.HOUSING),
    ("Nordmann Eiendom AS", Sector.BUSINESS),
    ("Frivilligsentralen {city}", Sector.NON_PROFIT),
    ("Kari Hansen (privat)", Sector.PRIVATE),
]
TASKS = [
    ("Raking og hagearbeid", Category.GARDEN, 5, False),
    ("Søppelplukking langs elva", Category.LITTER, 4, True),
    ("Snømåking av trapper og innganger", Category.SNOW, 4, False),
    ("Flyttehjelp", Category.MOVING, 3, False),
    ("Vedhogging og stabling", Category.FIREWOOD, 3, False),
    ("Tøyvask", Category.LAUNDRY, 2, True),
]


def _orgnr(rng) -> str:
    while True:
        number = f"9{rng.randint(0, 99_999_999):08d}"
        if orgnr.is_valid(number):
            return number


def seed(context) -> None:
    rng = context.rng
    leader = User.objects.filter(username="leader").first()
    today = timezone.localdate()
    for site in context.sites:
        city = site.name
        customers = [
            Customer.objects.create(
                site=site,
                name=name.format(city=city),
                sector=sector,
                organisation_number="" if sector == Sector.PRIVATE else _orgnr(rng),
                contact_name=context.fake.name(),
                contact_phone=context.fake.phone_number(),
                invoice_address=context.fake.address(),
                price_terms="Timepris etter avtale" if sector != Sector.PRIVATE else "Fast pris per oppdrag",
            )
            for name, sector in CUSTOMERS
        ]
        since = today - datetime.timedelta(days=context.work_days)
        days = sorted(set(Visit.objects.filter(site=site, date__gte=since).values_list("date", flat=True)))
        progress = context.progress(f"Jobs at {site.name}")
        for index, day in enumerate(days):
            progress(index + 1, len(days))
            _seed_day(site, day, customers, leader, rng, signed_off=day < today)
        # Today: tasks ready for the morning, no draw yet.
        _seed_tasks(site, today, customers, leader, rng)


def _seed_tasks(site, day, customers, leader, rng) -> list[Task]:
    places = max(site.places_per_day, 3)
    tasks = []
    for description, category, workers, light in rng.sample(TASKS, k=min(len(TASKS), 2 + places // 6)):
        if category == Category.SNOW and day.month not in (11, 12, 1, 2, 3):
            continue
        customer = rng.choice(customers)
        fixed = customer.sector == Sector.PRIVATE
        tasks.append(
            Task.objects.create(
                site=site,
                customer=customer,
                description=description,
                address=customer.invoice_address.splitlines()[0] if customer.invoice_address else "",
                date=day,
                workers_min=1,
                workers_max=min(workers, places),
                work_leader=leader,
                category=category,
                light_duty=light,
                price_kind=PriceKind.FIXED if fixed else PriceKind.PER_HOUR,
                price=Decimal("2500.00") if fixed else Decimal("450.00"),
            )
        )
    return tasks


def _seed_day(site, day, customers, leader, rng, signed_off: bool) -> None:
    visits = list(Visit.objects.active().filter(site=site, date=day).select_related("participant"))
    for visit in visits:
        if visit.readiness == Readiness.UNKNOWN:
            roll = rng.random()
            visit.readiness = (
                Readiness.READY if roll < 0.8 else Readiness.LIGHT if roll < 0.9 else Readiness.NOT_TODAY
            )
    # Demo only: readiness of past visits is filled in so the lottery has a pool (no reason codes needed
    # for "ready" and "light"; "not today" without a reason would break a constraint, so keep those unknown).
    for visit in visits:
        if visit.readiness == Readiness.NOT_TODAY and visit.readiness_reason_id is None:
            visit.readiness = Readiness.UNKNOWN
    Visit.objects.bulk_update(visits, ["readiness"])
    tasks = _seed_tasks(site, day, customers, leader, rng)
    if not tasks:
        return
    pool, _out = selectors.lottery_pool(site=site, day=day)
    places = sum(t.workers_max for t in tasks)
    if len(pool) > places:
        draw = services.lottery_draw(site=site, day=day, by=leader, seed=rng.getrandbits(48))
        allowed = set(draw.entries.filter(outcome="drawn").values_list("visit_id", flat=True))
        pool = [v for v in pool if v.pk in allowed]
    for visit in pool:
        for task in sorted(
            tasks, key=lambda t: (t.light_duty != (visit.readiness == Readiness.LIGHT), rng.random())
        ):
            try:
                services.assignment_create(task=task, visit=visit, by=leader)
                break
            except JobsError:
                continue
    if signed_off:
        for task in tasks:
            try:
                services.task_sign_off(task=task, by=leader)
            except JobsError:
                task.status = "cancelled"
                task.save(update_fields=["status"])
