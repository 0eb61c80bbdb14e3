"""Demo data for the IPS log: a caseload for the demo study user ("study") at the first site, with
employer contacts, jobs (some not yet counted, some ended), career profiles and a fidelity review.
All of it is fake."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from jobs.demo import _orgnr  # one way to make up organisation numbers

from .fidelity import ITEM_COUNT
from .models import CaseloadEntry, JobEndReason, JobType
from .services import (
    career_profile_save,
    caseload_entry_create,
    caseload_entry_end,
    employer_contact_create,
    fidelity_review_create,
    job_end,
    job_start_create,
)

CASELOAD = 16
# Invented employers; the organisation numbers are made up (valid check digit) when seeding.
EMPLOYERS = [
    "Nærbutikken Lademoen",
    "Park og vei, bydel Øst",
    "Bakeriet Bakklandet",
    "Matsentralen Nedre Elvehavn",
    "Byggservice Midt",
    "Gjenbruk Trondheim",
    "Lagerhuset Sluppen",
    "Hotell Brattøra",
    "Vaskeriet på Heimdal",
    "Byggmester Aune",
]
NOTES = ["Presenterte kandidat", "Spurte om ledige stillinger", "Oppfølging i jobb"]
PROFILE_TEXT = {
    "work_history": ["Lager og truck i fem år.", "Kjøkkenhjelp og oppvask.", "Anleggsarbeid, sesongjobber."],
    "preferences": ["Jobb ute, gjerne park og grøntarbeid.", "Dagtid, ikke helg.", "Lager eller sjåfør."],
    "goals": ["Fast deltidsstilling innen et år.", "20 timer i uka i vanlig jobb.", "Få førerkortet igjen."],
    "strengths": ["Punktlig og sterk.", "God med folk.", "Praktisk og nøyaktig."],
    "barriers": ["Trenger hjelp med CV.", "Usikker på hva som skal sies til arbeidsgiver.", "Ustabil bolig."],
}


def seed(context) -> None:
    site = context.sites[0]
    specialist = User.objects.filter(username="study").first()
    people = [p for p in context.participants.get(site.pk, []) if p.merged_into_id is None]
    if specialist is None or not people or CaseloadEntry.objects.filter(site=site).exists():
        return
    rng = context.rng
    today = timezone.localdate()
    employers = [(name, _orgnr(rng) if rng.random() < 0.5 else "") for name in EMPLOYERS]
    chosen = rng.sample(people, k=min(CASELOAD, len(people)))
    progress = context.progress(f"IPS caseload at {site.name}")
    jobs = 0
    for index, person in enumerate(chosen):
        started = today - datetime.timedelta(days=rng.randint(5, 260))
        entry = caseload_entry_create(
            site=site, participant=person, specialist=specialist, started_on=started, by=specialist
        )
        if rng.random() < 0.7:
            career_profile_save(
                entry=entry, by=specialist, **{key: rng.choice(texts) for key, texts in PROFILE_TEXT.items()}
            )
        last_record = started  # an end may not come before a record of the person (the services refuse it)
        for _ in range(rng.randint(0, 6)):
            day = started + datetime.timedelta(days=rng.randint(1, 75))
            if day <= today:
                last_record = max(last_record, day)
                name, number = rng.choice(employers)
                employer_contact_create(
                    site=site,
                    specialist=specialist,
                    entry=entry,
                    date=day,
                    employer_name=name,
                    organisation_number=number,
                    face_to_face=rng.random() < 0.7,
                    notes=rng.choice(NOTES),
                    by=specialist,
                )
        job_start = started + datetime.timedelta(days=rng.randint(14, 130))
        if rng.random() < 0.75 and job_start < today:
            counted = job_start + datetime.timedelta(days=rng.randint(0, 4))
            job, _created = job_start_create(
                entry=entry,
                employer_name=rng.choice(employers)[0],
                started_on=job_start,
                hours_per_week=Decimal(rng.choice(["8", "12.5", "15", "20", "30", "37.5"])),
                hourly_wage=Decimal(rng.choice(["185", "198.50", "210", "225"])),
                job_type=JobType.COMPETITIVE if rng.random() < 0.85 else JobType.OTHER,
                four_paid_hours_on=counted if counted <= today and rng.random() < 0.9 else None,
                by=specialist,
            )
            jobs += 1
            last_record = max(last_record, job_start)
            ended = job_start + datetime.timedelta(days=rng.randint(10, 160))
            if rng.random() < 0.35 and ended <= today:
                job_end(job=job, ended_on=ended, reason=rng.choice(JobEndReason.values), by=specialist)
        if rng.random() < 0.12:
            left = min(
                today - datetime.timedelta(days=1),
                max(last_record, started + datetime.timedelta(days=rng.randint(60, 200))),
            )
            if left >= last_record:
                caseload_entry_end(entry=entry, ended_on=left, reason="declined", by=specialist)
        progress(index + 1, len(chosen))
    for _ in range(12):  # job development without one person in mind
        name, number = rng.choice(employers)
        employer_contact_create(
            site=site,
            specialist=specialist,
            date=today - datetime.timedelta(days=rng.randint(0, 80)),
            employer_name=name,
            organisation_number=number,
            face_to_face=rng.random() < 0.6,
            by=specialist,
        )
    fidelity_review_create(
        site=site,
        reviewed_on=today - datetime.timedelta(days=100),
        reviewers="Fagrådet for IPS (fiktivt)",
        scores={item: rng.choice([3, 4, 4, 4, 5]) for item in range(1, ITEM_COUNT + 1)},
        by=specialist,
    )
    context.stdout.write(f"IPS: {len(chosen)} people on the study user's caseload, {jobs} jobs")
