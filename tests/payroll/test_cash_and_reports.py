"""The cash box (two people close it, a difference needs a reason) and the monthly report."""

import datetime
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import CashBox, CashMovement, SitePayrollSettings
from payroll.reports import due_date, monthly_report
from payroll.services import payout_confirm, payslip_prepare
from tests.factories import ParticipantFactory, SiteFactory, TaxCardFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tests"


@pytest.fixture
def paid_cash(draft, staff, frozen_day):
    # cash belongs to the day it is handed over: pay on the frozen day
    return payout_confirm(payslip=draft, method="cash", nonce="cash-1", by=staff[Role.PAYROLL])


def _post(client, action, **data):
    url = reverse("payroll:cash_box", kwargs={"day": DAY})
    return client.post(url, {"action": action, **{f"{action}-{k}": v for k, v in data.items()}})


def test_the_cash_box_counts_float_movements_and_cash_payouts(client_for, staff, paid_cash, frozen_day):
    client = client_for(Role.PAYROLL)
    assert _post(client, "float", opening_float="2000").status_code == 302
    assert _post(client, "movement", amount="-100", reason="Coffee for the crew").status_code == 302
    assert _post(client, "movement", amount="50", reason="").status_code == 400
    assert CashMovement.objects.count() == 1
    page = client.get(reverse("payroll:cash_box", kwargs={"day": DAY}))
    assert page.status_code == 200
    assert page.context["expected"] == D("2000") - D("100") - D("496.80")


def test_closing_needs_a_second_staff_member_and_an_explained_difference(
    client_for, staff, paid_cash, frozen_day
):
    client = client_for(Role.PAYROLL)
    _post(client, "float", opening_float="2000")
    # the same person twice
    same = _post(client, "close", counted="1504.10", witness_username="payroll", witness_password="demo")
    assert same.status_code == 400
    wrong = _post(client, "close", counted="1504.10", witness_username="manager", witness_password="nope")
    assert wrong.status_code == 400
    short = _post(client, "close", counted="1500", witness_username="manager", witness_password="demo")
    assert short.status_code == 400
    assert not CashBox.objects.get().is_closed
    ok = _post(
        client,
        "close",
        counted="1500",
        explanation="Counted twice; 3.20 short",
        witness_username="manager",
        witness_password="demo",
    )
    assert ok.status_code == 302
    box = CashBox.objects.get()
    assert box.is_closed and box.difference == D("-3.20")  # 1 500 - (2 000 - 496.80)
    assert box.closed_by == staff[Role.PAYROLL] and box.witnessed_by == staff[Role.MANAGER]
    assert _post(client, "movement", amount="5", reason="late").status_code == 400


def test_an_unknown_cash_box_action_is_a_bad_request(client_for, site, frozen_day):
    response = client_for(Role.PAYROLL).post(
        reverse("payroll:cash_box", kwargs={"day": DAY}), {"action": "steal"}
    )
    assert response.status_code == 400
    assert not CashBox.objects.exists()


@pytest.mark.parametrize(("year", "month", "due"), [(2026, 3, "2026-04-05"), (2026, 12, "2027-01-05")])
def test_the_monthly_report_is_due_the_5th_of_the_next_month(year, month, due):
    assert due_date(year, month) == datetime.date.fromisoformat(due)


def test_the_monthly_report_sums_per_person_and_flags_small_payments(
    site, person, draft, staff, wage_rate, frozen_day
):
    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    small = ParticipantFactory(site=site, name="Åse")
    TaxCardFactory(participant=small, frikort_amount=D("70000"))
    slip = payslip_prepare(
        site=site, participant=small, day=DAY, lines=[hourly_line("Raking", D("2"), D("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce="b", by=staff[Role.PAYROLL])
    rows, settings = monthly_report(site=site, year=2026, month=3)
    assert settings.employer_contribution_rate == D("14.10")
    by_name = {row.name: row for row in rows}
    ola = by_name["Ola"]
    assert (ola.gross, ola.holiday_pay, ola.tax, ola.contribution_base) == (
        D("900.00"),
        D("91.80"),
        D("495.00"),
        D("991.80"),
    )
    assert ola.contribution == D("139.84")  # 14.1 % of 991.80 = 139.8438
    assert not ola.below_threshold  # tax was withheld
    assert by_name["Åse"].below_threshold  # 330.60 a year so far, no tax
    assert monthly_report(site=site, year=2026, month=4)[0] == []


def test_a_charity_is_exempt_while_the_worker_stays_under_the_limit(site, person, draft, staff, frozen_day):
    from payroll.models import YearSettings

    SitePayrollSettings.objects.update_or_create(site=site, defaults={"charity_exempt": True})
    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    # 991.80 paid, at or under the NOK 80 000 per worker: no contribution at all
    (row,), _settings = monthly_report(site=site, year=2026, month=3)
    assert (row.contribution_exempt, row.contribution) == (D("991.80"), D("0.00"))
    # with a limit of 500 the threshold is passed: 14.1 % of all 991.80 = 139.84 (not of 491.80)
    YearSettings.objects.filter(year=2026).update(charity_exemption_per_employee=D("500"))
    (row,), _settings = monthly_report(site=site, year=2026, month=3)
    assert (row.contribution_exempt, row.contribution) == (D("0.00"), D("139.84"))


def test_the_report_pages_csv_and_pdf(client_for, draft, staff, frozen_day, person, tmp_path):
    person.national_id = "01017012345"
    person.save()
    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    client = client_for(Role.PAYROLL)
    page = client.get(reverse("payroll:month_report", kwargs={"year": 2026, "month": 3}))
    assert page.status_code == 200 and "05.04.2026" in page.content.decode()
    response = client.get(reverse("payroll:month_report_csv", kwargs={"year": 2026, "month": 3}))
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel needs for æ, ø, å
    lines = raw.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Navn;Fødselsnummer;Bruttolønn")
    assert lines[1].startswith("Ola;01017012345;900,00;91,80;495,00;991,80;0,00;0,00;139,84")
    pdf = client.get(reverse("payroll:month_report_pdf", kwargs={"year": 2026, "month": 3}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Månedsrapport", "mars 2026", "974760673", "05.04.2026", "Ola", "991,80", "139,84"):
        assert expected in text, expected
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(SCREENSHOTS / "payroll-month")],
        check=True,
    )
    assert client.get(reverse("payroll:month_report", kwargs={"year": 2026, "month": 13})).status_code == 404
    year = client.get(reverse("payroll:year_report", kwargs={"year": 2026}))
    assert year.status_code == 200 and "495,00" in year.content.decode()


def test_the_year_summary_as_csv(client_for, draft, staff, frozen_day):
    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    url = reverse("payroll:year_report_csv", kwargs={"year": 2026})
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert client_for(Role.FRONT_DESK).get(url).status_code == 403
    response = client_for(Role.PAYROLL).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="arsoversikt-2026.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel needs for æ, ø, å
    header, ola, *rest = content.decode("utf-8-sig").strip().splitlines()
    assert header == "Navn;Fullt navn;Dager utbetalt;Brutto;Feriepenger;Forskuddstrekk;Netto utbetalt"
    # 6 h × 150 = 900.00; holiday pay 10.2 % = 91.80; no tax card: 50 % of 991.80 = 495.90, whole
    # kroner down 495.00; net 991.80 − 495.00 = 496.80
    assert ola == "Ola;Ola Nordmann;1;900,00;91,80;495,00;496,80"
    assert rest == []
    page = client_for(Role.PAYROLL).get(reverse("payroll:year_report", kwargs={"year": 2026}))
    assert url in page.content.decode()


def _sheet(content: bytes) -> list[list]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_year_summary_and_the_month_as_xlsx_with_formulas_kept_as_text(
    client_for, draft, staff, frozen_day, person
):
    # a name typed as a formula must reach the spreadsheet as text, never run
    person.name, person.full_name, person.national_id = "=HYPERLINK(1)", "@SUM(A1)", "01017012345"
    person.save()
    payout_confirm(payslip=draft, method="cash", nonce="a", by=staff[Role.PAYROLL])
    client = client_for(Role.PAYROLL)
    url = reverse("payroll:year_report_xlsx", kwargs={"year": 2026})
    assert client_for(Role.FRONT_DESK).get(url).status_code == 403
    response = client.get(url)
    assert (
        response.status_code == 200 and 'filename="arsoversikt-2026.xlsx"' in response["Content-Disposition"]
    )
    header, ola, *rest = _sheet(b"".join(response.streaming_content))
    assert header[:3] == ["Navn", "Fullt navn", "Dager utbetalt"]
    # 900.00 gross, 91.80 holiday pay, 495.00 withheld, 496.80 net (as in the CSV), as numbers
    assert ola == ["'=HYPERLINK(1)", "'@SUM(A1)", 1, 900, 91.8, 495, 496.8]
    assert rest == []
    month = client.get(reverse("payroll:month_report_xlsx", kwargs={"year": 2026, "month": 3}))
    header, ola, *rest = _sheet(b"".join(month.streaming_content))
    assert header[:2] == ["Navn", "Fødselsnummer"]
    # 991.80 × 14.1 % = 139.84 employer's contribution
    assert ola[:3] == ["'=HYPERLINK(1)", "01017012345", 900] and ola[8] == 139.84
    assert rest == []
    csv_text = b"".join(
        client.get(reverse("payroll:month_report_csv", kwargs={"year": 2026, "month": 3})).streaming_content
    ).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("'=HYPERLINK(1);01017012345;900,00")


def test_the_year_summary_as_a_pdf_with_a_page_per_worker(
    client_for, draft, staff, frozen_day, person, site, tmp_path
):
    import time_machine

    payer = staff[Role.PAYROLL]
    kari = ParticipantFactory(
        site=site, name="Kari", full_name="Kari Hansen", birth_date=datetime.date(1985, 2, 1)
    )
    TaxCardFactory(participant=kari, frikort_amount=D("100000"))
    with time_machine.travel(datetime.datetime(2026, 2, 2, 12, tzinfo=datetime.UTC), tick=False):
        february = payslip_prepare(
            site=site,
            participant=person,
            day=datetime.date(2026, 2, 2),
            lines=[hourly_line("Raking", D("2"), D("150"))],
        )
        payout_confirm(payslip=february, method="cash", nonce="f", by=payer)
    payout_confirm(payslip=draft, method="cash", nonce="m", by=payer)
    hers = payslip_prepare(
        site=site, participant=kari, day=DAY, lines=[hourly_line("Sweeping", D("4"), D("150"))]
    )
    payout_confirm(payslip=hers, method="cash", nonce="k", by=payer)
    client = client_for(Role.PAYROLL)
    response = client.get(reverse("payroll:year_report_pdf", kwargs={"year": 2026}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "year.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # pdftotext gives the non-breaking space that groups thousands as a plain one
    kari_page, ola_page = (page.replace("\u00a0", " ") for page in text.split("\f") if page.strip())
    # Kari, March: 4 h × 150 = 600.00 + 10.2 % = 61.20 holiday pay, within the frikort: net 661.20
    assert "Kari Hansen" in kari_page and "mars" in kari_page and "661,20" in kari_page
    # Ola, February: 2 h × 150 = 300.00 + 30.60 = 330.60, 50 % = 165.30, down to 165, net 165.60;
    # March: 900.00 + 91.80 = 991.80, 495 withheld, net 496.80.
    # The year: gross 1 200.00, holiday pay 122.40, tax 660.00, net 662.40, taxable 1 322.40
    for expected in (
        "Ola Nordmann",
        "februar",
        "mars",
        "165,60",
        "496,80",
        "1 200,00",
        "122,40",
        "660,00",
        "662,40",
        "1 322,40",
    ):
        assert expected in ola_page, expected
    assert "Kari" not in ola_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "2",
            "-singlefile",
            str(path),
            str(SCREENSHOTS / "payroll-year-pdf"),
        ],
        check=True,
    )
    one = client.get(reverse("payroll:year_report_worker_pdf", kwargs={"year": 2026, "pk": kari.pk}))
    path.write_bytes(one.content)
    alone = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kari Hansen" in alone and "Ola" not in alone
    stranger = ParticipantFactory(site=SiteFactory(name="Bergen", organisation_number="987654320"))
    missing = client.get(reverse("payroll:year_report_worker_pdf", kwargs={"year": 2026, "pk": stranger.pk}))
    assert missing.status_code == 404
    assert (
        client_for(Role.FRONT_DESK).get(reverse("payroll:year_report_pdf", kwargs={"year": 2026})).status_code
        == 403
    )
