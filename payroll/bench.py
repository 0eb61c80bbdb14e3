"""Speed figures of the payroll app: the day's payslips as one PDF, and one payslip."""

import datetime
import time
from decimal import Decimal

from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from weasyprint import HTML

from dagsverket.bench import get_ok, median_ms
from dagsverket.models import Participant, Site, Visit
from dagsverket.pdf import font_config
from dagsverket.roles import Role, sync_role_groups
from jobs.models import Assignment, Customer, Task

from .engine import hourly_line
from .models import Payslip, WageRate
from .pdf import payslips_html
from .selectors import day_payslips
from .services import payout_confirm, payslip_prepare, payslips_prepare_day

DAY = datetime.date(2026, 3, 10)
PEOPLE = 60


def _build() -> tuple[Client, Site]:
    site = Site.objects.create(
        name="Bench payroll",
        employer_name="Dagsverket Bench",
        organisation_number="974760673",
        address="Gata 1",
    )
    WageRate.objects.create(site=site, valid_from=datetime.date(2020, 1, 1), amount=Decimal("150"))
    sync_role_groups(Group, Permission)
    user = User.objects.create(username="bench-payroll")
    user.groups.add(Group.objects.get(name=Role.PAYROLL.value))
    site.staff.add(user)
    for number in range(PEOPLE):
        person = Participant.objects.create(
            site=site,
            name=f"Person {number:02d}",
            full_name=f"Person Benchmark {number:02d}",
            birth_year=1980,
        )
        lines = [
            hourly_line("Snømåking (Borettslaget Elgeseter)", Decimal("3.5"), Decimal("150")),
            hourly_line("Hagearbeid (Trondheim kommune)", Decimal("2"), Decimal("150")),
        ]
        slip = payslip_prepare(site=site, participant=person, day=DAY, lines=lines)
        payout_confirm(payslip=slip, method="cash", nonce=f"bench-{number}", by=user)
    client = Client()
    client.force_login(user)
    return client, site


def _signed_off_day(day: datetime.date) -> Site:
    """A site where PEOPLE people worked signed-off tasks on `day` (four to a task), none paid yet."""
    site = Site.objects.create(name="Bench payroll day")
    WageRate.objects.create(site=site, valid_from=datetime.date(2020, 1, 1), amount=Decimal("150"))
    customer = Customer.objects.create(site=site, name="Bench kunde", sector="municipal")
    people = Participant.objects.bulk_create(
        [
            Participant(site=site, name=f"Dag {n:02d}", full_name=f"Dag Benchmark {n:02d}", birth_year=1985)
            for n in range(PEOPLE)
        ]
    )
    arrived = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
    visits = Visit.objects.bulk_create(
        [Visit(participant=p, site=site, date=day, arrived_at=arrived, readiness="ready") for p in people]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(
                site=site,
                customer=customer,
                description=f"Oppdrag {n}",
                date=day,
                category="garden",
                workers_max=4,
                signed_off_at=arrived,
                status="done",
            )
            for n in range(PEOPLE // 4)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                task=tasks[n // 4],
                participant_id=visit.participant_id,
                visit=visit,
                date=day,
                starts_at=tasks[n // 4].starts_at,
                ends_at=tasks[n // 4].ends_at,
                hours=4,
            )
            for n, visit in enumerate(visits)
        ]
    )
    return site


def _seconds(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


def figures(context):
    # Preparing the day: everyone's draft payslip from the signed-off work, rolled back after each run.
    day = DAY + datetime.timedelta(days=1)
    day_site = _signed_off_day(day)

    def prepare_day():
        with transaction.atomic():
            slips = payslips_prepare_day(site=day_site, day=day)
            if len(slips) != PEOPLE:
                raise AssertionError(f"prepared {len(slips)} payslips, not {PEOPLE}")
            transaction.set_rollback(True)

    with CaptureQueriesContext(connection) as queries:
        prepare_day()
    yield "payroll_prepare_day_queries", len(queries.captured_queries)
    prepare_ms = median_ms(prepare_day, repeat=3 if context.small else 7, warmup=1)
    yield "payroll_prepare_day_ms", round(prepare_ms, 1)

    client, site = _build()
    repeat = 1 if context.small else 3
    batch_url = f"/payroll/{DAY:%Y-%m-%d}/payslips.pdf"
    get_ok(client, batch_url)()  # warm templates and fonts
    static_html = payslips_html(list(day_payslips(site=site, day=DAY)), site=site)
    # WeasyPrint's own time for the same pages, from static HTML, with the same font set-up
    static = _seconds(lambda: HTML(string=static_html).write_pdf(font_config=font_config()), repeat)
    batch = _seconds(get_ok(client, batch_url), repeat)
    yield "payslips_batch_ratio", round(batch / static, 2)
    one = Payslip.objects.filter(site=site).first()
    single = median_ms(
        get_ok(client, f"/payroll/payslip/{one.pk}.pdf"), repeat=5 if context.small else 15, warmup=2
    )
    yield "payslip_single_ms", round(single, 1)
    # the same page from static HTML in this run: how much of the request is WeasyPrint itself
    one_html = payslips_html([one], site=site)
    static_one = median_ms(
        lambda: HTML(string=one_html).write_pdf(font_config=font_config()), repeat=5, warmup=1
    )
    yield "payslip_single_static_ms", round(static_one, 1)
