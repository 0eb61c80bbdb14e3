"""The quarterly supervisor report: the IPS figures per specialist and for the site.

Figures for a quarter (first day F, last day L, reference day R = L, or today while the quarter
runs):
- caseload: people on the caseload on R (warning above 20);
- the specialists are those with a caseload in the quarter (someone on it between F and R); a
  specialist with none is not a column, though their contacts count for the site;
- employer contacts from F to R, per week (for the site: per specialist with a caseload), and the
  face-to-face share; the standard's figure is face-to-face contacts per week (about 6);
- job starts: counted competitive jobs (4 paid hours) that started from F to R; other jobs
  (sheltered, trial, subsidised) are counted apart;
- no face-to-face employer contact within 30 days: people on the caseload on R whose first 30
  days have passed without one (no contact at all included);
- sustained work: counted competitive jobs held more than 13 weeks by R;
- working share on R;
- median days to first employer contact and to first job, over the people on the caseload at any
  time in the quarter who have got there;
- 90-day retention: counted jobs whose day 90 falls from F to R, still held on day 90.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from dagsverket.models import Site

from . import metrics
from .models import EmployerContact
from .selectors import metric_clients


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return first, following - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass
class Figures:
    name: str
    caseload: int
    contacts: int
    face_to_face: int
    contacts_per_week: Decimal
    face_to_face_per_week: Decimal
    job_starts: int
    other_job_starts: int
    no_contact_30_days: int
    sustained: int
    working: metrics.Ratio
    median_days_to_contact: Decimal | None
    median_days_to_job: Decimal | None
    retention: metrics.Ratio

    @property
    def caseload_too_large(self) -> bool:
        return metrics.caseload_too_large(self.caseload)

    @property
    def face_to_face_share(self) -> Decimal | None:
        return metrics.share(self.face_to_face, self.contacts)


@dataclass
class QuarterReport:
    site: Site
    year: int
    quarter: int
    first: datetime.date
    last: datetime.date
    reference: datetime.date
    rows: list[Figures]
    total: Figures

    @property
    def columns(self) -> list[Figures]:
        """The specialists, then the site: one column each in the report's table."""
        return [*self.rows, self.total]


def _figures(name, clients, contacts, face_to_face, first, reference, specialists=1) -> Figures:
    in_quarter = [
        client
        for client in clients
        if client.started_on <= reference and (client.ended_on is None or client.ended_on >= first)
    ]
    jobs = [job for client in clients for job in client.jobs]
    day_90_in_quarter = [
        job for job in jobs if job.started_on + datetime.timedelta(days=metrics.RETENTION_DAYS) >= first
    ]
    return Figures(
        name=name,
        caseload=metrics.caseload_size(clients, reference),
        contacts=contacts,
        face_to_face=face_to_face,
        contacts_per_week=metrics.per_week(contacts, first, reference, per=specialists),
        face_to_face_per_week=metrics.per_week(face_to_face, first, reference, per=specialists),
        job_starts=sum(
            1 for job in jobs if job.counts and job.competitive and first <= job.started_on <= reference
        ),
        other_job_starts=sum(
            1 for job in jobs if job.counts and not job.competitive and first <= job.started_on <= reference
        ),
        no_contact_30_days=sum(1 for client in clients if metrics.no_face_to_face_within(client, reference)),
        sustained=metrics.sustained_jobs(jobs, reference),
        working=metrics.working_share(clients, reference),
        median_days_to_contact=metrics.median_days(metrics.days_to_first_contact(c) for c in in_quarter),
        median_days_to_job=metrics.median_days(metrics.days_to_first_job(c) for c in in_quarter),
        retention=metrics.retention(day_90_in_quarter, reference),
    )


def quarter_report(*, site: Site, year: int, quarter: int, today: datetime.date) -> QuarterReport:
    """The figures per specialist (everyone with a caseload in the quarter) and for the site."""
    first, last = quarter_bounds(year, quarter)
    reference = min(last, max(today, first))
    # Jobs reach day 90 in the quarter up to 90 days after the person left, so load that far back.
    clients = metric_clients(
        site=site, first=first - datetime.timedelta(days=metrics.RETENTION_DAYS), last=reference
    )
    contact_counts = {
        row["specialist"]: row
        for row in EmployerContact.objects.filter(site=site, date__gte=first, date__lte=reference)
        .values("specialist")
        .annotate(count=Count("pk"), face=Count("pk", filter=Q(face_to_face=True)))
    }
    # A column per specialist with someone on the caseload in the quarter.
    ids = {
        user_id
        for user_id, group in clients.items()
        if any(c.started_on <= reference and (c.ended_on is None or c.ended_on >= first) for c in group)
    }
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}
    rows = []
    for user_id in sorted(ids, key=lambda pk: (users[pk].get_full_name() or users[pk].username).casefold()):
        counts = contact_counts.get(user_id, {"count": 0, "face": 0})
        name = users[user_id].get_full_name() or users[user_id].username
        rows.append(
            _figures(name, clients.get(user_id, []), counts["count"], counts["face"], first, reference)
        )
    everyone = [client for group in clients.values() for client in group]
    total = _figures(
        site.name,
        everyone,
        sum(row["count"] for row in contact_counts.values()),
        sum(row["face"] for row in contact_counts.values()),
        first,
        reference,
        specialists=max(len(rows), 1),
    )
    return QuarterReport(site, year, quarter, first, last, reference, rows, total)
