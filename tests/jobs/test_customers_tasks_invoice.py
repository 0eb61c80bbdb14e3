"""Customers, tasks, the customer import and the invoice basis."""

import datetime
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dagsverket.models import ActivityLog
from dagsverket.roles import Role
from jobs.invoicing import invoice_basis
from jobs.models import Assignment, Customer, Task, TaskChange
from tests.factories import AssignmentFactory, CustomerFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_customers_are_listed_with_a_fixed_number_of_queries(client_for, site, django_assert_num_queries):
    for _ in range(5):
        CustomerFactory(site=site)
    client = client_for(Role.WORK_LEADER)
    with django_assert_num_queries(3):
        response = client.get(reverse("jobs:customer_list"))
    assert response.status_code == 200
    for _ in range(10):
        CustomerFactory(site=site)
    with django_assert_num_queries(3):
        client.get(reverse("jobs:customer_list"))
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:customer_list")).status_code == 403
    assert client_for(None).get(reverse("jobs:customer_list")).status_code == 302
    assert client.post(reverse("jobs:customer_list")).status_code == 405


def test_a_customer_is_created_and_a_bad_organisation_number_refused(client_for, site):
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:customer_new")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"name": "Lia borettslag", "sector": "housing", "organisation_number": "123456789"}
    )
    assert bad.status_code == 400 and not Customer.objects.exists()
    assert client.post(url, {"name": "", "sector": "housing"}).status_code == 400
    ok = client.post(url, {"name": "Lia borettslag", "sector": "housing", "organisation_number": "974760673"})
    assert ok.status_code == 302
    customer = Customer.objects.get()
    assert customer.site == site
    edit = client.post(
        reverse("jobs:customer_edit", args=[customer.pk]), {"name": "Lia BRL", "sector": "housing"}
    )
    assert edit.status_code == 302
    assert client_for(Role.FRONT_DESK).post(url, {"name": "X", "sector": "business"}).status_code == 403
    assert client.delete(url).status_code == 405


def _csv(text):
    return SimpleUploadedFile("kunder.csv", text.encode(), content_type="text/csv")


def test_the_import_previews_then_saves_all_rows(client_for, site):
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:customer_import")
    assert client.get(url).status_code == 200
    text = "name;sector;organisation_number\nLia borettslag;housing;974760673\nOla Nordmann;Private person;\n"
    preview = client.post(url, {"file": _csv(text)})
    assert preview.status_code == 200 and not Customer.objects.exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert sorted(Customer.objects.values_list("sector", flat=True)) == ["housing", "private"]
    assert set(Customer.objects.values_list("site", flat=True)) == {site.pk}


def test_imported_customers_are_saved_by_the_service_with_log_and_history(client_for, site, staff):
    CustomerFactory(site=site, name="Lia borettslag", sector="housing")
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:customer_import")
    text = "name;sector;contact_name\nLia borettslag;housing;Kari\nOla Nordmann;private;\n"
    assert client.post(url, {"file": _csv(text)}).status_code == 200
    assert client.post(url, {"confirm": "1"}).status_code == 302
    logged = ActivityLog.objects.filter(action__startswith="customer_").order_by("pk")
    assert [(entry.action, entry.actor) for entry in logged] == [
        ("customer_updated", staff[Role.WORK_LEADER]),
        ("customer_created", staff[Role.WORK_LEADER]),
    ]
    lia = Customer.objects.get(name="Lia borettslag")
    assert lia.contact_name == "Kari"
    assert lia.history.first().history_user == staff[Role.WORK_LEADER]


def test_an_import_with_a_bad_row_saves_nothing(client_for, site):
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:customer_import")
    text = "name,sector,organisation_number\nLia borettslag,housing,974760673\nFeil AS,business,123456789\n"
    response = client.post(url, {"file": _csv(text)})
    assert response.status_code == 400
    assert not Customer.objects.exists()
    # The import, the customer form and IPS's employers say it in the same words (one check).
    assert "Dette er ikke et gyldig norsk organisasjonsnummer (9 siffer" in response.content.decode()
    assert client.post(url, {"confirm": "1"}).status_code == 400
    assert client.post(url, {"file": _csv("foo,bar\n1,2\n")}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert client_for(Role.PAYROLL).post(url, {}).status_code == 403


def test_an_excel_file_can_be_imported(client_for, site):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "sector", "organisation_number"])
    sheet.append(["Trondheim kommune park", "municipal", "974760673"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("kunder.xlsx", buffer.getvalue())
    client = client_for(Role.WORK_LEADER)
    assert client.post(reverse("jobs:customer_import"), {"file": upload}).status_code == 200
    assert client.post(reverse("jobs:customer_import"), {"confirm": "1"}).status_code == 302
    assert Customer.objects.get().sector == "municipal"


def _task_post(customer, **extra):
    data = {
        "customer": customer.pk,
        "description": "Raking",
        "date": "2026-11-18",
        "starts_at": "09:00",
        "ends_at": "13:00",
        "workers_min": "1",
        "workers_max": "4",
        "category": "garden",
        "price_kind": "per_hour",
        "price": "450",
        "status": "planned",
    }
    data.update(extra)
    return data


def test_tasks_are_created_with_a_repeat_rule_and_bad_input_refused(client_for, site):
    customer = CustomerFactory(site=site)
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:task_new")
    assert client.get(url).status_code == 200
    assert client.post(url, _task_post(customer, ends_at="08:00")).status_code == 400
    assert client.post(url, _task_post(customer, workers_min="5", workers_max="2")).status_code == 400
    assert client.post(url, _task_post(customer, price="-5")).status_code == 400
    assert client.post(url, _task_post(customer, date="i morgen")).status_code == 400
    assert not Task.objects.exists()
    repeat = _task_post(customer, repeat_weekdays=["2"], repeat_until="2026-12-02")
    assert client.post(url, repeat).status_code == 302
    assert Task.objects.count() == 3
    assert client.get(reverse("jobs:task_list")).status_code == 200
    assert client_for(Role.FRONT_DESK).post(url, _task_post(customer)).status_code == 403


def test_a_cleaning_task_warns_when_the_site_has_no_cleaning_approval(client_for, site):
    customer = CustomerFactory(site=site)
    response = client_for(Role.WORK_LEADER).post(
        reverse("jobs:task_new"), _task_post(customer, category="cleaning"), follow=True
    )
    assert "renholdsregister" in response.content.decode().lower()


def test_an_invoiced_task_needs_a_reason_to_change(client_for, site):
    task = TaskFactory(customer=CustomerFactory(site=site), date=DAY, status="invoiced")
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:task_edit", args=[task.pk])
    assert client.post(url, _task_post(task.customer, description="Ny", status="invoiced")).status_code == 400
    ok = client.post(url, _task_post(task.customer, description="Ny", status="invoiced", reason="Skrivefeil"))
    assert ok.status_code == 302
    assert TaskChange.objects.get().reason == "Skrivefeil"


def test_the_invoice_basis_adds_hours_times_price_fixed_prices_and_vat(client_for, site):
    customer = CustomerFactory(site=site)
    hourly = TaskFactory(customer=customer, date=DAY, price=Decimal("400.00"))
    fixed = TaskFactory(customer=customer, date=DAY, price_kind="fixed", price=Decimal("1000.00"))
    TaskFactory(customer=customer, date=DAY, status="cancelled", price_kind="fixed", price=Decimal("999"))
    for _ in range(2):
        AssignmentFactory(visit=VisitFactory(participant__site=site, date=DAY), task=hourly)  # 3.5 h each
    AssignmentFactory(visit=VisitFactory(participant__site=site, date=DAY), task=fixed)
    basis = invoice_basis(customer=customer, month=DAY)
    assert basis.net == Decimal("3800.00")  # 7 h × 400 + 1000
    assert basis.vat == Decimal("950.00")
    assert basis.total == Decimal("4750.00")
    client = client_for(Role.WORK_LEADER)
    query = {"customer": customer.pk, "month": "2026-11"}
    assert client.get(reverse("jobs:invoice"), query).status_code == 200
    csv_response = client.get(reverse("jobs:invoice"), {**query, "format": "csv"})
    assert "4750.00" in csv_response.content.decode()
    pdf = client.get(reverse("jobs:invoice"), {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("jobs:invoice"), {"customer": "x", "month": "nov"}).status_code == 400
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:invoice")).status_code == 403
    assert Assignment.objects.count() == 3
    assert timezone.localdate() == DAY


def test_the_invoice_basis_pdf_is_norwegian_whatever_the_staff_members_language(client_for, site):
    customer = CustomerFactory(site=site, name="Lia borettslag")
    TaskFactory(customer=customer, date=DAY, status="done", price_kind="fixed", price=Decimal("1000.00"))
    client = client_for(Role.WORK_LEADER)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    query = {"customer": customer.pk, "month": "2026-11", "format": "pdf"}
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=client.get(reverse("jobs:invoice"), query).content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Fakturagrunnlag" in text and "Invoice basis" not in text
    assert "Lia borettslag" in text
    # The page itself follows the switcher.
    assert (
        "Invoice basis" in client.get(reverse("jobs:invoice"), {**query, "format": "html"}).content.decode()
    )


def test_done_tasks_of_a_month_are_marked_invoiced_once(client_for, site):
    customer = CustomerFactory(site=site)
    done = TaskFactory(customer=customer, date=DAY, status="done")
    planned = TaskFactory(customer=customer, date=DAY, status="planned")
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:invoice_mark")
    assert client.post(url, {"customer": customer.pk, "month": "2026-11"}).status_code == 302
    done.refresh_from_db()
    planned.refresh_from_db()
    assert (done.status, planned.status) == ("invoiced", "planned")
    # the task's history has the change and who made it (a QuerySet.update() used to leave none,
    # so the manager's history page showed "done")
    latest = done.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user.username) == ("invoiced", "leader")
    assert client.post(url, {"customer": customer.pk, "month": "2026-11"}).status_code == 400
    assert client.post(url, {"customer": "", "month": "x"}).status_code == 400
    assert (
        client_for(Role.FRONT_DESK).post(url, {"customer": customer.pk, "month": "2026-11"}).status_code
        == 403
    )
    assert client.get(url).status_code == 405
