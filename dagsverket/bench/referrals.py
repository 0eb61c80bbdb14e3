"""Speed figures for referrals: the follow-up list, the participant's page, the two PDFs.

Hook: add "dagsverket.bench.referrals" to BENCH_MODULES in dagsverket/management/commands/bench.py.
"""

import datetime
import random

from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from dagsverket.models import Participant, Site, Visit
from dagsverket.referrals.models import Agency, AgencyType, Consent, Referral, ReferralStatus
from dagsverket.roles import Role

from . import get_ok, median_ms


def _data(small: bool):
    """One site, a manager, participants with visits, consents and referrals (a busy year)."""
    rng = random.Random(6)
    today = timezone.localdate()
    site, _ = Site.objects.get_or_create(name="Bench referrals")
    manager, _ = User.objects.get_or_create(username="bench-referrals-manager")
    manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
    site.staff.add(manager)
    agencies = [Agency.objects.get_or_create(name=f"Bench {kind.label}", type=kind)[0] for kind in AgencyType]
    people = [Participant(site=site, name=f"Bench {n}") for n in range(40 if small else 200)]
    for person in people:
        person.save()
    Visit.objects.bulk_create(
        Visit(
            participant=person,
            site=site,
            date=today - datetime.timedelta(days=day),
            arrived_at=timezone.now() - datetime.timedelta(days=day),
        )
        for person in people
        for day in range(1, 30)
        if rng.random() < 0.4
    )
    referrals = []
    for person in people:
        consent = Consent.objects.create(
            participant=person,
            purpose="sharing",
            agency_types=[AgencyType.NAV],
            given_on=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=300),
            method="spoken",
            recorded_by=manager,
        )
        for _ in range(rng.randint(1, 5)):
            referrals.append(
                Referral(
                    participant=person,
                    site=site,
                    agency=rng.choice(agencies),
                    area="work",
                    staff=manager,
                    date=today - datetime.timedelta(days=rng.randint(0, 60)),
                    follow_up_on=today - datetime.timedelta(days=rng.randint(-10, 20)),
                    status=ReferralStatus.SENT,
                    sent_on=today,
                    consent=consent,
                )
            )
    Referral.objects.bulk_create(referrals)
    return manager, people[0]


def figures(context):
    manager, person = _data(context.small)
    referral = Referral.objects.filter(participant=person).first()
    client = Client()
    client.force_login(manager)
    baseline = context.baseline_ms or 1.0
    follow_up = median_ms(get_ok(client, "/referrals/"), repeat=20)
    yield "referrals_follow_up_list_ratio", round(follow_up / baseline, 2)
    page = median_ms(get_ok(client, f"/referrals/participant/{person.pk}/"), repeat=20)
    yield "referrals_participant_page_ratio", round(page / baseline, 2)
    letter = median_ms(get_ok(client, f"/referrals/{referral.pk}/letter.pdf"), repeat=5, warmup=1)
    yield "referrals_letter_pdf_ms", round(letter, 1)
    export = median_ms(get_ok(client, f"/referrals/participant/{person.pk}/export.pdf"), repeat=5, warmup=1)
    yield "referrals_subject_access_pdf_ms", round(export, 1)
