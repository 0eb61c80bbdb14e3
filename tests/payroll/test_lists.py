"""The payroll lists are django-tables2 tables with django-filter filters: sorted, filtered, 400 on a
bad filter value, and a number of queries that does not grow with the rows."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.services import payout_confirm, payslip_prepare
from tests.factories import ParticipantFactory, TaxCardFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def _paid(site, person, hours, *, by, day=DAY):
    slip = payslip_prepare(
        site=site, participant=person, day=day, lines=[hourly_line("Work", D(hours), D("150"))]
    )
    payout_confirm(payslip=slip, method="card", nonce=f"{person.pk}-{day}", by=by)
    return slip


def _people(site, names):
    people = []
    for name in names:
        person = ParticipantFactory(
            site=site, name=name, full_name=f"{name} Test", birth_date=datetime.date(1980, 1, 2)
        )
        TaxCardFactory(participant=person, frikort_amount=D("100000"))
        people.append(person)
    return people


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_year_summary_is_a_sorted_filtered_table(client_for, frozen_day, site, staff, wage_rate):
    payer = staff[Role.PAYROLL]
    client = client_for(Role.PAYROLL)
    url = reverse("payroll:year_report", kwargs={"year": 2026})
    (per,) = _people(site, ["Per"])
    _paid(site, per, "2", by=payer)
    one = _queries(client, url)
    kari, ola = _people(site, ["Kari", "Ola"])
    # Kari 4 h × 150 = 600 + 10.2 % = 61.20; Ola 6 h: 900 + 91.80; Per 2 h: 300 + 30.60
    _paid(site, kari, "4", by=payer)
    _paid(site, ola, "6", by=payer)
    assert _queries(client, url) == one  # three rows cost what one row costs
    page = client.get(url).content.decode()
    assert page.index("Kari") < page.index("Ola") < page.index("Per")  # by name
    # net pay, within the frikort nothing withheld: 661.20, 991.80, 330.60
    assert "661,20" in page and "991,80" in page and "330,60" in page
    by_gross = client.get(url, {"sort": "-gross"}).content.decode()
    assert by_gross.index("Ola") < by_gross.index("Kari") < by_gross.index("Per")  # 900, 600, 300

    def pdf(person):
        return reverse("payroll:year_report_worker_pdf", kwargs={"year": 2026, "pk": person.pk})

    only = client.get(url, {"participant": "kar"}).content.decode()
    assert pdf(kari) in only and pdf(ola) not in only
    # gross at least 600: Kari (600) and Ola (900), not Per (300)
    rich = client.get(url, {"gross_from": "600"}).content.decode()
    assert pdf(kari) in rich and pdf(ola) in rich and pdf(per) not in rich
    bad = client.get(url, {"gross_from": "lots"})
    assert bad.status_code == 400 and pdf(per) not in bad.content.decode()


def test_the_participant_page_lists_payslips_in_a_filtered_table(
    client_for, frozen_day, site, staff, wage_rate
):
    payer = staff[Role.PAYROLL]
    (ola,) = _people(site, ["Ola"])
    _paid(site, ola, "2", by=payer, day=datetime.date(2026, 3, 2))
    _paid(site, ola, "6", by=payer)
    client = client_for(Role.PAYROLL)
    url = reverse("payroll:participant", kwargs={"pk": ola.pk})
    page = client.get(url).content.decode()
    # newest first: 10.03 (6 h: 991.80 net) before 02.03 (2 h: 330.60 net)
    assert page.index("10.03.2026") < page.index("02.03.2026")
    assert "991,80" in page and "330,60" in page
    march_2 = client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-05"}).content.decode()
    assert "330,60" in march_2 and "991,80" not in march_2
    assert client.get(url, {"date_from": "2026-02-30"}).status_code == 400
