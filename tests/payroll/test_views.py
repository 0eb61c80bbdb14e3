"""The payroll pages: the day's pay, confirming, correcting, tax cards, PDFs; who may see what."""

import datetime
import subprocess
import uuid
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from dagsverket.models import AccessLog
from dagsverket.roles import Role
from jobs.models import Task
from payroll.models import Payout, Payslip, TaxCard
from tests.factories import AssignmentFactory, ParticipantFactory, TaxCardFactory, VisitFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tests"


@pytest.fixture
def signed_off(site, wage_rate, frozen_day):
    """Two people with signed-off work today (4 h 09-13 with a 30 minute break = 3.5 h each)."""
    people = []
    for name, account in (("Kari", "12345678903"), ("Per", "")):
        visit = VisitFactory(
            participant=ParticipantFactory(
                site=site,
                name=name,
                bank_account=account,
                birth_date=datetime.date(1985, 1, 1),
                national_id="01017012345",
            ),
            site=site,
            date=DAY,
        )
        assignment = AssignmentFactory(visit=visit)
        Task.objects.filter(pk=assignment.task_id).update(
            signed_off_at=datetime.datetime(2026, 3, 10, 13, 30, tzinfo=datetime.UTC)
        )
        people.append(visit.participant)
    return people


def _prepare(client_for):
    return client_for(Role.PAYROLL).post(reverse("payroll:day_prepare", kwargs={"day": DAY}))


def test_the_days_pay_screen_makes_payslips_from_signed_off_hours(client_for, signed_off):
    client = client_for(Role.PAYROLL)
    page = client.get(reverse("payroll:day", kwargs={"day": DAY}))
    assert page.status_code == 200
    # before: both are listed as signed-off work without a payslip, with the button to make them
    waiting = page.content.decode().split("<h2>", 2)[1]
    assert "Kari" in waiting and "Per" in waiting
    assert reverse("payroll:day_prepare", kwargs={"day": DAY}) in waiting
    response = _prepare(client_for)
    assert response.status_code == 302
    slips = Payslip.objects.order_by("participant__name")
    assert [slip.participant.name for slip in slips] == ["Kari", "Per"]
    assert slips[0].gross == D("525.00")  # 3.5 h × 150
    assert slips[0].lines.get().hours == D("3.50")
    page = client.get(reverse("payroll:today"))
    assert page.status_code == 200
    assert "525,00" in page.content.decode()


def test_confirming_a_payout_twice_with_the_same_nonce_pays_once(client_for, signed_off):
    _prepare(client_for)
    slip = Payslip.objects.get(participant__name="Kari")
    client = client_for(Role.PAYROLL)
    data = {"method": "bank", "nonce": uuid.uuid4().hex, "shown_amount": slip.amount_due}
    url = reverse("payroll:payslip_confirm", kwargs={"pk": slip.pk})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Payout.objects.count() == 1
    response = client.post(url, {"method": "cash", "nonce": uuid.uuid4().hex})
    assert response.status_code == 400
    assert Payout.objects.count() == 1


def test_bank_transfer_without_an_account_is_refused_with_400(client_for, signed_off):
    _prepare(client_for)
    slip = Payslip.objects.get(participant__name="Per")
    url = reverse("payroll:payslip_confirm", kwargs={"pk": slip.pk})
    response = client_for(Role.PAYROLL).post(
        url, {"method": "bank", "nonce": "x1", "shown_amount": slip.amount_due}
    )
    assert response.status_code == 400
    assert "Personen har ikke bankkonto" in response.content.decode()
    assert not Payout.objects.exists()
    assert client_for(Role.PAYROLL).post(url, {"method": "teleport", "nonce": "x2"}).status_code == 400
    assert not Payout.objects.exists()


def test_correcting_reverses_and_makes_a_new_draft(client_for, signed_off):
    _prepare(client_for)
    slip = Payslip.objects.get(participant__name="Per")
    client = client_for(Role.PAYROLL)
    client.post(
        reverse("payroll:payslip_confirm", kwargs={"pk": slip.pk}),
        {"method": "cash", "nonce": "n", "shown_amount": slip.amount_due},
    )
    url = reverse("payroll:payslip_correct", kwargs={"pk": slip.pk})
    assert client.post(url, {"reason": ""}).status_code == 400
    assert Payslip.objects.count() == 2
    assert client.post(url, {"reason": "Wrong task"}).status_code == 302
    assert Payslip.objects.filter(kind="reversal", reverses=slip).count() == 1
    new = Payslip.objects.get(corrects=slip)
    assert new.amount_due == D("0.00") and not new.is_paid
    # correcting it again, with a reason: refused for what it is, not for a missing reason
    again = client.post(url, {"reason": "Wrong task"})
    assert again.status_code == 400
    body = again.content.decode()
    assert "Denne lønnsslippen er allerede tilbakeført." in body
    assert "Oppgi årsaken til korrigeringen." not in body


@pytest.mark.parametrize(
    ("name", "method", "url_name", "kwargs"),
    [
        ("today", "get", "payroll:today", {}),
        ("day", "get", "payroll:day", {"day": DAY}),
        ("prepare", "post", "payroll:day_prepare", {"day": DAY}),
        ("cash", "get", "payroll:cash_box", {"day": DAY}),
        ("month", "get", "payroll:month_report", {"year": 2026, "month": 3}),
        ("year", "get", "payroll:year_report", {"year": 2026}),
        ("year_csv", "get", "payroll:year_report_csv", {"year": 2026}),
    ],
)
def test_pages_need_payroll_rights(client_for, site, name, method, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    anonymous = getattr(client_for(None), method)(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    for role in (Role.FRONT_DESK, Role.WORK_LEADER, Role.EVALUATOR):
        assert getattr(client_for(role), method)(url).status_code == 403
    wrong = client_for(Role.PAYROLL).delete(url)
    assert wrong.status_code == 405


def test_confirm_rejects_get_and_other_roles(client_for, draft):
    url = reverse("payroll:payslip_confirm", kwargs={"pk": draft.pk})
    assert client_for(Role.PAYROLL).get(url).status_code == 405
    assert client_for(Role.WORK_LEADER).post(url, {"method": "cash", "nonce": "a"}).status_code == 403
    assert client_for(None).post(url, {"method": "cash", "nonce": "a"}).status_code == 302
    assert not Payout.objects.exists()


def test_a_payslip_at_another_site_is_not_found(client_for, other_site, wage_rate):
    from payroll.engine import hourly_line
    from payroll.services import payslip_prepare

    stranger = ParticipantFactory(site=other_site)
    slip = payslip_prepare(
        site=other_site, participant=stranger, day=DAY, lines=[hourly_line("x", D("1"), D("150"))]
    )
    assert (
        client_for(Role.PAYROLL).get(reverse("payroll:payslip_pdf", kwargs={"pk": slip.pk})).status_code
        == 404
    )


def test_entering_a_tax_card_logs_who_read_the_national_id(client_for, person, frozen_day):
    person.national_id = "01017012345"
    person.save()
    client = client_for(Role.PAYROLL)
    url = reverse("payroll:participant", kwargs={"pk": person.pk})
    page = client.get(url)
    assert "01017012345" in page.content.decode()
    assert "Utbetalt i 2026" in page.content.decode()  # a year, not "2 026"
    assert AccessLog.objects.filter(participant=person, what="national_id_tax_card").count() == 1
    bad = client.post(
        url, {"year": 2026, "kind": "frikort", "source": "Skatteetaten", "received_on": "2026-01-05"}
    )
    assert bad.status_code == 400
    assert not TaxCard.objects.exists()
    ok = client.post(
        url,
        {
            "year": 2026,
            "kind": "frikort",
            "frikort_amount": "60000",
            "source": "Skatteetaten",
            "received_on": "2026-01-05",
        },
    )
    assert ok.status_code == 302
    assert TaxCard.objects.get().frikort_amount == D("60000")
    above = client.post(
        url,
        {
            "year": 2026,
            "kind": "frikort",
            "frikort_amount": "150000",
            "source": "x",
            "received_on": "2026-01-05",
        },
    )
    assert above.status_code == 400
    assert client.put(url).status_code == 405


def test_payroll_only_data_never_reaches_other_roles(client_for, person, signed_off):
    TaxCardFactory(participant=person)
    url = reverse("payroll:participant", kwargs={"pk": person.pk})
    for role in (Role.FRONT_DESK, Role.WORK_LEADER, Role.EVALUATOR):
        assert client_for(role).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    # the pages other roles can open do not show national IDs or bank accounts
    for role, path in (
        (Role.FRONT_DESK, "/checkin/"),
        (Role.WORK_LEADER, "/jobs/"),
        (Role.MANAGER, "/manage/"),
    ):
        response = client_for(role).get(path, follow=True)
        body = response.content.decode()
        assert "01017012345" not in body and "12345678903" not in body
    csv_url = reverse("payroll:month_report_csv", kwargs={"year": 2026, "month": 3})
    assert client_for(Role.WORK_LEADER).get(csv_url).status_code == 403
    assert not AccessLog.objects.filter(what="national_id_tax_card").exists()


def _pdftotext(content: bytes, tmp_path, name="out") -> str:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_days_payslips_come_as_one_pdf_with_a_page_per_person(client_for, signed_off, tmp_path):
    TaxCardFactory(participant=signed_off[0], frikort_amount=D("70000"))
    _prepare(client_for)
    client = client_for(Role.PAYROLL)
    kari = Payslip.objects.get(participant__name="Kari")
    client.post(
        reverse("payroll:payslip_confirm", kwargs={"pk": kari.pk}),
        {"method": "bank", "nonce": "k", "shown_amount": kari.amount_due},
    )
    response = client.get("/payroll/2026-03-10/payslips.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdftotext(response.content, tmp_path)
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) == 2
    first = pages[0]
    for expected in (
        "Lønnsslipp",
        "Dagsverket Trondheim",
        "974760673",
        "10.03.2026",
        "3,5",
        "150,00",
        "525,00",
        "10,2",
        "53,55",  # holiday pay 10.2 % of 525
        "578,55",
        "frikort",
        "Bankoverføring",
    ):
        assert expected in first, expected
    # a page rendered to PNG to look at: docs/screenshots/tests/payroll-payslip.png
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "payroll-payslip"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(tmp_path / "out.pdf"), str(target)], check=True
    )
    assert target.with_suffix(".png").stat().st_size > 10_000


def test_a_day_without_payslips_has_no_pdf(client_for, site, frozen_day):
    assert client_for(Role.PAYROLL).get("/payroll/2026-03-09/payslips.pdf").status_code == 404
    assert client_for(Role.PAYROLL).get("/payroll/2026-02-30/payslips.pdf").status_code == 404


def test_hours_corrected_after_payment_are_flagged_and_a_correction_pays_the_difference(
    client_for, signed_off, staff, time_machine
):
    from jobs.models import Assignment
    from jobs.services import hours_correct

    _prepare(client_for)
    client = client_for(Role.PAYROLL)
    slip = Payslip.objects.get(participant__name="Per")
    client.post(
        reverse("payroll:payslip_confirm", kwargs={"pk": slip.pk}),
        {"method": "cash", "nonce": "p", "shown_amount": slip.amount_due},
    )
    time_machine.move_to(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC), tick=False)
    assignment = Assignment.objects.get(participant__name="Per")
    hours_correct(
        assignment=assignment,
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(14, 0),
        break_minutes=30,
        reason="Stayed an hour longer",
        by=staff[Role.WORK_LEADER],
    )
    page = client.get(reverse("payroll:day", kwargs={"day": DAY}))
    assert "Timer korrigert etter utbetaling" in page.content.decode()
    client.post(reverse("payroll:payslip_correct", kwargs={"pk": slip.pk}), {"reason": "Hours corrected"})
    new = Payslip.objects.get(corrects=slip)
    assert new.gross == D("675.00")  # 4.5 h × 150
    assert new.amount_due == new.net - slip.net


def test_the_days_pay_screen_runs_the_same_queries_for_3_or_6_payslips(
    client_for, site, wage_rate, frozen_day
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payroll.engine import hourly_line
    from payroll.services import payslip_prepare

    client = client_for(Role.PAYROLL)
    url = reverse("payroll:today")
    client.get(url)  # a session's first request also refreshes its expiry: not what is counted here
    counts = []
    for _round in range(2):
        for _ in range(3):
            person = ParticipantFactory(site=site)
            payslip_prepare(
                site=site, participant=person, day=DAY, lines=[hourly_line("x", D("2"), D("150"))]
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "method"),
    [
        ("payroll:payslip_pdf", {"pk": 1}, "post"),
        ("payroll:day_pdf", {"day": DAY}, "post"),
        ("payroll:payslip_reverse", {"pk": 1}, "get"),
        ("payroll:payslip_correct", {"pk": 1}, "get"),
        ("payroll:day_prepare", {"day": DAY}, "get"),
        ("payroll:month_report_csv", {"year": 2026, "month": 3}, "post"),
        ("payroll:month_report_pdf", {"year": 2026, "month": 3}, "post"),
    ],
)
def test_payroll_views_reject_the_wrong_method(client_for, site, url_name, kwargs, method):
    assert getattr(client_for(Role.PAYROLL), method)(reverse(url_name, kwargs=kwargs)).status_code == 405


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("payroll:payslip_pdf", {"pk": 1}),
        ("payroll:day_pdf", {"day": DAY}),
        ("payroll:month_report_pdf", {"year": 2026, "month": 3}),
        ("payroll:participant", {"pk": 1}),
    ],
)
def test_payroll_documents_are_for_payroll_only(client_for, site, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    assert client_for(None).get(url).status_code == 302
    for role in (Role.FRONT_DESK, Role.WORK_LEADER, Role.EVALUATOR):
        assert client_for(role).get(url).status_code == 403


def test_the_days_pay_warns_when_a_person_passes_80_percent_of_their_frikort(
    client_for, site, person, wage_rate
):
    from payroll.engine import hourly_line
    from payroll.services import payslip_prepare

    TaxCardFactory(participant=person, frikort_amount=D("1200"))
    payslip_prepare(site=site, participant=person, day=DAY, lines=[hourly_line("x", D("6"), D("150"))])
    page = client_for(Role.PAYROLL).get(reverse("payroll:day", kwargs={"day": DAY}))
    assert "Frikort over 80 %" in page.content.decode()  # 991.80 of 1 200 used


def test_work_reversed_as_not_owed_does_not_become_payable_again(client_for, signed_off, staff):
    from payroll.services import payout_confirm, payslip_reverse, payslips_prepare_day

    _prepare(client_for)
    per = Payslip.objects.get(participant__name="Per")
    payout_confirm(payslip=per, method="cash", nonce="p1", by=staff[Role.PAYROLL])
    payslip_reverse(payslip=per, reason="Not owed: left before starting", by=staff[Role.PAYROLL])
    # preparing the day again makes no new draft for Per (Kari's draft is refreshed)
    slips = payslips_prepare_day(site=per.site, day=DAY)
    assert [slip.participant.name for slip in slips] == ["Kari"]
    assert not Payslip.objects.filter(participant__name="Per", paid_at__isnull=True).exists()


def test_a_correction_keeps_its_link_when_the_day_is_prepared_again(client_for, signed_off, staff):
    from payroll.services import payout_confirm, payslip_correct, payslips_prepare_day

    _prepare(client_for)
    per = Payslip.objects.get(participant__name="Per")
    payout_confirm(payslip=per, method="cash", nonce="p1", by=staff[Role.PAYROLL])
    payslip_correct(payslip=per, reason="Wrong task", by=staff[Role.PAYROLL])
    payslips_prepare_day(site=per.site, day=DAY)
    draft = Payslip.objects.get(participant__name="Per", paid_at__isnull=True)
    assert draft.corrects == per and draft.previously_paid == per.net


def test_payroll_reaches_any_day_month_and_year_from_the_pages(client_for, staff, site, frozen_day):
    from payroll.models import MonthFiling

    client = client_for(Role.PAYROLL)
    day = client.get(reverse("payroll:day", kwargs={"day": DAY})).content.decode()
    assert "/payroll/2026-03-09/" in day and "/payroll/2026-03-11/" in day and 'type="date"' in day
    cash = client.get(reverse("payroll:cash_box", kwargs={"day": DAY})).content.decode()
    assert "/payroll/2026-03-09/cash/" in cash
    picked = client.get(reverse("payroll:today"), {"day": "2025-11-28", "go": "cash"})
    assert picked.status_code == 302 and picked.url == "/payroll/2025-11-28/cash/"
    assert client.get(reverse("payroll:today"), {"day": "2025-02-30"}).status_code == 400
    MonthFiling.objects.create(
        employer="974760673", year=2026, month=2, rows=[], filed_by=staff[Role.PAYROLL]
    )
    reports = client.get(reverse("payroll:reports"))
    assert reports.status_code == 200
    page = reports.content.decode()
    assert "/payroll/reports/2026/1/" in page and "/payroll/reports/2026/12/" in page
    assert page.count("Rapportert") == 1 and page.count("Åpen") == 11
    month = client.get(reverse("payroll:reports"), {"month": "2025-11"})
    assert month.status_code == 302 and month.url == "/payroll/reports/2025/11/"
    assert client.get(reverse("payroll:reports"), {"month": "2025-13"}).status_code == 400
    assert client.get(reverse("payroll:reports"), {"year": "x"}).status_code == 400
    november = client.get("/payroll/reports/2025/11/").content.decode()
    assert "/payroll/reports/2025/10/" in november and "/payroll/reports/2025/12/" in november
    year = client.get("/payroll/reports/2026/").content.decode()
    assert "/payroll/reports/2026/7/" in year and "/payroll/reports/2025/" in year


def test_the_report_warns_about_a_missing_national_id_and_payroll_fixes_it(
    client_for, site, staff, frozen_day
):
    from dagsverket.models import ActivityLog
    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_prepare

    person = ParticipantFactory(site=site, name="Uten", national_id="")
    slip = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("2"), D("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce="u1", by=staff[Role.PAYROLL])
    client = client_for(Role.PAYROLL)
    report = "/payroll/reports/2026/3/"
    page = client.get(report).content.decode()
    fix = f"/payroll/participant/{person.pk}/?next=/payroll/reports/2026/3/"
    assert "har ikke fødselsnummer" in page and fix in page
    url = reverse("payroll:participant", kwargs={"pk": person.pk})
    # a wrong check digit (the valid number is 01017010170): 400, nothing written
    bad = client.post(url, {"action": "ids", "ids-national_id": "01017010171", "next": report})
    assert bad.status_code == 400
    person.refresh_from_db()
    assert person.national_id == ""
    ok = client.post(
        url,
        {
            "action": "ids",
            "ids-national_id": "010170 10170",
            "ids-bank_account": "1234.56.78903",
            "next": report,
        },
    )
    assert ok.status_code == 302 and ok.url == report
    person.refresh_from_db()
    assert (person.national_id, person.bank_account) == ("01017010170", "12345678903")
    logged = ActivityLog.objects.filter(action="participant_update").latest("pk")
    assert "national_id" in str(logged.__dict__) and "01017010170" not in str(logged.__dict__)
    assert "har ikke fødselsnummer" not in client.get(report).content.decode()
    assert client_for(Role.FRONT_DESK).post(url, {"action": "ids", "ids-national_id": ""}).status_code == 403
    # an outside address is never a place to go back to
    away = client.post(
        url, {"action": "ids", "ids-national_id": "01017010170", "next": "https://evil.example/"}
    )
    assert away.status_code == 302 and away.url == url


def test_a_reversal_and_a_repayment_say_so_on_the_payslip(client_for, site, person, draft, staff, tmp_path):
    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_correct

    payout_confirm(payslip=draft, method="card", nonce="r1", by=staff[Role.PAYROLL])
    # 6 h paid (net 496.80); corrected to 2 h: 300 + 30.60 = 330.60, half is 165.30, withheld 165:
    # net 165.60, so 496.80 - 165.60 = 331.20 was paid too much and is owed back
    new = payslip_correct(
        payslip=draft,
        reason="2 hours, not 6",
        by=staff[Role.PAYROLL],
        lines=[hourly_line("Snow", D("2"), D("150"))],
    )
    assert new.amount_due == D("-331.20")
    client = client_for(Role.PAYROLL)
    text = _pdftotext(
        client.get(reverse("payroll:payslip_pdf", kwargs={"pk": new.pk})).content, tmp_path, "new"
    )
    assert "Å betale tilbake" in text and "331,20" in text
    reversal = Payslip.objects.get(reverses=draft)
    text = _pdftotext(
        client.get(reverse("payroll:payslip_pdf", kwargs={"pk": reversal.pk})).content, tmp_path
    )
    # the 495 withheld is given back, shown as such and not as a new withholding
    assert "gitt tilbake" in text and "495,00" in text


def test_the_payslip_shows_the_holiday_pay_so_far_this_year_and_the_bank_account_masked(
    client_for, signed_off, staff, tmp_path
):
    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_prepare

    kari = signed_off[0]
    # Kari was paid the day before: 4 h × 150 = 600.00, holiday pay 10.2 % = 61.20
    earlier = payslip_prepare(
        site=kari.site,
        participant=kari,
        day=DAY - datetime.timedelta(days=1),
        lines=[hourly_line("Raking", D("4"), D("150"))],
    )
    payout_confirm(payslip=earlier, method="card", nonce="earlier", by=staff[Role.PAYROLL])
    _prepare(client_for)
    client = client_for(Role.PAYROLL)
    today = Payslip.objects.get(participant=kari, date=DAY)
    client.post(
        reverse("payroll:payslip_confirm", kwargs={"pk": today.pk}),
        {"method": "bank", "nonce": "k", "shown_amount": today.amount_due},
    )
    text = _pdftotext(client.get("/payroll/2026-03-10/payslips.pdf").content, tmp_path)
    kari_page, per_page = (page for page in text.split("\f") if page.strip())
    # Today 3.5 h × 150 = 525.00, holiday pay 10.2 % = 53.55.
    # So far this year: basis 600.00 + 525.00 = 1 125.00; holiday pay 61.20 + 53.55 = 114.75
    assert _line_with("Feriepengegrunnlag", kari_page).endswith("1 125,00")
    assert _line_with("Feriepenger opptjent", kari_page).endswith("114,75")
    # Bank account 12345678903, only its last four digits shown
    assert "•••• •• 8903" in kari_page and "12345678903" not in kari_page
    # Per's draft, nothing paid before: 525.00 and 53.55 so far, and no account (not paid by bank)
    assert _line_with("Feriepengegrunnlag", per_page).endswith("525,00")
    assert _line_with("Feriepenger opptjent", per_page).endswith("53,55")
    assert "••••" not in per_page
    # Reprinting yesterday's paid slip shows only what was paid up to it: 600.00 and 61.20
    old = _pdftotext(
        client.get(reverse("payroll:payslip_pdf", kwargs={"pk": earlier.pk})).content, tmp_path, "old"
    )
    assert _line_with("Feriepengegrunnlag", old).endswith("600,00")
    assert _line_with("Feriepenger opptjent", old).endswith("61,20")
    assert "••••" not in old  # paid on a card


def _line_with(label: str, text: str) -> str:
    return next(line for line in text.replace("\u00a0", " ").splitlines() if label in line).rstrip()
