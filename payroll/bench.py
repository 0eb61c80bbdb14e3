"""Speed figures of the payroll app: the day's payslips as one PDF, and one payslip."""

import datetime
import time
from decimal import Decimal

from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from weasyprint import HTML

from dagsverket.bench import get_ok, median_ms
from dagsverket.models import Participant, Site
from dagsverket.roles import Role, sync_role_groups

from .engine import hourly_line
from .models import Payslip, WageRate
from .pdf import font_config, payslips_html
from .selectors import day_payslips
from .services import payout_confirm, payslip_prepare

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


def _seconds(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


def figures(context):
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
