"""`manage.py load_eq5d_value_set FILE.csv --name … --value-set-version … --country … --source …
[--study NAME]`: load an EQ-5D-5L value set as data (none is bundled: EuroQol licenses them) and
optionally name it as a study's value set. CSV columns `dimension,level,decrement`: the five
dimensions (mobility, selfcare, activities, pain, anxiety) with levels 1-5, and optionally one row
`constant,,<value>` taken off every state other than 11111."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dagsverket.research.models import ResearchError, Study
from dagsverket.research.services import study_value_set_set, value_set_load


class Command(BaseCommand):
    help = "Load an EQ-5D-5L value set from a CSV file (dimension,level,decrement)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True)
        parser.add_argument("--value-set-version", required=True, dest="value_set_version")
        parser.add_argument("--country", required=True)
        parser.add_argument("--source", required=True, help="publication or licence reference")
        parser.add_argument("--study", help="name of the study that is to use this value set")

    def handle(self, *args, **options):
        study = None
        if options["study"]:
            study = Study.objects.filter(name=options["study"]).first()
            if study is None:
                raise CommandError(f"no study named {options['study']!r}")
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            with transaction.atomic():
                value_set = value_set_load(
                    name=options["name"],
                    version=options["value_set_version"],
                    country=options["country"],
                    source=options["source"],
                    csv_text=text,
                    by=None,
                )
                if study is not None:
                    study_value_set_set(study=study, value_set=value_set, by=None)
        except ResearchError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"loaded {value_set}" + (f", used by {study.name}" if study else ""))
