"""`manage.py export_attendance --project ID --start … --end … --format csv --output FILE`."""

import datetime
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dagsverket.evaluation.downloads import FORMATS, iter_bundle, iter_export
from dagsverket.evaluation.exporters import AttendanceExporter
from dagsverket.evaluation.models import EvaluationProject
from dagsverket.evaluation.services import export_log_finish, export_log_record
from dagsverket.models import Site
from dagsverket.progress import Progress
from dagsverket.services import DagsverketError


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Export the pseudonymised visit-level attendance log of an evaluation project (streams)."
    # The system checks load the whole URLconf, every view and WeasyPrint with it (about 40 MB);
    # an export serves no request, and `manage.py check` runs in CI and at deploy.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, required=True)
        parser.add_argument("--start", type=_date, required=True)
        parser.add_argument("--end", type=_date, required=True)
        parser.add_argument("--format", choices=list(FORMATS), default="csv")
        parser.add_argument("--output", required=True, help="file to write, or - for standard output")
        parser.add_argument("--site", type=int, help="only this site (ID)")
        parser.add_argument(
            "--codebook", action="store_true", help="write a zip with metadata and the codebook"
        )
        parser.add_argument("--user", help="username recorded in the export log")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        project = EvaluationProject.objects.filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(f"no evaluation project with ID {options['project']}")
        site = None
        if options["site"]:
            site = Site.objects.filter(pk=options["site"]).first()
            if site is None:
                raise CommandError(f"no site with ID {options['site']}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
        progress = None if options["no_progress"] else Progress("export", stream=sys.stderr)
        exporter = AttendanceExporter(
            project=project,
            start=_date(options["start"]),
            end=_date(options["end"]),
            site=site,
            progress=progress,
        )
        try:
            exporter.prepare()
        except DagsverketError as error:
            raise CommandError(str(error.message)) from error
        fmt = options["format"]
        entry = export_log_record(
            user=user,
            project=project,
            kind="attendance",
            parameters={
                **exporter.parameters(),
                "format": fmt,
                "codebook": options["codebook"],
                "via": "command",
            },
            row_count=exporter.row_count,
        )
        if options["codebook"]:
            stream = iter_bundle(exporter, fmt, f"attendance.{FORMATS[fmt][1]}")
        else:
            stream = iter_export(exporter, fmt)
        if options["output"] == "-":
            out = sys.stdout.buffer
            for chunk in stream:
                out.write(chunk)
            out.flush()
        else:
            with open(options["output"], "wb") as out:
                for chunk in stream:
                    out.write(chunk)
        export_log_finish(entry=entry)
        for note in exporter.notes:
            self.stderr.write(str(note))
        self.stderr.write(f"{exporter.row_count} rows")
