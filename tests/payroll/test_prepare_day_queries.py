"""Preparing the day's pay reads its inputs once and writes in bulk (issue 19: 60 slips under 1 s)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dagsverket.roles import Role
from jobs.models import Task
from payroll.engine import hourly_line
from payroll.errors import PayrollError
from payroll.models import Payslip, PayslipLine
from payroll.services import payout_confirm, payslip_prepare, payslips_prepare_day
from tests.factories import AssignmentFactory, ParticipantFactory, TaxCardFactory, VisitFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

# Before the transaction: the day's paid payslips (2), the signed-off work and its corrections (2),
# the wage rate (1). Inside it: a savepoint (the test's transaction is outside) and its release (2),
# everyone's lock (1), the sign-off check (1), the year's and the site's settings (2), the employer
# (2), the tax cards (1), paid this year by person (1), the drafts and their lines (2), the two
# deletes (2), and the payslips, their lines and the history rows of each (4).
PREPARE_DAY_QUERIES = 23


def _people_with_signed_off_work(site, count, **person):
    people = []
    for _ in range(count):
        visit = VisitFactory(
            participant=ParticipantFactory(site=site, birth_year=1985, **person), site=site, date=DAY
        )
        assignment = AssignmentFactory(visit=visit)  # 09-13 with a 30 minute break: 3.5 h
        Task.objects.filter(pk=assignment.task_id).update(
            signed_off_at=datetime.datetime(2026, 3, 10, 13, 30, tzinfo=datetime.UTC)
        )
        people.append(visit.participant)
    return people


def test_preparing_the_day_runs_the_same_queries_for_2_people_and_for_6(
    site, wage_rate, frozen_day, django_assert_num_queries
):
    _people_with_signed_off_work(site, 2)
    with django_assert_num_queries(PREPARE_DAY_QUERIES):
        assert len(payslips_prepare_day(site=site, day=DAY)) == 2
    _people_with_signed_off_work(site, 4)
    # the first two drafts are replaced, four are new
    with django_assert_num_queries(PREPARE_DAY_QUERIES):
        assert len(payslips_prepare_day(site=site, day=DAY)) == 6
    assert Payslip.objects.count() == 6
    assert PayslipLine.objects.count() == 6
    assert set(Payslip.objects.values_list("gross", flat=True)) == {D("525.00")}  # 3.5 h × 150


def test_each_person_gets_their_own_tax_card_and_year_to_date(site, wage_rate, frozen_day, staff):
    carded, uncarded = _people_with_signed_off_work(site, 2)
    TaxCardFactory(participant=carded, kind="percentage", percentage=D("30"), frikort_amount=None)
    earlier = payslip_prepare(
        site=site,
        participant=carded,
        day=DAY - datetime.timedelta(days=1),
        lines=[hourly_line("Raking", D("2"), D("150"))],
    )
    payout_confirm(payslip=earlier, method="card", nonce="earlier", by=staff[Role.PAYROLL])
    earlier.refresh_from_db()
    slips = {slip.participant_id: slip for slip in payslips_prepare_day(site=site, day=DAY)}
    assert slips[carded.pk].tax_card_kind == "percentage"
    assert slips[carded.pk].tax_percentage == D("30.00")
    assert slips[carded.pk].ytd_gross == earlier.taxable + slips[carded.pk].taxable
    # no tax card: 50 %, and nothing of the other person's earlier pay in the year to date
    assert slips[uncarded.pk].tax_card_kind == "none"
    assert slips[uncarded.pk].tax_percentage == D("50.00")
    assert slips[uncarded.pk].ytd_gross == slips[uncarded.pk].taxable
    # the same figures as preparing each person alone
    alone = payslip_prepare(
        site=site, participant=uncarded, day=DAY, lines=[hourly_line("x", D("3.5"), D("150"))]
    )
    assert (alone.gross, alone.tax, alone.net) == (
        slips[uncarded.pk].gross,
        slips[uncarded.pk].tax,
        slips[uncarded.pk].net,
    )


def test_a_day_with_one_person_who_cannot_be_paid_writes_nobodys_draft(site, wage_rate, frozen_day):
    # by name, Anne comes first: before, her draft was written before Berit's was refused
    _people_with_signed_off_work(site, 1, name="Anne")
    (main_employer,) = _people_with_signed_off_work(site, 1, name="Berit")
    TaxCardFactory(
        participant=main_employer,
        kind="percentage",
        percentage=D("30"),
        frikort_amount=None,
        main_employer=True,
    )
    with pytest.raises(PayrollError) as refused:
        payslips_prepare_day(site=site, day=DAY)
    assert refused.value.code == "table_not_supported"
    assert not Payslip.objects.exists()
    assert not PayslipLine.objects.exists()


def test_preparing_the_day_again_replaces_each_draft_and_its_history_says_so(
    client_for, staff, site, wage_rate, frozen_day
):
    (person,) = _people_with_signed_off_work(site, 1)
    url = reverse("payroll:day_prepare", kwargs={"day": DAY})
    assert client_for(Role.PAYROLL).post(url).status_code == 302
    first = Payslip.objects.get()
    first_line = first.lines.get()
    assert client_for(Role.PAYROLL).post(url).status_code == 302
    second = Payslip.objects.get()  # one draft for the person, not two
    assert second.pk != first.pk and second.participant == person
    payroll_user = staff[Role.PAYROLL]
    assert list(
        Payslip.history.filter(id__in=[first.pk, second.pk])
        .order_by("history_id")
        .values_list("id", "history_type", "history_user", "net")
    ) == [
        (first.pk, "+", payroll_user.pk, first.net),
        (first.pk, "-", payroll_user.pk, first.net),
        (second.pk, "+", payroll_user.pk, second.net),
    ]
    second_line = second.lines.get()
    assert list(
        PayslipLine.history.filter(id__in=[first_line.pk, second_line.pk])
        .order_by("history_id")
        .values_list("id", "history_type", "payslip_id", "amount")
    ) == [
        (first_line.pk, "+", first.pk, D("525.00")),
        (first_line.pk, "-", first.pk, D("525.00")),
        (second_line.pk, "+", second.pk, D("525.00")),
    ]
