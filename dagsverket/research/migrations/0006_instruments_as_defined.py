"""WHOQOL-BREF with item answers and EQ-5D-5L as five dimensions and the VAS; the approved
period on existing studies.

Both instruments are licensed: no item texts are stored (items are numbered), and no EQ-5D value
set is bundled, so no EQ-5D index is computed. The older score-only rows stay for data already
entered.
"""

from django.db import migrations

LEVELS = [(value, str(value)) for value in range(1, 6)]
EQ5D5L_DIMENSIONS = [
    ("eq5d5l_mobility", "Gange"),
    ("eq5d5l_selfcare", "Personlig stell"),
    ("eq5d5l_activities", "Vanlige gjøremål"),
    ("eq5d5l_pain", "Smerter/ubehag"),
    ("eq5d5l_anxiety", "Angst/depresjon"),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("research", "Instrument")
    Item = apps.get_model("research", "Item")
    AnswerOption = apps.get_model("research", "AnswerOption")
    Study = apps.get_model("research", "Study")
    whoqol, created = Instrument.objects.get_or_create(
        code="whoqol_bref_items",
        defaults={
            "name": "WHOQOL-BREF (26 spørsmål, domeneskårer)",
            "source": "WHO 1996; lisens kreves, spørsmålstekstene er ikke med. Svar 1-5 per spørsmål.",
            "scoring": "whoqol_domains",
            "missing_rule": "invalid",
            "max_missing": 5,  # 20 % of 26 items, the WHOQOL-BREF manual's limit for a whole form
            "score_decimals": 2,
        },
    )
    if created:
        for number in range(1, 27):
            item = Item.objects.create(
                instrument=whoqol, number=number, code=f"whoqol_{number}", text=f"Spørsmål {number}"
            )
            AnswerOption.objects.bulk_create(
                [AnswerOption(item=item, value=v, label=label, order=v) for v, label in LEVELS]
            )
    eq5d, created = Instrument.objects.get_or_create(
        code="eq5d5l",
        defaults={
            "name": "EQ-5D-5L (fem dimensjoner og VAS)",
            "source": "EuroQol EQ-5D-5L, norsk versjon; lisens kreves. Ingen verdisett er med: "
            "ingen indeks beregnes.",
            "score_only": True,
            "scoring": "none",
            "missing_rule": "invalid",
            "max_missing": 0,
            "score_decimals": 0,
        },
    )
    if created:
        for number, (code, label) in enumerate(EQ5D5L_DIMENSIONS, 1):
            Item.objects.create(instrument=eq5d, number=number, code=code, text=label, min_value=1, max_value=5)
        Item.objects.create(instrument=eq5d, number=6, code="eq5d5l_vas", text="EQ VAS", min_value=0, max_value=100)
    for study in Study.objects.select_related("project").filter(approved_until__isnull=True):
        study.approved_from = study.project.starts_on
        study.approved_until = study.project.ends_on
        study.save(update_fields=["approved_from", "approved_until"])


class Migration(migrations.Migration):
    dependencies = [("research", "0005_trial_status_corrections_and_dates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
