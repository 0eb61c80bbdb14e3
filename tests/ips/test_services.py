"""Writes of the IPS log: the rules each service keeps, and repeats that never make a second row."""

import datetime
from decimal import Decimal

import pytest

from dagsverket.ips import services
from dagsverket.ips.models import CaseloadEntry, EmployerContact, FidelityReview, JobStart
from dagsverket.ips.services import IpsError
from dagsverket.models import AccessLog, ActivityLog
from dagsverket.roles import Role
from dagsverket.services import DagsverketError
from tests.factories import CaseloadEntryFactory, ParticipantFactory

pytestmark = pytest.mark.usefixtures("frozen")
D = datetime.date


def test_a_participant_is_put_on_a_caseload_once_while_the_entry_is_open(site, specialist):
    person = ParticipantFactory(site=site)
    entry = services.caseload_entry_create(
        site=site, participant=person, specialist=specialist, started_on=D(2026, 6, 1), by=specialist
    )
    assert entry.specialist == specialist
    with pytest.raises(IpsError) as error:
        services.caseload_entry_create(
            site=site, participant=person, specialist=specialist, started_on=D(2026, 6, 2), by=specialist
        )
    assert error.value.code == "already_open"
    services.caseload_entry_end(entry=entry, ended_on=D(2026, 6, 20), reason="moved", by=specialist)
    again = services.caseload_entry_create(
        site=site, participant=person, specialist=specialist, started_on=D(2026, 6, 25), by=specialist
    )
    assert CaseloadEntry.objects.filter(participant=person).count() == 2
    assert ActivityLog.objects.filter(action="ips_entry_create", object_id=str(again.pk)).exists()


def test_the_specialist_must_hold_the_study_permission_at_the_site(site, staff):
    person = ParticipantFactory(site=site)
    with pytest.raises(IpsError) as error:
        services.caseload_entry_create(
            site=site, participant=person, specialist=staff[Role.PAYROLL], started_on=D(2026, 6, 1), by=None
        )
    assert (error.value.code, error.value.field) == ("specialist", "specialist")


def test_a_participant_of_another_site_is_refused(site, other_site, specialist):
    stranger = ParticipantFactory(site=other_site)
    with pytest.raises(IpsError) as error:
        services.caseload_entry_create(
            site=site, participant=stranger, specialist=specialist, started_on=D(2026, 6, 1), by=None
        )
    assert error.value.code == "participant"


def test_dates_in_the_future_and_ends_before_the_start_are_refused(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    with pytest.raises(IpsError) as error:
        services.caseload_entry_end(entry=entry, ended_on=D(2026, 7, 2), reason="moved", by=None)
    assert error.value.code == "future"
    with pytest.raises(IpsError) as error:
        services.caseload_entry_end(entry=entry, ended_on=D(2026, 5, 31), reason="moved", by=None)
    assert error.value.code == "end_before_start"


def test_an_employer_contact_with_a_bad_organisation_number_is_refused(site, specialist):
    with pytest.raises(DagsverketError) as error:
        services.employer_contact_create(
            site=site,
            specialist=specialist,
            date=D(2026, 6, 30),
            employer_name="Bakeriet AS",
            organisation_number="123456789",
            face_to_face=True,
            by=specialist,
        )
    assert (error.value.code, error.value.field) == ("invalid_orgnr", "organisation_number")
    assert not EmployerContact.objects.exists()


def test_a_repeated_contact_nonce_returns_the_first_contact(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    kwargs = {
        "site": site,
        "specialist": specialist,
        "entry": entry,
        "date": D(2026, 6, 3),
        "employer_name": "  Bakeriet   AS ",
        "organisation_number": "974 760 673",
        "face_to_face": True,
        "nonce": "abc",
        "by": specialist,
    }
    first, created = services.employer_contact_create(**kwargs)
    second, created_again = services.employer_contact_create(**kwargs)
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert (first.employer_name, first.organisation_number) == ("Bakeriet AS", "974760673")


def test_a_contact_before_the_ips_start_is_refused(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    with pytest.raises(IpsError) as error:
        services.employer_contact_create(
            site=site,
            specialist=specialist,
            entry=entry,
            date=D(2026, 5, 31),
            employer_name="X",
            face_to_face=False,
            by=None,
        )
    assert error.value.field == "date"


def _job(entry, **overrides):
    data = {
        "entry": entry,
        "employer_name": "Kafé Kaia",
        "started_on": D(2026, 6, 10),
        "hours_per_week": Decimal("15"),
        "hourly_wage": Decimal("205.50"),
        "by": None,
    }
    return services.job_start_create(**{**data, **overrides})


def test_a_job_counts_only_once_four_paid_hours_are_recorded(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    job, created = _job(entry)
    assert created and not job.counts
    with pytest.raises(IpsError) as error:
        services.job_start_count(job=job, four_paid_hours_on=D(2026, 6, 9), by=None)
    assert error.value.code == "counted_before_start"
    services.job_start_count(job=job, four_paid_hours_on=D(2026, 6, 12), by=None)
    job.refresh_from_db()
    assert job.counts and job.four_paid_hours_on == D(2026, 6, 12)
    with pytest.raises(IpsError):
        services.job_start_count(job=job, four_paid_hours_on=D(2026, 6, 13), by=None)


def test_the_same_employer_and_start_date_is_the_same_job(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    first, _ = _job(entry, nonce="one")
    second, created = _job(entry, nonce="two")
    assert first.pk == second.pk and not created
    assert JobStart.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_per_week": Decimal("0")}, "hours_per_week"),
        ({"hours_per_week": Decimal("81")}, "hours_per_week"),
        ({"hourly_wage": Decimal("-1")}, "hourly_wage"),
        ({"employer_name": "   "}, "employer_name"),
        ({"started_on": D(2026, 5, 1)}, "started_on"),
        ({"job_type": "volunteer"}, "job_type"),
        ({"four_paid_hours_on": D(2026, 6, 1)}, "four_paid_hours_on"),
    ],
)
def test_bad_job_input_is_refused_at_its_field(site, specialist, overrides, field):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    with pytest.raises(IpsError) as error:
        _job(entry, **overrides)
    assert error.value.field == field
    assert not JobStart.objects.exists()


def test_a_job_ends_once_with_a_reason(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    job, _ = _job(entry)
    services.job_end(job=job, ended_on=D(2026, 6, 20), reason="quit", by=None)
    job.refresh_from_db()
    assert (job.ended_on, job.end_reason) == (D(2026, 6, 20), "quit")
    with pytest.raises(IpsError) as error:
        services.job_end(job=job, ended_on=D(2026, 6, 21), reason="fired", by=None)
    assert error.value.code == "already_ended"


def test_a_fidelity_review_needs_all_twenty_five_items(site):
    scores = dict.fromkeys(range(1, 26), 5)
    review, created = services.fidelity_review_create(
        site=site,
        reviewed_on=D(2026, 6, 15),
        reviewers="A. Revisor, B. Revisor",
        scores=scores,
        nonce="n1",
        by=None,
    )
    assert created and review.total == 125 and review.band.code == "exemplary"
    assert review.scores.count() == 25
    again, created = services.fidelity_review_create(
        site=site, reviewed_on=D(2026, 6, 15), reviewers="A. Revisor", scores=scores, nonce="n1", by=None
    )
    assert again.pk == review.pk and not created
    with pytest.raises(IpsError):
        services.fidelity_review_create(
            site=site, reviewed_on=D(2026, 6, 15), reviewers="A", scores={1: 5}, by=None
        )
    assert FidelityReview.objects.count() == 1


def test_saving_a_career_profile_logs_the_change_but_not_the_text(site, specialist):
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    services.career_profile_save(entry=entry, by=specialist, goals="Fast jobb i barnehage")
    log = ActivityLog.objects.get(action="ips_profile_save")
    assert "barnehage" not in str(log.data)
    assert not AccessLog.objects.exists()


def test_leaving_ips_refuses_an_end_before_recorded_contacts_or_jobs(site, specialist):
    # On IPS from 1.6, a contact on 15.6 and a job from 18.6. Leaving on 10.6 leaves both after the
    # end (refused: contacts first); with the contact moved to a general one (no person) leaving on
    # 17.6 still leaves the job a day after (refused); 18.6 is the job's first day and is fine.
    entry = CaseloadEntryFactory(participant__site=site, specialist=specialist, started_on=D(2026, 6, 1))
    contact = services.employer_contact_create(
        site=site,
        specialist=specialist,
        date=D(2026, 6, 15),
        employer_name="Kafé Lyst",
        face_to_face=True,
        entry=entry,
        by=specialist,
    )[0]
    JobStart.objects.create(
        entry=entry,
        employer_name="Kafé Lyst",
        started_on=D(2026, 6, 18),
        hours_per_week=Decimal("10"),
        hourly_wage=Decimal("200"),
    )
    with pytest.raises(IpsError) as error:
        services.caseload_entry_end(entry=entry, ended_on=D(2026, 6, 10), reason="moved", by=specialist)
    assert (error.value.code, error.value.field) == ("contacts_after_end", "ended_on")
    EmployerContact.objects.filter(pk=contact.pk).update(entry=None)
    with pytest.raises(IpsError) as error:
        services.caseload_entry_end(entry=entry, ended_on=D(2026, 6, 17), reason="moved", by=specialist)
    assert (error.value.code, error.value.field) == ("jobs_after_end", "ended_on")
    entry.refresh_from_db()
    assert entry.ended_on is None
    assert not ActivityLog.objects.filter(action="ips_entry_end").exists()
    services.caseload_entry_end(entry=entry, ended_on=D(2026, 6, 18), reason="moved", by=specialist)
    entry.refresh_from_db()
    assert entry.ended_on == D(2026, 6, 18)
