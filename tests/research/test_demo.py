from django.core.management import call_command

from dagsverket.research.models import AllocationSlot, Enrolment, Response, Study


def test_seed_demo_adds_a_started_study_with_allocated_enrolments_and_answers(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", participants=20, days=7)
    study = Study.objects.get()
    assert study.is_started
    assert Enrolment.objects.filter(study=study, is_live=True).count() >= 4
    assert AllocationSlot.objects.filter(revealed_at__isnull=False).count() >= 3
    assert Response.objects.filter(valid=True).exists()
    assert study.project.evaluators.filter(username="evaluator").exists()
    assert "Research study:" in capsys.readouterr().out
