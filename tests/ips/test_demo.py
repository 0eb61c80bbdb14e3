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
