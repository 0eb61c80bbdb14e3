"""The participant's page: each block only for its roles, access entries, and the subject-access export."""

import datetime
import json
import subprocess

import pytest
import time_machine
from django.utils import timezone

from dagsverket.models import AccessLog, Exclusion, ReadinessEntry, ReasonCode
from dagsverket.referrals.models import AgencyType
from dagsverket.referrals.views import participant_blocks
from dagsverket.roles import Role
from dagsverket.subject_access import SECTIONS, Section, collect, subject_access_section
from tests.factories import AgencyFactory, ConsentFactory, ParticipantFactory, ReferralFactory, VisitFactory

TODAY = datetime.date(2026, 3, 10)

# Which blocks each role sees on the participant's page.
BLOCKS = {"visits", "identity", "readiness", "referrals", "consents", "exclusions", "access"}
VISIBLE = {
    Role.FRONT_DESK: {"visits", "readiness", "referrals", "consents", "exclusions"},
    Role.WORK_LEADER: {"visits"},
    Role.PAYROLL: {"visits", "identity"},
    Role.MANAGER: BLOCKS,
}
# What each role's visit writes to the access log.
LOGGED = {
    Role.FRONT_DESK: {"readiness", "referrals", "consents", "exclusions"},
    Role.WORK_LEADER: set(),
    Role.PAYROLL: {"national_id"},
    Role.MANAGER: {"national_id", "readiness", "referrals", "consents", "exclusions"},
}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def person(site, staff):
    """A participant with something in every block."""
    person = ParticipantFactory(site=site, name="Per", national_id="01017012345", phone="90000001")
    visit = VisitFactory(participant=person, date=TODAY - datetime.timedelta(days=1))
    reason = ReasonCode.objects.create(kind="readiness", code="syk", label_nb="Syk", label_en="Ill")
    ReadinessEntry.objects.create(visit=visit, status="not_today", reason=reason, note="Hodepine")
    ban = ReasonCode.objects.create(
        kind="exclusion", code="rus", label_nb="Ruspåvirket", label_en="Intoxicated"
    )
    Exclusion.objects.create(
        participant=person,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=20),
        reason=ban,
    )
    nav = AgencyFactory(name="NAV Falkenborg", type=AgencyType.NAV)
    ConsentFactory(participant=person, agencies=[nav], recorded_by=staff[Role.FRONT_DESK])
    ReferralFactory(participant=person, agency=nav, staff=staff[Role.FRONT_DESK], text="Bostøtte")
    return person


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_block_of_the_participants_page_is_visible_only_to_its_roles(client_for, person, role):
    page = client_for(role).get(f"/referrals/participant/{person.pk}/").content.decode()
    shown = {block for block in BLOCKS if f'data-block="{block}"' in page}
    assert shown == VISIBLE[role]
    assert ("01017012345" in page) == ("identity" in VISIBLE[role])
    assert ("Hodepine" in page) == ("readiness" in VISIBLE[role])
    assert ("NAV Falkenborg" in page) == ("referrals" in VISIBLE[role])
    assert ("Ruspåvirket" in page) == ("exclusions" in VISIBLE[role])


def test_the_evaluator_cannot_open_the_participants_page(client_for, person):
    assert client_for(Role.EVALUATOR).get(f"/referrals/participant/{person.pk}/").status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", list(LOGGED))
def test_reading_health_data_or_a_national_id_writes_an_access_entry_for_each(
    client_for, staff, person, role
):
    client_for(role).get(f"/referrals/participant/{person.pk}/")
    entries = AccessLog.objects.filter(participant=person)
    assert set(entries.values_list("what", flat=True)) == LOGGED[role]
    assert all(entry.user == staff[role] for entry in entries)
    assert all(entry.path == f"/referrals/participant/{person.pk}/" for entry in entries)
    assert all(entry.at.date() == TODAY for entry in entries)


def test_opening_a_referral_writes_an_access_entry(client_for, person):
    referral = person.referrals.get()
    client_for(Role.FRONT_DESK).get(f"/referrals/{referral.pk}/")
    assert AccessLog.objects.filter(participant=person, what="referral").count() == 1


def test_a_manager_lists_every_access_entry_for_a_participant(client_for, staff, person):
    client_for(Role.FRONT_DESK).get(f"/referrals/participant/{person.pk}/")
    client_for(Role.PAYROLL).get(f"/referrals/participant/{person.pk}/")
    other = ParticipantFactory(site=person.site)
    client_for(Role.FRONT_DESK).get(f"/referrals/participant/{other.pk}/")
    page = client_for(Role.MANAGER).get(f"/referrals/participant/{person.pk}/access/").content.decode()
    assert page.count("data-entry=") == AccessLog.objects.filter(participant=person).count() == 5
    assert "national_id" in page
    assert "frontdesk" in page or staff[Role.FRONT_DESK].get_full_name() in page


def _read(person, user, what, days_ago=0, count=1):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    AccessLog.objects.bulk_create(
        AccessLog(participant=person, user=user, what=what, path="/x/", at=at) for _ in range(count)
    )


def test_the_access_log_runs_the_same_queries_however_long_it_is(
    client_for, staff, person, django_assert_num_queries
):
    _read(person, staff[Role.FRONT_DESK], "readiness", count=3)
    client = client_for(Role.MANAGER)
    url = f"/referrals/participant/{person.pk}/access/"
    client.get(url)
    # session with user, sites, permissions, the participant; the filter's readers and kinds; count, page
    with django_assert_num_queries(6):
        client.get(url)
    _read(person, staff[Role.PAYROLL], "national_id", count=120)
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert page.count("data-entry=") == 50


def test_the_access_log_shows_the_newest_first_fifty_a_page(client_for, staff, person):
    _read(person, staff[Role.FRONT_DESK], "referrals", days_ago=5)
    _read(person, staff[Role.PAYROLL], "national_id", days_ago=1, count=55)
    client = client_for(Role.MANAGER)
    url = f"/referrals/participant/{person.pk}/access/"
    first = client.get(url).content.decode()
    assert first.count("data-entry=") == 50 and "5.3.2026" not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("data-entry=") == 6 and "5.3.2026" in second
    for page in ("999", "x"):  # a bad page number shows the last or the first page
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        assert response.content.decode().count("data-entry=") in (6, 50)
    oldest_first = client.get(url, {"sort": "at"}).content.decode()
    assert oldest_first.index("5.3.2026") < oldest_first.index("9.3.2026")


def test_the_access_log_filters_by_period_reader_and_what(client_for, staff, person):
    _read(person, staff[Role.FRONT_DESK], "referrals", days_ago=40)
    _read(person, staff[Role.FRONT_DESK], "readiness", days_ago=2)
    _read(person, staff[Role.PAYROLL], "national_id", days_ago=1)
    client = client_for(Role.MANAGER)
    url = f"/referrals/participant/{person.pk}/access/"

    def rows(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return response.content.decode().count("data-entry=")

    assert rows() == 3
    assert rows(date_from="2026-03-01") == 2
    assert rows(date_from="2026-01-01", date_to="2026-03-08") == 2
    assert rows(user=staff[Role.FRONT_DESK].pk) == 2
    assert rows(what="national_id") == 1
    assert rows(user=staff[Role.FRONT_DESK].pk, what="national_id") == 0


@pytest.mark.parametrize(
    "query",
    [{"date_from": "2026-13-45"}, {"date_to": "yesterday"}, {"user": "999999"}, {"what": "everything"}],
)
def test_a_bad_filter_on_the_access_log_is_400_with_a_message(client_for, staff, person, query):
    _read(person, staff[Role.FRONT_DESK], "readiness")
    response = client_for(Role.MANAGER).get(f"/referrals/participant/{person.pk}/access/", query)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error"' in page and "data-entry=" not in page


def test_participant_blocks_returns_templates_and_contexts_for_another_page_to_render(rf, staff, person):
    request = rf.get("/somewhere/")
    request.user = staff[Role.WORK_LEADER]
    blocks = participant_blocks(request, person)
    assert [template for template, _ in blocks] == ["dagsverket/referrals/_participant_visits.html"]
    assert blocks[0][1]["participant"] == person


# --- subject-access export ----------------------------------------------------------------------------


def test_the_json_export_holds_everything_stored_about_the_participant(client_for, person):
    client_for(Role.FRONT_DESK).get(f"/referrals/participant/{person.pk}/")  # leaves access entries
    response = client_for(Role.MANAGER).get(f"/referrals/participant/{person.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    sections = data["sections"]
    assert set(sections) >= {
        "participant",
        "visits",
        "readiness",
        "exclusions",
        "consents",
        "referrals",
        "referral_history",
        "access_log",
    }
    details = {row["field"]: row["value"] for row in sections["participant"]["rows"]}
    assert "01017012345" in details.values()
    assert "90000001" in details.values()
    assert sections["visits"]["rows"][0]["date"] == "2026-03-09"
    assert sections["readiness"]["rows"][0]["note"] == "Hodepine"
    assert sections["exclusions"]["rows"][0]["reason"] == "Ruspåvirket"
    assert "NAV Falkenborg" in sections["consents"]["rows"][0]["covers"]
    assert sections["referrals"]["rows"][0]["text"] == "Bostøtte"
    assert len(sections["access_log"]["rows"]) >= 4
    assert AccessLog.objects.filter(participant=person, what="subject-access export (json)").exists()


def test_the_pdf_export_shows_every_section(client_for, person):
    response = client_for(Role.MANAGER).get(f"/referrals/participant/{person.pk}/export.pdf")
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    for expected in ["01017012345", "Hodepine", "Ruspåvirket", "NAV Falkenborg", "Bostøtte", "Besøk"]:
        assert expected in text, expected


def test_an_unknown_export_format_is_404(client_for, person):
    assert client_for(Role.MANAGER).get(f"/referrals/participant/{person.pk}/export.xml").status_code == 404


def test_another_app_can_add_a_section_to_the_export(person):
    @subject_access_section
    def payslips(participant):
        return Section("payslips", "Payslips", ["amount"], ["Amount"], [{"amount": "1234.50"}])

    try:
        assert collect(person)[-1].rows == [{"amount": "1234.50"}]
    finally:
        SECTIONS.remove(payslips)


def test_the_participants_page_runs_the_same_queries_however_much_is_recorded(
    client_for, staff, person, django_assert_num_queries
):
    client = client_for(Role.MANAGER)
    client.get(f"/referrals/participant/{person.pk}/")  # warm the session and site
    with django_assert_num_queries(14) as few:
        client.get(f"/referrals/participant/{person.pk}/")
    nav = person.referrals.get().agency
    for index in range(3):
        ConsentFactory(participant=person, agencies=[nav, AgencyFactory()], recorded_by=staff[Role.MANAGER])
        ReferralFactory(participant=person, agency=AgencyFactory(), staff=staff[Role.MANAGER])
        VisitFactory(participant=person, date=TODAY - datetime.timedelta(days=10 + index))
    with django_assert_num_queries(len(few)):
        client.get(f"/referrals/participant/{person.pk}/")
