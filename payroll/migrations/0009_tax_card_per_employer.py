from django.db import migrations, models


def _employer_key(site) -> str:
    # The same key as payroll.selectors.Employer.key: the organisation number, or the lone site.
    return site.organisation_number or f"site-{site.pk}"


def cards_belong_to_the_participants_employer(apps, schema_editor):
    """A card entered before cards were per employer was entered on the participant's own site's page:
    it belongs to that site's employer."""
    TaxCard = apps.get_model("payroll", "TaxCard")
    for card in TaxCard.objects.select_related("participant__site").filter(employer=""):
        TaxCard.objects.filter(pk=card.pk).update(employer=_employer_key(card.participant.site))


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0008_append_only_everywhere"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltaxcard",
            name="employer",
            field=models.CharField(
                default="",
                help_text="The card applies at the sites with this organisation number only.",
                max_length=20,
                verbose_name="employer (organisation number)",
            ),
        ),
        migrations.AddField(
            model_name="taxcard",
            name="employer",
            field=models.CharField(
                default="",
                help_text="The card applies at the sites with this organisation number only.",
                max_length=20,
                verbose_name="employer (organisation number)",
            ),
        ),
        migrations.RunPython(cards_belong_to_the_participants_employer, migrations.RunPython.noop),
    ]
