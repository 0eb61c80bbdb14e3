from django.core.management import call_command

from dagsverket.ips.models import CaseloadEntry, EmployerContact, FidelityReview


def test_seed_demo_gives_the_study_user_a_caseload(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", participants=20, days=7)
    entries = CaseloadEntry.objects.filter(specialist__username="study")
    assert entries.count() == 16
    assert {entry.site.name for entry in entries} == {"Trondheim"}
    assert EmployerContact.objects.filter(entry__isnull=True).count() == 12
    assert FidelityReview.objects.count() == 1


def test_the_caseload_demo_never_ends_a_person_before_their_own_records(site, staff):
    """`make run` seeds 60 people: with some seeds an IPS end fell before that person's job start
    and the services refused it, so the demo stopped halfway. Twelve seeds (the old code failed on
    one of them), each rolled back."""
    import io
    import random
    from types import SimpleNamespace

    from django.db import transaction

    from dagsverket.ips import demo
    from dagsverket.roles import Role
    from tests.factories import ParticipantFactory

    staff[Role.STUDY].username = "study"
    staff[Role.STUDY].save()
    people = ParticipantFactory.create_batch(30, site=site)
    for seed in range(12):
        context = SimpleNamespace(
            sites=[site],
            participants={site.pk: people},
            rng=random.Random(seed),
            progress=lambda label: lambda done, total: None,
            stdout=io.StringIO(),
        )
        with transaction.atomic():
            demo.seed(context)
            assert CaseloadEntry.objects.filter(site=site).count() == 16
            for entry in CaseloadEntry.objects.filter(ended_on__isnull=False):
                assert not entry.jobs.filter(started_on__gt=entry.ended_on).exists()
            transaction.set_rollback(True)
