"""Staff by their names, not usernames, and codes as words (issue 16, item 15)."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from dagsverket.models import AccessLog
from dagsverket.roles import Role
from dagsverket.words import access_what, export_kind, staff_name, stratum_words
from payroll.models import CashBox
from tests.factories import ParticipantFactory, UserFactory, VisitFactory

DAY = datetime.date(2026, 11, 18)


def test_codes_read_as_words_in_norwegian():
    with translation.override("nb"):
        assert access_what("national_id_tax_card") == "Fødselsnummer (skattekort)"
        assert access_what("subject-access export (pdf)") == "Innsynsuttrekk (PDF)"
        assert access_what("something_old") == "something_old"  # an old entry stays readable
        assert export_kind("person_period") == "Personperioder"
        assert stratum_words("age_band=18-34|sex=f|site=3", {"3": "Trondheim"}) == (
            "Alder: 18-34 · Kjønn: kvinne · Sted: Trondheim"
        )
        assert stratum_words("all") == "Alle (ett stratum)"


@pytest.mark.django_db
def test_a_staff_member_without_a_name_is_shown_by_username():
    assert staff_name(UserFactory(username="vikar1", first_name="", last_name="")) == "vikar1"
    assert (
        staff_name(UserFactory(username="kari", first_name="Kari", last_name="Nordmann")) == "Kari Nordmann"
    )
    assert staff_name(None) == "—"


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()


@pytest.fixture
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_the_cash_box_says_who_counted_and_who_confirmed_by_name(client_for, site, staff):
    _name(staff[Role.PAYROLL], "Per", "Lønn")
    _name(staff[Role.MANAGER], "Mona", "Leder")
    CashBox.objects.create(
        site=site,
        date=DAY,
        opening_float=Decimal("500.00"),
        counted_closing=Decimal("500.00"),
        expected_closing=Decimal("500.00"),
        difference=Decimal("0.00"),
        closed_at=timezone.now(),
        closed_by=staff[Role.PAYROLL],
        witnessed_by=staff[Role.MANAGER],
    )
    body = client_for(Role.PAYROLL).get(reverse("payroll:cash_box", kwargs={"day": DAY})).content.decode()
    sentence = re.search(r"<p>(Opptalt[^<]+)</p>", body).group(1)
    assert "Per Lønn" in sentence and "Mona Leder" in sentence
    assert "payroll" not in sentence and "manager" not in sentence  # the usernames


@pytest.mark.django_db
def test_the_access_log_says_what_was_read_in_words_and_who_by_name(client_for, site, staff):
    person = ParticipantFactory(site=site)
    _name(staff[Role.FRONT_DESK], "Frida", "Resepsjon")
    AccessLog.objects.create(user=staff[Role.FRONT_DESK], participant=person, what="national_id", path="/")
    AccessLog.objects.create(user=staff[Role.FRONT_DESK], participant=person, what="readiness", path="/")
    response = client_for(Role.MANAGER).get(reverse("referrals:access_log", args=[person.pk]))
    body = response.content.decode()
    assert "Fødselsnummer" in body and "Arbeidsklarhet og begrunnelser" in body
    assert ">national_id<" not in body and ">readiness<" not in body
    assert "Frida Resepsjon" in body
    # the filter's choices read as words too
    assert re.search(r'<option value="national_id"[^>]*>Fødselsnummer</option>', body)


@pytest.mark.django_db
def test_the_attendance_log_names_who_checked_in(client_for, site, staff):
    _name(staff[Role.FRONT_DESK], "Frida", "Resepsjon")
    VisitFactory(participant=ParticipantFactory(site=site), checked_in_by=staff[Role.FRONT_DESK])
    body = client_for(Role.MANAGER).get(reverse("attendance")).content.decode()
    assert "Frida Resepsjon" in body
