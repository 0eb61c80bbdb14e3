"""Speed figures for the audit trail and retention: what a history row costs a save, the history page,
and `apply_retention` on a year of people no longer seen. Everything is rolled back afterwards.

Hook: "dagsverket.bench.retention" in BENCH_MODULES (last: it must not change other modules' data).
"""

import datetime
import io
import time

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from dagsverket.models import Participant, Site, Visit
from dagsverket.roles import Role

from . import get_ok, median_ms


def _saving(person: Participant):
    counter = {"n": 0}

    def save():
        counter["n"] += 1
        person.phone = f"4{counter['n']:07d}"
        person.save()

    return save


def figures(context):
    with transaction.atomic():
        site, _ = Site.objects.get_or_create(name="Bench retention")
        manager, _ = User.objects.get_or_create(username="bench-retention-manager")
        manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
        site.staff.add(manager)
        person = Participant.objects.create(site=site, name="Bench history")

        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            bare = median_ms(_saving(person), repeat=50)
        tracked = median_ms(_saving(person), repeat=50)
        yield "history_save_ms", round(tracked, 3)
        yield "history_save_ratio", round(tracked / bare, 2)

        client = Client()
        client.force_login(manager)
        url = reverse("record_history", args=["dagsverket", "participant", person.pk])
        yield "history_page_ms", round(median_ms(get_ok(client, url), repeat=20), 1)

        # People last seen four years ago, a visit a week for a year each.
        today = timezone.localdate()
        count = 200 if context.small else 2000
        long_ago = timezone.now() - datetime.timedelta(days=5 * 365)
        people = [
            Participant(site=site, name=f"Bench gone {n}", phone="41234567", created_at=long_ago)
            for n in range(count)
        ]
        for somebody in people:
            somebody.save()  # one history row each, as in real life
        Visit.objects.bulk_create(
            Visit(
                participant=somebody,
                site=site,
                date=today - datetime.timedelta(days=4 * 365 + 7 * week),
                arrived_at=long_ago + datetime.timedelta(days=7 * week),
            )
            for somebody in people
            for week in range(52)
        )
        start = time.perf_counter()
        call_command("apply_retention", stdout=io.StringIO(), stderr=io.StringIO())
        elapsed = time.perf_counter() - start
        anonymised = Participant.objects.filter(pk__in=[p.pk for p in people], anonymised_at__isnull=False)
        yield "retention_people", anonymised.count()
        yield "retention_s", round(elapsed, 2)
        transaction.set_rollback(True)
