"""Tax cards belong to an employer (organisation number): two organisation numbers in one
installation are two employers, each with the card the person allotted to it. Worked examples."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import SitePayrollSettings, TaxCard
from payroll.services import payslip_prepare, tax_card_add
from tests.factories import ParticipantFactory, SiteFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def bergen():
    site = SiteFactory(name="Bergen", organisation_number="987654320")
    SitePayrollSettings.objects.create(site=site, holiday_pay_with_wage=False)
    return site


@pytest.fixture
def ola(site):
    SitePayrollSettings.objects.update_or_create(site=site, defaults={"holiday_pay_with_wage": False})
    return ParticipantFactory(site=site, name="Ola", birth_date=datetime.date(1980, 5, 1))


def _card(person, *, at, by, **card):
    return tax_card_add(
        participant=person,
        site=at,
        year=2026,
        source="Skatteetaten",
        received_on=datetime.date(2026, 1, 5),
        by=by,
        **card,
    )


def _six_hours(site, person):
    return payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Raking", D("6"), D("150"))]
    )


def test_each_employer_withholds_by_its_own_card(frozen_day, site, other_site, bergen, ola, staff):
    payer = staff[Role.PAYROLL]
    _card(ola, at=site, by=payer, kind="frikort", frikort_amount=D("10000"))
    _card(ola, at=bergen, by=payer, kind="percentage", percentage=D("30"))
    # 6 × 150 = 900. Trondheim's employer: frikort 10 000, nothing withheld
    assert _six_hours(site, ola).tax == D("0.00")
    # Stjørdal has Trondheim's organisation number: the same card
    assert _six_hours(other_site, ola).tax == D("0.00")
    # Bergen: its own 30 % card, 900 × 30 % = 270
    assert _six_hours(bergen, ola).tax == D("270.00")


def test_an_employer_without_a_card_for_the_person_withholds_50_percent(frozen_day, site, bergen, ola, staff):
    _card(ola, at=site, by=staff[Role.PAYROLL], kind="frikort", frikort_amount=D("100000"))
    # Trondheim's frikort is no card at Bergen: 900 × 50 % = 450
    slip = _six_hours(bergen, ola)
    assert (slip.tax_card_kind, slip.tax) == ("none", D("450.00"))


def test_the_participant_page_enters_and_lists_cards_for_the_sites_employer(
    client_for, frozen_day, site, bergen, ola, staff
):
    from tests.factories import TaxCardFactory

    TaxCardFactory(
        participant=ola, employer="987654320", kind="percentage", frikort_amount=None, percentage=D("44")
    )
    client = client_for(Role.PAYROLL)
    url = reverse("payroll:participant", kwargs={"pk": ola.pk})
    page = client.get(url).content.decode()
    assert "974760673" in page and "44" not in page.split("Skattekort", 1)[1].split("Registrer", 1)[0]
    response = client.post(
        url,
        {
            "action": "card",
            "year": 2026,
            "kind": "frikort",
            "frikort_amount": "60000",
            "source": "Skatteetaten",
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    card = TaxCard.objects.get(frikort_amount=D("60000"))
    assert card.employer == "974760673"
