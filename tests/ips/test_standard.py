"""IPS figures by the practice standard, worked by hand on a small caseload. Quarter 2 of 2026
(1.4-30.6), read on 1.7.2026 (reference day 30.6).

Specialist (Ola) has a caseload; Sigrid has none in the quarter but makes 2 face-to-face contacts:
- P1 from 1.4: face-to-face contact 20.4 (day 19, in time); competitive job 5.4, counted 6.4, held
  86 days on 30.6 (not sustained: 13 weeks is 91 days);
- P2 from 1.3: one phone contact 5.3 only, so no face-to-face contact by 31.3: flagged; a
  sheltered job 10.4, counted 11.4: an "other" job, not a job start;
- P3 from 15.1: no contact at all: flagged; competitive job 1.3, counted 2.3, held 121 days on
  30.6: sustained; started before the quarter, so not a job start in it;
- P4 from 10.6: day 30 is 10.7, after the reference day: not flagged yet;
- one general face-to-face contact by Ola on 1.6.

Ola: job starts 1, other jobs 1, sustained 1, flagged 2; face to face in the quarter 20.4 and 1.6
= 2, per week 2 × 7 / 91 = 0.154 → 0.2.
Sigrid is not a column. The site: face to face 2 + 2 = 4, divided by the 1 specialist with a
caseload: 4 × 7 / 91 = 0.308 → 0.3.
"""

import datetime
from decimal import Decimal

import pytest

from dagsverket.ips import services
from dagsverket.ips.report import quarter_report
from dagsverket.ips.services import IpsError
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.usefixtures("frozen")


def d(day: int, month: int) -> datetime.date:
    return datetime.date(2026, month, day)


def _entry(site, specialist, start):
    return services.caseload_entry_create(
        site=site,
        participant=ParticipantFactory(site=site),
        specialist=specialist,
        started_on=start,
        by=specialist,
    )


def _contact(site, specialist, day, *, entry=None, face_to_face=True):
    return services.employer_contact_create(
        site=site,
        specialist=specialist,
        entry=entry,
        date=day,
        employer_name="Arbeidsgiver AS",
        face_to_face=face_to_face,
        by=specialist,
    )


def _job(entry, by, started, counted, job_type="competitive", wage="200"):
    job, _ = services.job_start_create(
        entry=entry,
        employer_name=f"Jobb {started}",
        started_on=started,
        hours_per_week=Decimal("20"),
        hourly_wage=Decimal(wage),
        job_type=job_type,
        four_paid_hours_on=counted,
        by=by,
    )
    return job


def test_the_quarter_report_follows_the_ips_standard(site, specialist, second_specialist):
    p1, p2, p3, _p4 = (_entry(site, specialist, start) for start in (d(1, 4), d(1, 3), d(15, 1), d(10, 6)))
    _contact(site, specialist, d(20, 4), entry=p1)
    _job(p1, specialist, d(5, 4), d(6, 4))
    _contact(site, specialist, d(5, 3), entry=p2, face_to_face=False)
    _job(p2, specialist, d(10, 4), d(11, 4), job_type="other")
    _job(p3, specialist, d(1, 3), d(2, 3))
    _contact(site, specialist, d(1, 6))
    _contact(site, second_specialist, d(2, 5))
    _contact(site, second_specialist, d(3, 5))
    report = quarter_report(site=site, year=2026, quarter=2, today=d(1, 7))
    assert [row.name for row in report.rows] == [specialist.get_full_name()]  # Sigrid has no caseload
    ola = report.rows[0]
    assert (ola.job_starts, ola.other_job_starts, ola.sustained, ola.no_contact_30_days) == (1, 1, 1, 2)
    assert (ola.face_to_face, ola.face_to_face_per_week) == (2, Decimal("0.2"))
    site_row = report.total
    assert site_row.face_to_face == 4 and site_row.face_to_face_per_week == Decimal("0.3")
    assert site_row.job_starts == 1 and site_row.other_job_starts == 1


def test_impossible_jobs_and_contacts_are_refused(site, specialist):
    entry = _entry(site, specialist, d(1, 3))
    with pytest.raises(IpsError) as refused:
        _job(entry, specialist, d(1, 4), None, wage="0")
    assert refused.value.code == "wage"
    job = _job(entry, specialist, d(5, 4), d(8, 4))
    with pytest.raises(IpsError) as refused:
        services.job_end(job=job, ended_on=d(6, 4), reason="quit", by=specialist)  # before it counted
    assert refused.value.code == "end_before_counted"
    services.caseload_entry_end(entry=entry, ended_on=d(30, 4), reason="moved", by=specialist)
    entry.refresh_from_db()
    with pytest.raises(IpsError) as refused:
        _job(entry, specialist, d(2, 5), None)
    assert refused.value.code == "after_end"
    with pytest.raises(IpsError) as refused:
        _contact(site, specialist, d(2, 5), entry=entry)
    assert refused.value.code == "after_end"
