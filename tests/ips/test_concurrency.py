"""Two tablets (or a double tap) sending the same form at once: one row, never two (PostgreSQL)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from dagsverket.ips.models import CaseloadEntry, EmployerContact, JobStart
from dagsverket.ips.services import IpsError, caseload_entry_create, employer_contact_create, job_start_create
from dagsverket.roles import Role
from tests.factories import CaseloadEntryFactory, ParticipantFactory, UserFactory


def _at_once(count, work):
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except IpsError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def setting(migration_data, site):
    specialist = UserFactory(username="samtidig", role=Role.STUDY, site=site)
    entry = CaseloadEntryFactory(
        participant=ParticipantFactory(site=site),
        specialist=specialist,
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    return specialist, entry


@pytest.mark.django_db(transaction=True)
def test_the_same_job_start_sent_twice_at_once_is_stored_once(on_postgres, setting):
    specialist, entry = setting
    day = timezone.localdate() - datetime.timedelta(days=3)

    def add():
        job, created = job_start_create(
            entry=entry,
            employer_name="Kaia kafé",
            started_on=day,
            hours_per_week=Decimal("20"),
            hourly_wage=Decimal("200"),
            nonce="same-form",
            by=specialist,
        )
        return job.pk, created

    results = _at_once(4, add)
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False, False, False, True]
    assert JobStart.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_job_from_two_forms_at_once_is_stored_once(on_postgres, setting):
    specialist, entry = setting
    day = timezone.localdate() - datetime.timedelta(days=3)
    nonces = iter(["tablet-a", "tablet-b"])
    lock = threading.Lock()

    def add():
        with lock:
            nonce = next(nonces)
        return job_start_create(
            entry=entry,
            employer_name="Kaia kafé",
            started_on=day,
            hours_per_week=Decimal("20"),
            hourly_wage=Decimal("200"),
            nonce=nonce,
            by=specialist,
        )[0].pk

    assert len(set(_at_once(2, add))) == 1
    assert JobStart.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_employer_contact_sent_twice_at_once_is_stored_once(on_postgres, setting, site):
    specialist, entry = setting

    def add():
        contact, created = employer_contact_create(
            site=site,
            specialist=specialist,
            entry=entry,
            date=timezone.localdate(),
            employer_name="Byggmester AS",
            face_to_face=True,
            nonce="contact-form",
            by=specialist,
        )
        return contact.pk, created

    results = _at_once(4, add)
    assert len({pk for pk, _created in results}) == 1
    assert EmployerContact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_person_put_on_ips_from_two_tablets_at_once_gets_one_entry(on_postgres, migration_data, site):
    specialist = UserFactory(username="samtidig2", role=Role.STUDY, site=site)
    person = ParticipantFactory(site=site)

    def add():
        return caseload_entry_create(
            site=site,
            participant=person,
            specialist=specialist,
            started_on=timezone.localdate(),
            by=specialist,
        ).pk

    results = _at_once(3, add)
    assert sorted(map(str, results)).count("already_open") == 2
    assert CaseloadEntry.objects.filter(participant=person).count() == 1
