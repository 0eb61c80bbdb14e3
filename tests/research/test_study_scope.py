"""The study role sees health data only of the people in the trials and IPS caseloads at its sites.

Trial staff and IPS job specialists hold `view_health_data` for their questionnaires and logs; a
person at the same site who is in neither is nobody's business of theirs: their readiness reasons
and referrals answer 404 or are left out, as they would be for a person at another site.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dagsverket.models import ReasonCode
from dagsverket.roles import Role
from tests.factories import CaseloadEntryFactory, ParticipantFactory, ReferralFactory, VisitFactory

SECRET_REASON = "Innlagt på avrusning"
REFERRAL_TEXT = "Hemmelig henvisningstekst"


def _with_health_data(site, name):
    person = ParticipantFactory(site=site, name=name)
    reason = ReasonCode.objects.create(
        kind="readiness", code=f"secret-{name}", label_nb=SECRET_REASON, label_en=SECRET_REASON
    )
    VisitFactory(participant=person, readiness="not_today", readiness_reason=reason)
    referral = ReferralFactory(participant=person, text=REFERRAL_TEXT, follow_up_on=timezone.localdate())
    return person, referral


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(site, staff, screened):
    stranger = _with_health_data(site, "Fremmed")
    in_trial = _with_health_data(site, "Forsøksperson")
    screened(participant=in_trial[0])
    on_caseload = _with_health_data(site, "IPS-klient")
    CaseloadEntryFactory(participant=on_caseload[0], site=site, specialist=staff[Role.STUDY])
    return {"stranger": stranger, "in_trial": in_trial, "on_caseload": on_caseload}


@pytest.mark.django_db
def test_study_staff_get_404_for_the_referrals_of_a_person_in_neither_trial_nor_caseload(staff, people):
    study = _client(staff[Role.STUDY])
    person, referral = people["stranger"]
    assert study.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert study.get(reverse("referrals:letter", args=[referral.pk])).status_code == 404
    assert study.get(reverse("referrals:new", args=[person.pk])).status_code == 404
    assert study.get(reverse("referrals:consent_new", args=[person.pk])).status_code == 404
    follow_up = study.get(reverse("referrals:follow_up")).content.decode()
    assert "Fremmed" not in follow_up
    assert "Forsøksperson" in follow_up


@pytest.mark.django_db
def test_study_staff_do_not_see_readiness_reasons_or_referrals_on_a_strangers_pages(staff, people):
    study = _client(staff[Role.STUDY])
    person, referral = people["stranger"]
    # The name stays, as `view_participants` allows; the health-related blocks and columns go.
    details = study.get(reverse("participant_detail", args=[person.pk]))
    assert details.status_code == 200
    assert SECRET_REASON not in details.content.decode()
    page = study.get(reverse("referrals:participant", args=[person.pk]))
    assert page.status_code == 200
    for block in ("readiness", "referrals", "consents", "exclusions"):
        assert f'data-block="{block}"' not in page.content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["in_trial", "on_caseload"])
def test_study_staff_see_the_health_data_of_their_trial_and_caseload(staff, people, who):
    study = _client(staff[Role.STUDY])
    person, referral = people[who]
    assert study.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert SECRET_REASON in study.get(reverse("participant_detail", args=[person.pk])).content.decode()
    page = study.get(reverse("referrals:participant", args=[person.pk])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MANAGER])
def test_the_front_desk_and_the_manager_still_see_everyone_at_the_site(staff, people, role):
    client = _client(staff[role])
    person, referral = people["stranger"]
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert SECRET_REASON in client.get(reverse("participant_detail", args=[person.pk])).content.decode()
