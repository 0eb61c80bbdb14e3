"""The employer's contribution as a threshold, the employer as the organisation number, and the
a-melding month as the payment month. Every expected figure is worked out by hand in the comment."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine

from dagsverket.roles import Role
from payroll.engine import WorkLine
from payroll.models import Payslip, SitePayrollSettings
from payroll.reports import monthly_report
from payroll.services import payout_confirm, payslip_prepare, payslip_reverse
from tests.factories import ParticipantFactory, SiteFactory, TaxCardFactory

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def _at(day: datetime.date, hour: int = 12):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=OSLO), tick=False)


def pay(site, person, amount, *, worked: datetime.date, paid: datetime.date | None = None, by) -> Payslip:
    """One payslip of `amount` (holiday pay is not paid with the wage here, so taxable = amount)."""
    with _at(worked):
        slip = payslip_prepare(
            site=site, participant=person, day=worked, lines=[WorkLine("Work", D("1"), D(amount), D(amount))]
        )
    with _at(paid or worked):
        payout_confirm(payslip=slip, method="card", nonce=uuid.uuid4().hex, by=by)
    slip.refresh_from_db()
    return slip


@pytest.fixture
def payer(staff):
    return staff[Role.PAYROLL]


@pytest.fixture
def charity(site, other_site):
    # Trondheim and Stjørdal share the organisation number 974760673: one employer.
    for each in (site, other_site):
        SitePayrollSettings.objects.update_or_create(
            site=each, defaults={"charity_exempt": True, "holiday_pay_with_wage": False}
        )
    return site


def _total(site, year, month):
    rows, _settings = monthly_report(site=site, year=year, month=month)
    return sum((row.contribution for row in rows), D("0"))


def test_one_worker_passing_80_000_in_february_owes_contribution_on_all_pay(charity, payer):
    ola = ParticipantFactory(site=charity, name="Ola")
    pay(charity, ola, "50000", worked=datetime.date(2026, 1, 15), by=payer)
    pay(charity, ola, "50000", worked=datetime.date(2026, 2, 16), by=payer)
    # January: 50 000 is at or under 80 000, exempt: 0
    (january,), _s = monthly_report(site=charity, year=2026, month=1)
    assert (january.contribution_exempt, january.contribution) == (D("50000.00"), D("0.00"))
    # February: 100 000 > 80 000, due on all of it: 100 000 × 14.1 % = 14 100, of which
    # 7 050 on February's 50 000 and 7 050 on January's 50 000 (the correction)
    (february,), _s = monthly_report(site=charity, year=2026, month=2)
    assert february.contribution_base == D("50000.00")
    assert february.contribution_exempt == D("0.00")
    assert february.contribution_correction_base == D("50000.00")
    assert february.contribution == D("14100.00")
    assert _total(charity, 2026, 1) + _total(charity, 2026, 2) == D("14100.00")


def test_eleven_workers_at_80_000_pass_the_800_000_total(charity, payer):
    workers = [ParticipantFactory(site=charity, name=f"Worker {n:02d}") for n in range(11)]
    for worker in workers[:10]:
        pay(charity, worker, "80000", worked=datetime.date(2026, 3, 10), by=payer)
    # ten at exactly 80 000 = exactly 800 000: neither limit is *passed*, nothing is due
    assert _total(charity, 2026, 3) == D("0.00")
    pay(charity, workers[10], "80000", worked=datetime.date(2026, 4, 10), by=payer)
    # the eleventh brings the total to 880 000 > 800 000: 880 000 × 14.1 % = 124 080 in April,
    # 11 280 on April's own pay and 112 800 on March's 800 000 (the correction)
    rows, _s = monthly_report(site=charity, year=2026, month=4)
    assert len(rows) == 11
    assert sum((row.contribution for row in rows), D("0")) == D("124080.00")
    assert all(row.contribution == D("11280.00") for row in rows)  # 80 000 × 14.1 %
    assert sum((row.contribution_correction_base for row in rows), D("0")) == D("800000.00")


def test_two_sites_with_one_organisation_number_are_one_employer(charity, other_site, payer):
    ola = ParticipantFactory(site=charity, name="Ola")
    pay(charity, ola, "50000", worked=datetime.date(2026, 5, 4), by=payer)
    pay(other_site, ola, "50000", worked=datetime.date(2026, 5, 4), by=payer)
    # 50 000 + 50 000 = 100 000 at one employer > 80 000: 14 100, in either site's report
    (row,), _s = monthly_report(site=charity, year=2026, month=5)
    assert (row.contribution_base, row.contribution) == (D("100000.00"), D("14100.00"))
    assert _total(other_site, 2026, 5) == D("14100.00")


def test_a_worker_passing_80_000_exactly_or_in_december(charity, payer):
    kari = ParticipantFactory(site=charity, name="Kari")
    pay(charity, kari, "40000", worked=datetime.date(2026, 1, 12), by=payer)
    pay(charity, kari, "40000", worked=datetime.date(2026, 11, 12), by=payer)
    # 80 000 exactly is not more than 80 000: exempt through November
    assert _total(charity, 2026, 11) == D("0.00")
    pay(charity, kari, "1", worked=datetime.date(2026, 12, 14), by=payer)
    # 80 001 > 80 000: 80 001 × 14.1 % = 11 280.141 → 11 280.14 in December, 80 000 of it a correction
    (row,), _s = monthly_report(site=charity, year=2026, month=12)
    assert (row.contribution_base, row.contribution_correction_base) == (D("1.00"), D("80000.00"))
    assert row.contribution == D("11280.14")


def test_a_reversal_that_takes_a_worker_back_under_the_limit_gives_the_contribution_back(charity, payer):
    ola = ParticipantFactory(site=charity, name="Ola")
    pay(charity, ola, "50000", worked=datetime.date(2026, 1, 15), by=payer)
    second = pay(charity, ola, "50000", worked=datetime.date(2026, 2, 16), by=payer)
    with _at(datetime.date(2026, 3, 2)):
        payslip_reverse(payslip=second, reason="Paid twice", by=payer)
    # February: 14 100 due (above). March: the reversal of 50 000 takes him back to 50 000 ≤ 80 000:
    # the March base is -50 000 and the 14 100 comes back: -14 100
    (row,), _s = monthly_report(site=charity, year=2026, month=3)
    assert row.contribution_base == D("-50000.00")
    assert row.contribution == D("-14100.00")
    # February stays as it was: the reversal belongs to the month it was made in
    assert _total(charity, 2026, 2) == D("14100.00")


def test_an_employer_without_the_exemption_pays_on_each_months_pay(site, payer):
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    ola = ParticipantFactory(site=site, name="Ola")
    pay(site, ola, "1000", worked=datetime.date(2026, 1, 15), by=payer)
    pay(site, ola, "2000", worked=datetime.date(2026, 2, 16), by=payer)
    # 1 000 × 14.1 % = 141; 2 000 × 14.1 % = 282; no corrections
    assert (_total(site, 2026, 1), _total(site, 2026, 2)) == (D("141.00"), D("282.00"))


def test_two_organisation_numbers_are_two_employers_and_a_person_paid_at_both_the_same_day(charity, payer):
    bergen = SiteFactory(name="Bergen", organisation_number="987654320")
    SitePayrollSettings.objects.create(site=bergen, charity_exempt=True, holiday_pay_with_wage=False)
    ola = ParticipantFactory(site=charity, name="Ola")
    TaxCardFactory(participant=ola, frikort_amount=D("60000"))
    # tax cards are per employer too: he allotted 60 000 of his frikort to Bergen as well
    TaxCardFactory(participant=ola, employer="987654320", frikort_amount=D("60000"))
    day = datetime.date(2026, 6, 1)
    at_trondheim = pay(charity, ola, "50000", worked=day, by=payer)
    at_bergen = pay(bergen, ola, "50000", worked=day, by=payer)
    # each employer has paid him 50 000 ≤ 80 000: no contribution at either
    assert _total(charity, 2026, 6) == _total(bergen, 2026, 6) == D("0.00")
    # year to date and frikort used are per employer: Bergen's slip starts from 0, not from 50 000
    assert at_trondheim.ytd_gross == at_bergen.ytd_gross == D("50000.00")
    assert at_bergen.frikort_left_before == D("60000.00") and at_bergen.tax == D("0.00")
    (row,), _s = monthly_report(site=bergen, year=2026, month=6)
    assert row.year_total == D("50000.00")


def test_the_a_melding_month_is_the_payment_month(site, payer):
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    ola = ParticipantFactory(site=site, name="Ola")
    pay(site, ola, "1000", worked=datetime.date(2026, 1, 31), paid=datetime.date(2026, 2, 1), by=payer)
    # worked on 31 January, paid on 1 February: February's report, 1 000 × 14.1 % = 141
    assert monthly_report(site=site, year=2026, month=1)[0] == []
    (row,), _s = monthly_report(site=site, year=2026, month=2)
    assert (row.gross, row.contribution) == (D("1000.00"), D("141.00"))


def test_the_1000_rule_is_for_the_whole_year(site, payer):
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    aase = ParticipantFactory(site=site, name="Åse")
    TaxCardFactory(participant=aase, frikort_amount=D("100000"))
    pay(site, aase, "600", worked=datetime.date(2026, 1, 20), by=payer)
    # 600 in January, no tax: at or under 1 000 so far
    (january,), _s = monthly_report(site=site, year=2026, month=1)
    assert january.below_threshold and not january.reportable_after_all
    pay(site, aase, "600", worked=datetime.date(2026, 2, 20), by=payer)
    # 600 + 600 = 1 200 > 1 000 in the year: every payment is reportable, January's too
    (january,), _s = monthly_report(site=site, year=2026, month=1)
    assert not january.below_threshold and january.reportable_after_all
    (february,), _s = monthly_report(site=site, year=2026, month=2)
    assert not february.below_threshold and not february.reportable_after_all


def test_a_reported_month_keeps_its_figures_and_a_later_reversal_goes_into_the_open_month(site, payer):
    from payroll.models import MonthFiling, YearSettings
    from payroll.services import PayrollError, month_file

    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    ola = ParticipantFactory(site=site, name="Ola")
    january = pay(site, ola, "1000", worked=datetime.date(2026, 1, 20), by=payer)
    with _at(datetime.date(2026, 1, 31)), pytest.raises(PayrollError) as error:
        month_file(site=site, year=2026, month=1, by=payer)
    assert error.value.code == "month_not_over"
    with _at(datetime.date(2026, 2, 3)):
        month_file(site=site, year=2026, month=1, by=payer)
        with pytest.raises(PayrollError) as error:
            month_file(site=site, year=2026, month=1, by=payer)
        assert error.value.code == "already_filed"
    assert MonthFiling.objects.count() == 1
    with _at(datetime.date(2026, 2, 20)):
        payslip_reverse(payslip=january, reason="Not owed", by=payer)
    # the reversal is February's: -1 000 × 14.1 % = -141; January as filed stays 1 000 and 141
    (february,), _s = monthly_report(site=site, year=2026, month=2)
    assert (february.gross, february.contribution) == (D("-1000.00"), D("-141.00"))
    filed = MonthFiling.objects.get().rows
    assert (filed[0]["gross"], filed[0]["contribution"]) == ("1000.00", "141.00")
    # a rate changed afterwards leaves the filed month as it was; the page lists the difference
    # (14.1 % → 10.6 %: 1 000 × 10.6 % = 106) as a correction for the next open month, February
    YearSettings.objects.filter(year=2026).update(employer_contribution_rate=D("10.6"))
    from payroll.reports import changes_since_filing, corrections_for, next_open_month

    filing = MonthFiling.objects.get()
    changes = changes_since_filing(site=site, filing=filing)
    # and with the reversal the year's pay is 0 and no tax: January need not have been reported
    assert [(c.field, c.filed, c.now) for c in changes] == [
        ("contribution", D("141.00"), D("106.00")),
        ("below_threshold", False, True),
    ]
    assert next_open_month(site=site, year=2026, after=1) == 2
    assert corrections_for(site=site, year=2026, month=2) == changes


def test_payroll_marks_a_month_as_reported_from_its_page(client_for, site, payer):
    from django.urls import reverse

    from payroll.models import MonthFiling

    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    pay(site, ParticipantFactory(site=site, name="Ola"), "1000", worked=datetime.date(2026, 1, 20), by=payer)
    url = reverse("payroll:month_report", kwargs={"year": 2026, "month": 1})
    client = client_for(Role.PAYROLL)
    with _at(datetime.date(2026, 1, 30)):
        refused = client.post(url)
        assert refused.status_code == 400 and not MonthFiling.objects.exists()
    with _at(datetime.date(2026, 2, 2)):
        assert client.post(url).status_code == 302
        page = client.get(url).content.decode()
        assert "Rapportert" in page and "141,00" in page
        assert client_for(Role.WORK_LEADER).post(url).status_code == 403
        assert client_for(Role.PAYROLL).delete(url).status_code == 405
    assert MonthFiling.objects.count() == 1
