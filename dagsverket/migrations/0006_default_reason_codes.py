"""Seed the default reason codes (both languages); managers can change or add to them later."""

from django.db import migrations

READINESS = [
    ("unwell", "Uvel eller syk", "Unwell"),
    ("intoxicated", "Påvirket", "Intoxicated"),
    ("no-work-clothes", "Mangler arbeidstøy", "No work clothes"),
    ("appointment", "Avtale et annet sted", "Appointment elsewhere"),
    ("chose-not-to-work", "Valgte å ikke jobbe", "Chose not to work"),
]
EXCLUSION = [
    ("intoxicated-at-work", "Påvirket på jobb", "Intoxicated at work"),
    ("violence-or-threats", "Vold eller trusler", "Violence or threats"),
    ("other", "Annet", "Other"),
]


def seed(apps, schema_editor):
    ReasonCode = apps.get_model("dagsverket", "ReasonCode")
    for kind, rows in (("readiness", READINESS), ("exclusion", EXCLUSION)):
        for order, (code, nb, en) in enumerate(rows):
            ReasonCode.objects.get_or_create(
                kind=kind, code=code, site=None, defaults={"label_nb": nb, "label_en": en, "sort_order": order}
            )


def unseed(apps, schema_editor):
    ReasonCode = apps.get_model("dagsverket", "ReasonCode")
    for kind, rows in (("readiness", READINESS), ("exclusion", EXCLUSION)):
        ReasonCode.objects.filter(kind=kind, site=None, code__in=[row[0] for row in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("dagsverket", "0005_checkin")]
    operations = [migrations.RunPython(seed, unseed)]
