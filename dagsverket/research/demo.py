"""Demo data for the research trial: one fictitious study at the main site, started, with a few
enrolments revealed, a baseline and 6-month wave answered, and a course session."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from ..referrals.services import consent_record
from .models import AllocationSlot, Instrument, Study, Wave
from .services import (
    allocation_reveal,
    attendance_record,
    course_session_create,
    enrolment_lock,
    enrolment_screen,
    follow_up_record,
    response_record,
    study_create,
    study_start,
)

STUDY_NAME = "Hekta-demo: jobb i rusbehandling (fiktiv)"


def _answers(instrument: Instrument, rng) -> dict:
    answers = {}
    for item in instrument.items.all():
        if instrument.score_only:
            low, high = float(item.min_value), float(item.max_value)
            answers[item.code] = round(rng.uniform(max(low, 0), high), 2 if high <= 1 else 0)
        else:
            answers[item.code] = rng.choice([option.value for option in item.options.all()])
    return answers


def seed(context) -> None:
    if Study.objects.filter(name=STUDY_NAME).exists():
        return
    site = context.sites[0]
    rng = context.rng
    staff = (
        User.objects.filter(groups__name="study").first() or User.objects.filter(is_superuser=True).first()
    )
    manager = User.objects.filter(groups__name="manager").first()
    by = staff or manager
    today = timezone.localdate()
    instruments = list(Instrument.objects.prefetch_related("items__options", "bands"))
    study = study_create(
        by=by,
        name=STUDY_NAME,
        ethics_reference="REK sør-øst 2026/00000 (fiktiv)",
        purpose="Demo av en randomisert studie: selvhjelpskurs mot IPS for personer i rusbehandling.",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=900),
        sites=[site],
        arms=[("arm1", "Selvhjelpspakke og kurs", 1, True), ("arm2", "IPS", 1, False)],
        stratification=["site", "sex", "age_band"],
        age_band_starts=[18, 35, 50],
        block_multiples=[2, 3],
        criteria=["I rusbehandling", "Ønsker ordinært arbeid", "Kan svare på spørreskjema på norsk"],
        instruments=instruments,
        slots_per_stratum=60,
        evaluators=list(User.objects.filter(groups__name="evaluator")),
    )
    study_start(study=study, by=by)
    people = [p for p in context.participants[site.pk] if p.sex in {"f", "m"}][:8]
    progress = context.progress("Research trial enrolments")
    waves = {wave.months: wave for wave in Wave.objects.filter(study=study)}
    session = course_session_create(
        study=study,
        arm=study.arms.get(code="arm1"),
        site=site,
        title="Kursdag 1: jobbsøking",
        starts_at=timezone.now() - datetime.timedelta(days=150),
        hours=3,
        by=by,
    )
    for index, person in enumerate(people):
        baseline = today - datetime.timedelta(days=rng.randint(20, 260))
        consent_record(
            participant=person,
            purpose="research",
            given_on=baseline,
            valid_until=study.consent_until,
            method="paper",
            by=by,
            project=study.name,
        )
        age = person.age_on(today) or 40
        enrolment = enrolment_screen(
            study=study,
            participant=person,
            eligibility={str(c.pk): True for c in study.criteria.all()},
            sex=person.sex,
            age=min(max(age, study.min_age), study.max_age),
            baseline_on=baseline,
            responsible=staff,
            by=by,
        )

        def record(months, enrolment=enrolment, baseline=baseline):
            if baseline + datetime.timedelta(days=months * 30) > today:
                return
            wave = waves[months]
            done_on = min(baseline + datetime.timedelta(days=months * 30), today)
            for instrument in instruments:
                response_record(
                    enrolment=enrolment,
                    wave=wave,
                    instrument=instrument,
                    answers=_answers(instrument, rng),
                    answered_on=done_on,
                    by=by,
                )
            follow_up_record(
                enrolment=enrolment,
                wave=wave,
                done_on=done_on,
                employment_status=rng.choice(["none", "none", "ordinary", "supported"]),
                hours_worked=rng.choice([0, 0, 12, 40]),
                income=rng.choice([0, 0, 2400, 8000]),
                benefits=[rng.choice(["aap", "social", "disability"])],
                gp_contacts=rng.randint(0, 4),
                specialist_contacts=rng.randint(0, 10),
                emergency_contacts=rng.randint(0, 1),
                by=by,
            )

        if index == len(people) - 1:
            progress(index + 1, len(people))
            continue  # one screened, not yet locked
        record(0)  # baseline data comes before the allocation
        enrolment_lock(enrolment=enrolment, by=by)
        slot = allocation_reveal(enrolment=enrolment, by=by)
        record(6)
        if slot.arm_id == session.arm_id:
            attendance_record(session=session, enrolment=enrolment, attended=rng.random() < 0.8, by=by)
        progress(index + 1, len(people))
    allocated = AllocationSlot.objects.filter(allocation_list__study=study, revealed_at__isnull=False).count()
    context.stdout.write(f"Research study: {study.name} (ID {study.pk}), {allocated} allocated")
