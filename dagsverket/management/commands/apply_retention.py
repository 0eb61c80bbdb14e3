"""`manage.py apply_retention [--dry-run] [--today YYYY-MM-DD]`: remove what is no longer needed.

1. Payroll records past their keeping period (payroll/retention.py), with lines, payouts and history.
2. Participants inactive longer than RETENTION_INACTIVE_DAYS (dagsverket/privacy/retention.py).

Payroll goes first, so a person whose last kept payroll records just went is anonymised in the same
run. One transaction: all or nothing. Running it twice changes nothing the second time. Each real
run writes an activity-log entry with its counts; a dry run writes nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dagsverket.management.commands.export_attendance import _date
from dagsverket.models import ActivityLog
from dagsverket.privacy.retention import (
    inactive_before,
    logs_apply,
    logs_counts,
    participant_plan,
    participants_apply,
)
from dagsverket.progress import Progress
from payroll.retention import payroll_plan, payroll_remove

PROGRESS_FROM = 200  # show a progress bar for batches at least this big

LABELS = {
    "payslips": "payslips removed (with their lines and payouts)",
    "payslip_lines": "payslip lines removed",
    "payouts": "payouts removed",
    "payslips_held_by_later_corrections": "old payslips kept: a kept reversal or correction points at them",
    "tax_cards": "tax cards removed",
    "cash_boxes": "cash boxes removed",
    "cash_movements": "cash movements removed",
    "participants_anonymised": "participants anonymised",
    "participants_minimised_kept_for_payroll": "participants minimised (identity kept for payroll records)",
    "participants_kept_open_referral_consent_or_exclusion": (
        "inactive participants kept: open referral, valid consent or running exclusion"
    ),
    "visits_kept_without_identity": "visits of anonymised participants kept for statistics",
    "readiness_notes_cleared": "readiness notes cleared",
    "activity_log_entries_past_keeping": "activity log entries older than LOG_RETENTION_DAYS removed",
    "access_log_entries_past_keeping": "access log entries older than LOG_RETENTION_DAYS removed",
    "tablet_actions_past_keeping": "tablet offline-queue actions older than LOG_RETENTION_DAYS removed",
}


class Command(BaseCommand):
    help = "Anonymise long-inactive participants and remove payroll records past their keeping period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
        parser.add_argument("--today", type=_date, help="the day to apply the rules for (default: today)")

    def handle(self, *args, dry_run: bool = False, today: datetime.date | None = None, **options):
        today = today or timezone.localdate()
        self.stdout.write(
            f"Retention for {today:%Y-%m-%d}: participants not seen since before "
            f"{inactive_before(today):%Y-%m-%d} ({settings.RETENTION_INACTIVE_DAYS} days); payroll "
            f"records kept {settings.PAYROLL_RETENTION_YEARS} full years after their year."
        )
        with transaction.atomic():
            payroll = payroll_plan(today)
            counts = payroll.counts()
            if not dry_run:
                payroll_remove(payroll, progress=self._progress("Payroll", len(payroll.payslips)))
            # After the payroll removal: people whose last kept records just went are now free.
            people = participant_plan(today)
            counts |= people.counts()
            if not dry_run:
                participants_apply(
                    people,
                    now=timezone.now(),
                    progress=self._progress("Participants", len(people.anonymise) + len(people.minimise)),
                )
            counts |= logs_counts(today)
            if not dry_run:
                # After the people: the log entries about whoever was anonymised just now lose their words.
                logs_apply(today=today)
                ActivityLog.objects.create(
                    action="apply_retention",
                    object_type="retention",
                    object_id=today.isoformat(),
                    data={key: str(value) for key, value in counts.items()},
                )
        self.stdout.write(f"Payroll years before {payroll.first_kept_year} are past their keeping period.")
        verb = "would be" if dry_run else "done"
        for key, value in counts.items():
            self.stdout.write(f"  {key}: {value}  ({LABELS[key]}{'; ' + verb if dry_run else ''})")
        self.stdout.write("Dry run: nothing was written." if dry_run else "Done.")

    def _progress(self, label: str, total: int):
        return Progress(label, stream=self.stderr) if total >= PROGRESS_FROM else None
