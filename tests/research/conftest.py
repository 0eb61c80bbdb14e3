"""A two-arm study at the test site, and helpers to take a person through screening."""

import datetime

import pytest
from django.utils import timezone

from dagsverket.referrals.services import consent_record
from dagsverket.research.models import Instrument
from dagsverket.research.services import enrolment_screen, study_create
from dagsverket.roles import Role
from tests.factories import ParticipantFactory


@pytest.fixture
def study(staff, site):
    today = timezone.localdate()
    return study_create(
        by=staff[Role.STUDY],
        name="Hekta-test",
        ethics_reference="REK 2026/999 (fiktiv)",
        purpose="Test",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=900),
        sites=[site],
        arms=[("course", "Self-help package and course", 1, True), ("ips", "IPS", 1, False)],
        stratification=["site", "sex", "age_band"],
        age_band_starts=[18, 35, 50],
        block_multiples=[2, 3],
        criteria=["In substance-use treatment", "Wants ordinary work"],
        instruments=list(Instrument.objects.all()),
        slots_per_stratum=12,
        evaluators=[staff[Role.EVALUATOR]],
    )


def give_research_consent(participant, study, by):
    today = timezone.localdate()
    return consent_record(
        participant=participant,
        purpose="research",
        given_on=today,
        valid_until=today + datetime.timedelta(days=800),
        method="paper",
        by=by,
        project=study.name,
    )


@pytest.fixture
def screened(study, staff, site):
    """`screened(sex="f", age=30, consent=True, eligible=True)` gives a screened enrolment."""

    def make(*, sex="f", age=30, consent=True, eligible=True, participant=None):
        participant = participant or ParticipantFactory(site=site)
        by = staff[Role.STUDY]
        if consent:
            give_research_consent(participant, study, by)
        answers = {str(criterion.pk): eligible for criterion in study.criteria.all()}
        return enrolment_screen(
            study=study,
            participant=participant,
            eligibility=answers,
            sex=sex,
            age=age,
            baseline_on=timezone.localdate(),
            responsible=by,
            by=by,
        )

    return make


def research_world(staff, site, person):
    """A started study with `person` allocated, a wave, an instrument and a course session; for the
    role matrix and the fuzz test."""
    from dagsverket.research.models import Wave
    from dagsverket.research.services import (
        allocation_reveal,
        course_session_create,
        enrolment_lock,
        study_start,
    )

    by = staff[Role.STUDY]
    today = timezone.localdate()
    study = study_create(
        by=by,
        name="Hekta-matrise",
        ethics_reference="REK 2026/1 (fiktiv)",
        purpose="",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=900),
        sites=[site],
        arms=[("course", "Kurs", 1, True), ("ips", "IPS", 1, False)],
        stratification=["site", "sex"],
        age_band_starts=[18],
        block_multiples=[2],
        criteria=["I behandling"],
        instruments=list(Instrument.objects.all()),
        slots_per_stratum=8,
        evaluators=[staff[Role.EVALUATOR]],
    )
    study_start(study=study, by=by)
    give_research_consent(person, study, by)
    enrolment = enrolment_screen(
        study=study,
        participant=person,
        eligibility={str(c.pk): True for c in study.criteria.all()},
        sex="m",
        age=40,
        baseline_on=today,
        responsible=by,
        by=by,
    )
    enrolment_lock(enrolment=enrolment, by=by)
    allocation_reveal(enrolment=enrolment, by=by)
    wave = Wave.objects.get(study=study, months=6)
    baseline = Wave.objects.get(study=study, months=0)
    from dagsverket.research.services import follow_up_record, response_record

    response = response_record(
        enrolment=enrolment,
        wave=baseline,
        instrument=baseline.instruments.get(code="audit"),
        answers={f"audit_{n}": 0 for n in range(1, 11)},
        answered_on=today,
        deviation_reason="Registrert etter trekning i testen",
        by=by,
    )
    follow_up = follow_up_record(
        enrolment=enrolment,
        wave=baseline,
        done_on=today,
        employment_status="none",
        hours_worked=None,
        income=None,
        benefits=[],
        gp_contacts=None,
        specialist_contacts=None,
        emergency_contacts=None,
        deviation_reason="Registrert etter trekning i testen",
        by=by,
    )
    session = course_session_create(
        study=study,
        arm=study.arms.get(code="course"),
        site=site,
        title="Kursdag 1",
        starts_at=timezone.now(),
        hours=3,
        by=by,
    )
    return {
        "study": study,
        "enrolment": enrolment,
        "wave": wave,
        "instrument": wave.instruments.get(code="audit"),
        "session": session,
        "response": response,
        "follow_up": follow_up,
    }
