"""The IPS screens: happy paths, bad input (400, nothing written), repeats, who sees what."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from dagsverket.ips.models import CareerProfile, CaseloadEntry, EmployerContact, FidelityReview, JobStart
from dagsverket.models import AccessLog
from dagsverket.roles import Role
from tests.factories import (
    CaseloadEntryFactory,
    EmployerContactFactory,
    FidelityReviewFactory,
    JobStartFactory,
    ParticipantFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("frozen")
D = datetime.date


@pytest.fixture
def study(client_for):
    return client_for(Role.STUDY)


@pytest.fixture
def entry(site, specialist):
    return CaseloadEntryFactory(
        participant=ParticipantFactory(site=site, name="Synnøve"),
        specialist=specialist,
        started_on=D(2026, 6, 1),
    )


# --- caseload -----------------------------------------------------------------------------------------


def test_the_caseload_shows_ones_own_people_by_default_and_others_by_filter(
    study, site, specialist, second_specialist, django_assert_num_queries
):
    for name in ["Astrid", "Bendik", "Camilla"]:
        entry = CaseloadEntryFactory(
            participant=ParticipantFactory(site=site, name=name), specialist=specialist
        )
        EmployerContactFactory(entry=entry)
        JobStartFactory(entry=entry, four_paid_hours_on=entry.started_on + datetime.timedelta(days=21))
    CaseloadEntryFactory(
        participant=ParticipantFactory(site=site, name="Torleif"), specialist=second_specialist
    )
    # Session, user with sites and permissions; am I a specialist; the specialist choices (checked and
    # listed); caseload sizes; count and rows with first contact, first job and working in subqueries.
    with django_assert_num_queries(7):
        page = study.get(reverse("ips:caseload")).content.decode()
    assert "Astrid" in page and "Camilla" in page
    assert "Torleif" not in page
    everyone = study.get(reverse("ips:caseload"), {"specialist": ""}).content.decode()
    assert "Torleif" in everyone and "Astrid" in everyone
    # More people do not mean more queries.
    for _ in range(5):
        CaseloadEntryFactory(participant=ParticipantFactory(site=site), specialist=specialist)
    with django_assert_num_queries(7):
        study.get(reverse("ips:caseload"))


def test_a_manager_sees_every_specialists_people_by_default(client_for, site, specialist, second_specialist):
    CaseloadEntryFactory(participant=ParticipantFactory(site=site, name="Astrid"), specialist=specialist)
    CaseloadEntryFactory(
        participant=ParticipantFactory(site=site, name="Torleif"), specialist=second_specialist
    )
    page = client_for(Role.MANAGER).get(reverse("ips:caseload")).content.decode()
    assert "Astrid" in page and "Torleif" in page


def test_the_caseload_warns_above_twenty(study, site, specialist):
    for _ in range(21):
        CaseloadEntryFactory(participant=ParticipantFactory(site=site), specialist=specialist)
    page = study.get(reverse("ips:caseload")).content.decode()
    assert "Over 20: for stor" in page


def test_putting_a_person_on_the_caseload(study, site, specialist):
    person = ParticipantFactory(site=site)
    url = reverse("ips:caseload_new")
    data = {"participant": person.pk, "specialist": specialist.pk, "started_on": "2026-06-15"}
    response = study.post(url, data)
    entry = CaseloadEntry.objects.get(participant=person)
    assert response.status_code == 302 and response.url == reverse("ips:caseload_detail", args=[entry.pk])
    again = study.post(url, data)
    assert again.status_code == 400
    assert "allerede" in again.content.decode()
    assert CaseloadEntry.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"started_on": "2026-07-02"},
        {"started_on": "30.02.2026"},
        {"participant": "999999"},
        {"specialist": ""},
    ],
)
def test_bad_caseload_input_is_refused_with_nothing_written(study, site, specialist, change):
    person = ParticipantFactory(site=site)
    data = {"participant": person.pk, "specialist": specialist.pk, "started_on": "2026-06-15", **change}
    response = study.post(reverse("ips:caseload_new"), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not CaseloadEntry.objects.exists()


def test_the_participant_page_links_to_ips_for_study_staff_only(study, client_for, entry):
    url = reverse("participant_detail", args=[entry.participant_id])
    link = reverse("ips:participant", args=[entry.participant_id])
    assert link in study.get(url).content.decode()
    assert link not in client_for(Role.FRONT_DESK).get(url).content.decode()
    assert study.get(link).url == reverse("ips:caseload_detail", args=[entry.pk])


def test_a_person_not_on_ips_goes_to_the_form(study, site):
    person = ParticipantFactory(site=site)
    response = study.get(reverse("ips:participant", args=[person.pk]))
    assert response.url == f"{reverse('ips:caseload_new')}?participant={person.pk}"


def test_another_sites_entry_is_not_found(study, other_site):
    foreign = CaseloadEntryFactory(participant=ParticipantFactory(site=other_site))
    assert study.get(reverse("ips:caseload_detail", args=[foreign.pk])).status_code == 404


def test_leaving_ips_needs_a_reason(study, entry):
    url = reverse("ips:caseload_end", args=[entry.pk])
    assert study.post(url, {"ended_on": "2026-06-20"}).status_code == 400
    assert study.get(url).status_code == 405
    response = study.post(url, {"ended_on": "2026-06-20", "end_reason": "moved"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.ended_on == D(2026, 6, 20)


def test_leaving_ips_before_a_recorded_job_is_refused_next_to_the_date(study, entry):
    # Synnøve is on IPS from 1.6; her job starts 22.6. Leaving on 20.6 would leave the job two days
    # after she left: refused next to the date, 400, nothing written. Leaving on 22.6 is fine.
    JobStartFactory(entry=entry, started_on=D(2026, 6, 22))
    url = reverse("ips:caseload_end", args=[entry.pk])
    response = study.post(url, {"ended_on": "2026-06-20", "end_reason": "moved"})
    assert response.status_code == 400
    assert response.context["end_form"].errors["ended_on"] == [
        "En jobb for denne personen starter etter denne datoen."
    ]
    entry.refresh_from_db()
    assert (entry.ended_on, entry.end_reason) == (None, "")
    assert study.post(url, {"ended_on": "2026-06-22", "end_reason": "moved"}).status_code == 302


# --- career profile -----------------------------------------------------------------------------------


def test_reading_the_career_profile_is_logged(study, entry, specialist):
    url = reverse("ips:caseload_profile", args=[entry.pk])
    response = study.post(url, {"goals": "Jobb i kantine", "barriers": "Trenger fast oppmøtetid"})
    assert response.status_code == 302
    assert CareerProfile.objects.get(entry=entry).goals == "Jobb i kantine"
    page = study.get(reverse("ips:caseload_detail", args=[entry.pk])).content.decode()
    assert "Jobb i kantine" in page
    assert (
        AccessLog.objects.filter(
            user=specialist, participant=entry.participant, what="ips_career_profile"
        ).count()
        == 1
    )


def test_the_career_profile_needs_health_data_access(site, entry):
    group = Group.objects.create(name="ips-uten-helse")
    group.permissions.add(Permission.objects.get(codename="manage_study"))
    user = UserFactory(username="bare-ips", site=site)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    CareerProfile.objects.create(entry=entry, goals="Hemmelig mål")
    page = client.get(reverse("ips:caseload_detail", args=[entry.pk]))
    assert page.status_code == 200 and "Hemmelig mål" not in page.content.decode()
    assert client.get(reverse("ips:caseload_profile", args=[entry.pk])).status_code == 403
    assert not AccessLog.objects.exists()


# --- employer contacts and jobs -------------------------------------------------------------------


def _contact_form(study, **extra):
    page = study.get(reverse("ips:contact_new"), extra).content.decode()
    return page.split('name="nonce" value="')[1].split('"')[0]


def test_recording_an_employer_contact_for_a_person(study, entry, specialist):
    nonce = _contact_form(study, entry=entry.pk)
    data = {
        "date": "2026-06-05",
        "employer_name": "Bakeriet på hjørnet",
        "organisation_number": "974760673",
        "face_to_face": "1",
        "entry": entry.pk,
        "specialist": specialist.pk,
        "nonce": nonce,
    }
    response = study.post(reverse("ips:contact_new"), data)
    assert response.status_code == 302 and response.url == reverse("ips:caseload_detail", args=[entry.pk])
    assert study.post(reverse("ips:contact_new"), data).status_code == 302  # the back button, or a double tap
    contact = EmployerContact.objects.get()
    assert contact.face_to_face and contact.entry == entry
    detail = study.get(reverse("ips:caseload_detail", args=[entry.pk])).content.decode()
    assert "Bakeriet på hjørnet" in detail


def test_a_bad_organisation_number_is_shown_at_its_field(study, specialist):
    data = {
        "date": "2026-06-05",
        "employer_name": "Bakeriet",
        "organisation_number": "974760672",
        "face_to_face": "0",
        "specialist": specialist.pk,
        "nonce": "x1",
    }
    response = study.post(reverse("ips:contact_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "organisasjonsnummer" in page.split('id="id_organisation_number"')[1][:600]
    assert not EmployerContact.objects.exists()


def test_the_contact_list_runs_a_fixed_number_of_queries(
    study, site, specialist, entry, django_assert_num_queries
):
    EmployerContactFactory.create_batch(3, entry=entry)
    with django_assert_num_queries(6):
        first = study.get(reverse("ips:contact_list"))
    EmployerContactFactory.create_batch(6, entry=entry)
    with django_assert_num_queries(6):
        study.get(reverse("ips:contact_list"))
    assert first.status_code == 200


def test_recording_a_job_then_counting_and_ending_it(study, entry):
    url = reverse("ips:caseload_job_new", args=[entry.pk])
    data = {
        "employer_name": "Kafé Kaia",
        "started_on": "2026-06-10",
        "hours_per_week": "12.5",
        "hourly_wage": "205.50",
        "job_type": "competitive",
        "nonce": "job-1",
    }
    assert study.post(url, data).status_code == 302
    assert study.post(url, data).status_code == 302
    job = JobStart.objects.get()
    assert str(job.hours_per_week) == "12.50" and str(job.hourly_wage) == "205.50" and not job.counts
    count = reverse("ips:job_count", args=[job.pk])
    assert study.post(count, {"four_paid_hours_on": "2026-06-09"}).status_code == 400
    assert study.post(count, {"four_paid_hours_on": "2026-06-11"}).status_code == 302
    end = reverse("ips:job_end", args=[job.pk])
    assert study.post(end, {"ended_on": "2026-06-30", "end_reason": "nope"}).status_code == 400
    assert study.post(end, {"ended_on": "2026-06-30", "end_reason": "fired"}).status_code == 302
    job.refresh_from_db()
    assert (job.four_paid_hours_on, job.ended_on, job.end_reason) == (D(2026, 6, 11), D(2026, 6, 30), "fired")


@pytest.mark.parametrize(
    "change",
    [{"hours_per_week": "-3"}, {"hourly_wage": "NaN"}, {"employer_name": ""}, {"started_on": "2026-05-01"}],
)
def test_bad_job_input_is_refused_with_nothing_written(study, entry, change):
    data = {
        "employer_name": "Kafé",
        "started_on": "2026-06-10",
        "hours_per_week": "10",
        "hourly_wage": "200",
        "job_type": "competitive",
        **change,
    }
    response = study.post(reverse("ips:caseload_job_new", args=[entry.pk]), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not JobStart.objects.exists()


# --- fidelity ---------------------------------------------------------------------------------------


def _review_data(score=4, **extra):
    data = {"reviewed_on": "2026-06-20", "reviewers": "Kari Revisor og Ola Revisor", "nonce": "rev-1"}
    data.update({f"item_{n}": str(score) for n in range(1, 26)})
    data.update(extra)
    return data


def test_a_fidelity_review_gets_its_total_and_band(study):
    response = study.post(reverse("ips:fidelity_new"), _review_data(item_1="5", item_2="5"))
    review = FidelityReview.objects.get()
    assert response.url == reverse("ips:fidelity_detail", args=[review.pk])
    assert review.total == 102 and review.band.code == "good"
    page = study.get(response.url).content.decode()
    assert "102" in page and "God" in page and "Størrelse på saksmengden" in page
    assert study.post(reverse("ips:fidelity_new"), _review_data()).status_code == 302  # same nonce
    assert FidelityReview.objects.count() == 1


def test_a_fidelity_review_with_an_item_missing_is_refused(study):
    data = _review_data()
    del data["item_17"]
    response = study.post(reverse("ips:fidelity_new"), {**data, "item_3": "6"})
    assert response.status_code == 400
    assert not FidelityReview.objects.exists()


def _reviews(site, count, start=None, **fields):
    start = start or D(2026, 6, 1)
    return [
        FidelityReviewFactory(site=site, reviewed_on=start - datetime.timedelta(days=n), **fields)
        for n in range(count)
    ]


def test_the_fidelity_list_runs_the_same_queries_however_long_it_is(study, site, django_assert_num_queries):
    _reviews(site, 2)
    _reviews(SiteFactory(), 1, reviewers="Et annet sted")
    study.get(reverse("ips:fidelity_list"))
    with django_assert_num_queries(3):  # session with user, sites, permissions; count and page of reviews
        page = study.get(reverse("ips:fidelity_list")).content.decode()
    assert len(re.findall(r'href="/ips/fidelity/\d+/"', page)) == 2
    assert "Et annet sted" not in page and "1.6.2026" in page and "God" in page
    _reviews(site, 60, start=D(2026, 1, 1))
    with django_assert_num_queries(3):
        study.get(reverse("ips:fidelity_list"))


def test_the_fidelity_list_shows_every_review_fifty_a_page_newest_first(study, site):
    [oldest] = _reviews(site, 1, start=D(2020, 1, 1), total=120)
    _reviews(site, 100)  # the list used to stop here without a word
    detail = reverse("ips:fidelity_detail", args=[oldest.pk])
    first = study.get(reverse("ips:fidelity_list")).content.decode()
    assert first.count('<tr class="') == 50 and detail not in first
    last = study.get(reverse("ips:fidelity_list"), {"page": 3}).content.decode()
    assert last.count('<tr class="') == 1 and detail in last and "1.1.2020" in last
    beyond = study.get(reverse("ips:fidelity_list"), {"page": "999"}).content.decode()
    assert beyond.count('<tr class="') == 1 and detail in beyond
    assert study.get(reverse("ips:fidelity_list"), {"page": "x"}).status_code == 200
    by_score = study.get(reverse("ips:fidelity_list"), {"sort": "-total"}).content.decode()
    assert detail in by_score
    assert study.get(reverse("ips:fidelity_list"), {"sort": "nonsense"}).status_code == 200


# --- the quarterly report -------------------------------------------------------------------------


def test_the_quarterly_report_page_and_pdf(study, entry, specialist):
    EmployerContactFactory(entry=entry, date=D(2026, 6, 3), face_to_face=True)
    JobStartFactory(entry=entry, started_on=D(2026, 6, 10), four_paid_hours_on=D(2026, 6, 11))
    page = study.get(reverse("ips:report"), {"year": "2026", "quarter": "2"})
    assert page.status_code == 200
    text = page.content.decode()
    assert specialist.get_full_name() in text and "1/1 (100 %)" in text
    assert study.get(reverse("ips:report"), {"year": "x", "quarter": "9"}).status_code == 400
    pdf = study.get(reverse("ips:report_pdf"), {"year": "2026", "quarter": "2"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout
        words = " ".join(text.decode().split())
        assert "Kvartalsrapport for veileder: Trondheim" in words and "2. kvartal 2026" in words
        assert "1/1 (100 %)" in words


def test_the_subject_access_export_holds_the_ips_log(client_for, entry):
    CareerProfile.objects.create(entry=entry, goals="Jobb i barnehage")
    EmployerContactFactory(entry=entry, employer_name="Barnehagen i bakken", date=D(2026, 6, 2))
    JobStartFactory(entry=entry, employer_name="Barnehagen i bakken", started_on=D(2026, 6, 20))
    response = client_for(Role.MANAGER).get(f"/referrals/participant/{entry.participant_id}/export.json")
    sections = response.json()["sections"]
    assert sections["ips_caseload"]["rows"][0]["goals"] == "Jobb i barnehage"
    assert sections["ips_caseload"]["rows"][0]["started_on"] == "2026-06-01"
    assert sections["ips_employer_contacts"]["rows"][0]["employer_name"] == "Barnehagen i bakken"
    assert sections["ips_jobs"]["rows"][0]["hourly_wage"] == "210.00"
