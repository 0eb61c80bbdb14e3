"""The IPS figures as pure functions of plain data (no database), so they can be worked by hand.

Definitions (also in docs/IPS.md):

- A person is **on the caseload** on day D when their IPS start (the referral) is on or before D
  and they have not left (no end date, or the end date is on or after D).
- A job start **counts** from the day the person has worked 4 paid hours in it
  (`four_paid_hours_on`); a job without that date is not yet a job start for any figure.
- **Days to first employer contact**: from the IPS start to the first employer contact made for the
  person (same day = 0). None while there is none.
- **Days to first job**: from the IPS start to the start date of the first job that counts.
- A person is **working** on day D when a counted job has started on or before D, counted on or
  before D, and has not ended before D (an end date is the last day in the job).
- **Working share** on day D: people working / people on the caseload on D.
- **90-day retention** on a reference day R: of the counted jobs whose day 90 (start + 90 days) is on
  or before R, the share still held on day 90 (no end date, or an end date on or after day 90).
- **Caseload warning**: more than 20 people on one specialist's caseload (the IPS standard is 20
  or fewer).
- **Job starts** count competitive jobs only; sheltered, trial or subsidised jobs are a figure apart.
- **No face-to-face employer contact within 30 days**: a person on the caseload whose first 30 days
  (IPS start + 30) have passed without a face-to-face employer contact made for them, including
  people with no contact at all.
- **Sustained work**: a counted competitive job held more than 13 weeks (more than 91 days from its
  start to its last day, or to the reference day while it lasts).
"""

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CASELOAD_LIMIT = 20
RETENTION_DAYS = 90
FIRST_CONTACT_TARGET_DAYS = 30
SUSTAINED_DAYS = 91  # more than 13 weeks


@dataclass(frozen=True)
class Job:
    started_on: datetime.date
    counted_on: datetime.date | None = None  # the day 4 paid hours were reached
    ended_on: datetime.date | None = None
    competitive: bool = True

    @property
    def counts(self) -> bool:
        return self.counted_on is not None

    def held_on(self, day: datetime.date) -> bool:
        return (
            self.counted_on is not None
            and self.started_on <= day
            and self.counted_on <= day
            and (self.ended_on is None or self.ended_on >= day)
        )


@dataclass(frozen=True)
class Client:
    """One caseload entry: the IPS start and end, the employer contacts made for them, their jobs."""

    started_on: datetime.date
    ended_on: datetime.date | None = None
    contacts: Sequence[datetime.date] = field(default_factory=tuple)
    jobs: Sequence[Job] = field(default_factory=tuple)
    face_to_face: Sequence[datetime.date] = field(default_factory=tuple)

    def on_caseload(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


def share(part: int, whole: int) -> Decimal | None:
    """part/whole as a Decimal fraction with 4 places (None when there is nothing to divide)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def days_to_first_contact(client: Client) -> int | None:
    dates = [day for day in client.contacts if day >= client.started_on]
    return (min(dates) - client.started_on).days if dates else None


def days_to_first_job(client: Client) -> int | None:
    dates = [job.started_on for job in client.jobs if job.counts and job.started_on >= client.started_on]
    return (min(dates) - client.started_on).days if dates else None


def is_working(client: Client, day: datetime.date) -> bool:
    return any(job.held_on(day) for job in client.jobs)


@dataclass(frozen=True)
class Ratio:
    part: int
    whole: int

    @property
    def share(self) -> Decimal | None:
        return share(self.part, self.whole)


def working_share(clients: Iterable[Client], day: datetime.date) -> Ratio:
    """People working on `day` among the people on the caseload on `day`."""
    on_caseload = [client for client in clients if client.on_caseload(day)]
    return Ratio(sum(1 for client in on_caseload if is_working(client, day)), len(on_caseload))


def retention(jobs: Iterable[Job], reference: datetime.date, days: int = RETENTION_DAYS) -> Ratio:
    """Of the counted jobs whose day `days` is on or before `reference`, those still held that day."""
    eligible = [
        job for job in jobs if job.counts and job.started_on + datetime.timedelta(days=days) <= reference
    ]
    kept = [
        job
        for job in eligible
        if job.ended_on is None or job.ended_on >= job.started_on + datetime.timedelta(days=days)
    ]
    return Ratio(len(kept), len(eligible))


def caseload_size(clients: Iterable[Client], day: datetime.date) -> int:
    return sum(1 for client in clients if client.on_caseload(day))


def caseload_too_large(size: int) -> bool:
    return size > CASELOAD_LIMIT


def per_week(count: int, first: datetime.date, last: datetime.date, per: int = 1) -> Decimal:
    """A count over the days from `first` to `last` (both included) as a rate per 7 days, shared
    among `per` people (the site's contacts per specialist)."""
    days = (last - first).days + 1
    if days <= 0 or per <= 0:
        return Decimal("0.0")
    return (Decimal(count) * 7 / Decimal(days) / per).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median_days(values: Iterable[int | None]) -> Decimal | None:
    """The median of the known values (None are people who have not got there yet)."""
    known = sorted(value for value in values if value is not None)
    if not known:
        return None
    return Decimal(str(statistics.median(known))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def no_face_to_face_within(
    client: Client, reference: datetime.date, days: int = FIRST_CONTACT_TARGET_DAYS
) -> bool:
    """True when the person is on the caseload on `reference`, their first `days` days are over,
    and no face-to-face employer contact was made for them in those days (none at all included)."""
    deadline = client.started_on + datetime.timedelta(days=days)
    if not client.on_caseload(reference) or deadline > reference:
        return False
    return not any(client.started_on <= day <= deadline for day in client.face_to_face)


def sustained_jobs(jobs: Iterable[Job], reference: datetime.date, days: int = SUSTAINED_DAYS) -> int:
    """Counted competitive jobs held more than `days` days by `reference`."""
    return sum(
        1
        for job in jobs
        if job.counts
        and job.competitive
        and job.started_on <= reference
        and (min(job.ended_on or reference, reference) - job.started_on).days > days
    )
