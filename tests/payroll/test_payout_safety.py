"""A payout never differs silently from what was shown, and cash belongs to the day it is handed
over. The expected figures are worked out by hand in the comments."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from dagsverket.roles import Role
from payroll.engine import WorkLine, hourly_line
from payroll.models import CashBox, Payout, Payslip, PayslipLine, SitePayrollSettings
from payroll.selectors import cash_expected
from payroll.services import PayrollError, cash_box_for, payout_confirm, payslip_prepare
from tests.factories import ParticipantFactory, TaxCardFactory, WageRateFactory

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def two_sites(site, other_site):
    for each in (site, other_site):
        WageRateFactory(site=each, amount=D("150.00"))
        SitePayrollSettings.objects.update_or_create(site=each, defaults={"holiday_pay_with_wage": False})
    return site, other_site


@pytest.fixture
def ola(site):
    person = ParticipantFactory(site=site, name="Ola")
    # frikort of 1 000 at the employer (Trondheim and Stjørdal share the organisation number)
    TaxCardFactory(participant=person, frikort_amount=D("1000"))
    return person


def _six_hours(site, person, day=DAY):
    return payslip_prepare(
        site=site, participant=person, day=day, lines=[hourly_line("Raking", D("6"), D("150"))]
    )


def test_a_payout_whose_amount_changed_since_the_preview_is_refused_then_paid_as_shown_again(
    two_sites, ola, staff
):
    trondheim, stjordal = two_sites
    payer = staff[Role.PAYROLL]
    with time_machine.travel(datetime.datetime(2026, 3, 10, 13, tzinfo=OSLO), tick=False):
        preview = _six_hours(trondheim, ola)
        # 6 × 150 = 900, all within the 1 000 frikort: nothing withheld, 900 to hand over
        assert preview.amount_due == D("900.00")
        # meanwhile Stjørdal pays him 2 hours: 300, frikort 1 000 → 700 left
        other = payslip_prepare(
            site=stjordal, participant=ola, day=DAY, lines=[hourly_line("Sweeping", D("2"), D("150"))]
        )
        payout_confirm(payslip=other, method="card", nonce="s1", by=payer)
        with pytest.raises(PayrollError) as error:
            payout_confirm(payslip=preview, method="card", nonce="t1", by=payer, shown_amount=D("900.00"))
        assert error.value.code == "amount_changed"
        assert not Payout.objects.filter(payslip=preview).exists()
        # now: 700 free, 200 above at 50 % = 100 withheld: 800 to hand over
        preview.refresh_from_db()
        assert not preview.is_paid and preview.amount_due == D("800.00")
        assert "800,00" in str(error.value.message) and "900,00" in str(error.value.message)
        payout = payout_confirm(payslip=preview, method="card", nonce="t2", by=payer, shown_amount=D("800"))
        assert payout.amount == D("800.00")


def test_the_day_page_refuses_a_changed_amount_with_400_and_shows_the_new_figures(
    client_for, two_sites, ola, staff
):
    trondheim, stjordal = two_sites
    with time_machine.travel(datetime.datetime(2026, 3, 10, 13, tzinfo=OSLO), tick=False):
        preview = _six_hours(trondheim, ola)
        other = payslip_prepare(
            site=stjordal, participant=ola, day=DAY, lines=[hourly_line("Sweeping", D("2"), D("150"))]
        )
        payout_confirm(payslip=other, method="card", nonce="s1", by=staff[Role.PAYROLL])
        client = client_for(Role.PAYROLL)
        url = reverse("payroll:payslip_confirm", kwargs={"pk": preview.pk})
        response = client.post(url, {"method": "card", "nonce": "t1", "shown_amount": "900.00"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "800,00" in page
        assert not Payout.objects.filter(payslip=preview).exists()
        # a confirmation that carries no amount is bad input, not a payout
        assert client.post(url, {"method": "card", "nonce": "t3"}).status_code == 400
        again = client.post(url, {"method": "card", "nonce": "t2", "shown_amount": "800.00"})
        assert again.status_code == 302
        assert Payout.objects.get(payslip=preview).amount == D("800.00")


def test_cash_belongs_to_the_day_it_is_handed_over(site, staff):
    WageRateFactory(site=site, amount=D("150.00"))
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    kari = ParticipantFactory(site=site, name="Kari")
    TaxCardFactory(participant=kari, frikort_amount=D("100000"))
    worked = datetime.date(2026, 3, 12)
    with time_machine.travel(datetime.datetime(2026, 3, 12, 13, tzinfo=OSLO), tick=False):
        slip = _six_hours(site, kari, day=worked)
        box = cash_box_for(site=site, day=worked)
        CashBox.objects.filter(pk=box.pk).update(
            closed_at=datetime.datetime(2026, 3, 12, 15, tzinfo=OSLO),
            closed_by=staff[Role.PAYROLL],
            witnessed_by=staff[Role.MANAGER],
        )
    with time_machine.travel(datetime.datetime(2026, 3, 13, 10, tzinfo=OSLO), tick=False):
        # the 12 March box is closed, but the cash goes out of the 13 March box: paid
        payout = payout_confirm(payslip=slip, method="cash", nonce="c1", by=staff[Role.PAYROLL])
    assert payout.date == datetime.date(2026, 3, 13)
    # 900 out of the 13 March box (6 × 150, within the frikort), nothing out of the 12th
    assert cash_expected(cash_box_for(site=site, day=datetime.date(2026, 3, 13))) == D("-900.00")
    assert cash_expected(CashBox.objects.get(site=site, date=worked)) == D("0.00")
    assert Payslip.objects.get(pk=slip.pk).date == worked


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "no_work"),
        ([WorkLine("Raking", D("-2"), D("150"), D("-300"))], "line_hours"),
        ([WorkLine("Raking", D("2"), D("150"), D("-300"))], "line_negative"),
        ([WorkLine("Raking", D("2"), D("150"), D("0"))], "line_zero"),
        # 8 h + 5 h = 13 h > 12 h for one person on one day
        (
            [hourly_line("Raking", D("8"), D("150")), hourly_line("Moving", D("5"), D("150"))],
            "too_many_hours",
        ),
        ([WorkLine("Day rate", None, D("800"), D("800"))], "day_rate_without_hours"),
    ],
)
def test_the_payslip_service_refuses_bad_lines_with_a_code_and_writes_nothing(site, lines, code):
    person = ParticipantFactory(site=site, name="Ola")
    with pytest.raises(PayrollError) as error:
        payslip_prepare(site=site, participant=person, day=DAY, lines=lines)
    assert error.value.code == code
    assert not Payslip.objects.exists()


def test_twelve_hours_and_a_day_rate_with_hours_are_accepted(site):
    person = ParticipantFactory(site=site, name="Ola")
    # 12 h × 150 = 1 800
    twelve = [hourly_line("Moving", D("12"), D("150"))]
    slip = payslip_prepare(site=site, participant=person, day=DAY, lines=twelve)
    assert slip.gross == D("1800.00")
    other = ParticipantFactory(site=site, name="Kari")
    day_rate = [WorkLine("Raking", D("4"), D("0"), D("0")), WorkLine("Day rate", None, D("800"), D("800"))]
    assert payslip_prepare(site=site, participant=other, day=DAY, lines=day_rate).gross == D("800.00")


def test_a_tax_card_for_the_main_employer_is_refused_not_guessed(site, staff):
    from payroll.services import tax_card_add

    person = ParticipantFactory(site=site, name="Ola")
    tax_card_add(
        participant=person,
        year=2026,
        kind="percentage",
        percentage=D("30"),
        main_employer=True,
        source="Skatteetaten",
        received_on=datetime.date(2026, 1, 5),
        by=staff[Role.PAYROLL],
    )
    with pytest.raises(PayrollError) as error:
        _six_hours(site, person)
    assert error.value.code == "table_not_supported"
    assert not Payslip.objects.exists()
    # a secondary employer withholds the card's percentage: 6 × 150 = 900 + 10.2 % = 991.80;
    # 30 % = 297.54, down to whole kroner 297
    tax_card_add(
        participant=person,
        year=2026,
        kind="percentage",
        percentage=D("30"),
        source="Skatteetaten, corrected",
        received_on=datetime.date(2026, 1, 6),
        by=staff[Role.PAYROLL],
    )
    assert _six_hours(site, person).tax == D("297.00")


def _assignment(site, person, *, signed_off: bool):
    from dagsverket.models import Visit
    from jobs.models import Task
    from tests.factories import AssignmentFactory, VisitFactory

    visit = Visit.objects.filter(participant=person, site=site, date=DAY).first()
    assignment = AssignmentFactory(visit=visit or VisitFactory(participant=person, site=site, date=DAY))
    if signed_off:
        Task.objects.filter(pk=assignment.task_id).update(
            signed_off_at=datetime.datetime(2026, 3, 10, 13, 30, tzinfo=datetime.UTC)
        )
    return assignment


def test_hours_on_an_assignment_not_signed_off_are_refused_by_the_service_and_nothing_written(site):
    person = ParticipantFactory(site=site, name="Ola")
    signed = _assignment(site, person, signed_off=True)
    unsigned = _assignment(site, person, signed_off=False)
    lines = [
        hourly_line("Raking", D("2"), D("150"), signed.pk),
        hourly_line("Moving", D("3"), D("150"), unsigned.pk),
    ]
    with pytest.raises(PayrollError) as error:
        payslip_prepare(site=site, participant=person, day=DAY, lines=lines)
    assert error.value.code == "not_signed_off"
    assert not Payslip.objects.exists()
    assert not PayslipLine.objects.exists()


def test_an_assignment_of_someone_else_or_removed_is_refused_too(site):
    from django.utils import timezone

    person = ParticipantFactory(site=site, name="Ola")
    other = ParticipantFactory(site=site, name="Kari")
    theirs = _assignment(site, other, signed_off=True)
    with pytest.raises(PayrollError) as error:
        payslip_prepare(
            site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("2"), D("150"), theirs.pk)]
        )
    assert error.value.code == "not_signed_off"
    removed = _assignment(site, person, signed_off=True)
    type(removed).objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    with pytest.raises(PayrollError) as error:
        payslip_prepare(
            site=site,
            participant=person,
            day=DAY,
            lines=[hourly_line("Raking", D("2"), D("150"), removed.pk)],
        )
    assert error.value.code == "not_signed_off"
    assert not Payslip.objects.exists()


def test_signed_off_hours_are_paid_and_a_draft_from_them_is_refused_once_the_sign_off_is_gone(site):
    from jobs.models import Task

    person = ParticipantFactory(site=site, name="Ola")
    signed = _assignment(site, person, signed_off=True)
    # 2 h × 150 = 300
    lines = [hourly_line("Raking", D("2"), D("150"), signed.pk)]
    assert payslip_prepare(site=site, participant=person, day=DAY, lines=lines).gross == D("300.00")
    Task.objects.filter(pk=signed.task_id).update(signed_off_at=None)
    with pytest.raises(PayrollError) as error:
        payslip_prepare(site=site, participant=person, day=DAY, lines=lines)
    assert error.value.code == "not_signed_off"
    # Refused before the old draft is replaced: it stays as it was (and payout_confirm refuses it).
    assert Payslip.objects.get().gross == D("300.00")


def test_a_draft_whose_sign_off_was_withdrawn_after_preparing_is_not_paid(site, staff):
    """Attack: the draft was made while the hours were signed off; the sign-off is withdrawn (the
    supervisor found the hours wrong) and someone confirms the old draft anyway."""
    from jobs.models import Task

    person = ParticipantFactory(site=site, name="Ola")
    signed = _assignment(site, person, signed_off=True)
    # 2 h × 150 = 300 gross
    draft = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("2"), D("150"), signed.pk)]
    )
    Task.objects.filter(pk=signed.task_id).update(signed_off_at=None)
    with pytest.raises(PayrollError) as error:
        payout_confirm(
            payslip=draft, method="card", nonce="n1", by=staff[Role.PAYROLL], shown_amount=draft.amount_due
        )
    assert error.value.code == "not_signed_off"
    assert not Payout.objects.exists()
    assert not Payslip.objects.get(pk=draft.pk).is_paid
    # signed off again: the same draft is paid
    Task.objects.filter(pk=signed.task_id).update(
        signed_off_at=datetime.datetime(2026, 3, 10, 15, tzinfo=datetime.UTC)
    )
    payout = payout_confirm(
        payslip=draft, method="card", nonce="n2", by=staff[Role.PAYROLL], shown_amount=draft.amount_due
    )
    assert payout.payslip_id == draft.pk
