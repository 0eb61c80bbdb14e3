"""The quarterly supervisor report on the constructed caseload of test_metrics, stored through the
services. Quarter 2 of 2026 (1.4-30.6), the report read on 1.7.2026.

Worked by hand for the specialist (see test_metrics.py for each person's dates):
- caseload on 30.6: Anna, Bjørn, Cecilie, Dag, Frida = 5;
- employer contacts 1.4-30.6: Frida's 4.5 and one general contact on 10.6 by phone = 2, 1 face to
  face; per week 2 × 7 / 91 = 0.15 → 0.2; face to face 0.08 → 0.1; share 50 %;
- job starts (counted, started in the quarter): Anna 1.4 and Frida 15.5 = 2 (Cecilie's 20.6 has
  not reached 4 paid hours);
- working on 30.6: Anna and Frida, 2 of 5;
- people on the caseload in the quarter: Anna, Bjørn, Cecilie, Dag, Frida (Eirik left 31.3).
  Days to first contact 10, 42, 2, 3 → median (3 + 10) / 2 = 6.5; to first job 27, 47, 14 → 27;
- 90-day retention: day 90 in the quarter: Anna 2.5 and 30.6, Bjørn 18.6, Eirik 25.4 (Eirik left
  IPS but his job still reaches day 90 in the quarter); kept: Anna twice and Eirik = 3 of 4.

A second specialist has 21 people from 1.6, no contacts, no jobs: caseload 21, over the limit.
The site: caseload 26, working 2 of 26, contacts 2 (per week per specialist: 2 × 7 / 91 / 2 = 0.1),
the same medians and retention.
"""

import datetime
from decimal import Decimal

import pytest

from dagsverket.ips import services
from dagsverket.ips.metrics import Ratio
from dagsverket.ips.report import quarter_bounds, quarter_report
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.usefixtures("frozen")


def d(day: int, month: int) -> datetime.date:
    return datetime.date(2026, month, day)


CASELOAD = [
    # name, start, left, contacts, jobs (start, counted, ended, reason)
    (
        "Anna",
        d(5, 1),
        None,
        [d(15, 1), d(20, 1)],
        [(d(1, 2), d(3, 2), None, ""), (d(1, 4), d(2, 4), None, "")],
    ),
    ("Bjørn", d(1, 2), None, [d(15, 3)], [(d(20, 3), d(21, 3), d(10, 5), "quit")]),
    ("Cecilie", d(1, 3), None, [d(3, 3)], [(d(20, 6), None, None, "")]),
    ("Dag", d(1, 4), None, [], []),
    ("Eirik", d(10, 1), d(31, 3), [d(12, 1)], [(d(25, 1), d(26, 1), d(30, 4), "temporary")]),
    ("Frida", d(1, 5), None, [d(4, 5)], [(d(15, 5), d(16, 5), None, "")]),
]


def build(site, specialist, second_specialist):
    for name, start, left, contacts, jobs in CASELOAD:
        person = ParticipantFactory(site=site, name=name)
        entry = services.caseload_entry_create(
            site=site, participant=person, specialist=specialist, started_on=start, by=specialist
        )
        for day in contacts:
            services.employer_contact_create(
                site=site,
                specialist=specialist,
                entry=entry,
                date=day,
                employer_name="Arbeidsgiver AS",
                face_to_face=True,
                by=specialist,
            )
        for number, (started, counted, ended, reason) in enumerate(jobs):
            job, _ = services.job_start_create(
                entry=entry,
                employer_name=f"Jobb {number}",
                started_on=started,
                hours_per_week=Decimal("20"),
                hourly_wage=Decimal("200"),
                four_paid_hours_on=counted,
                by=specialist,
            )
            if ended:
                services.job_end(job=job, ended_on=ended, reason=reason, by=specialist)
        if left:
            services.caseload_entry_end(entry=entry, ended_on=left, reason="moved", by=specialist)
    services.employer_contact_create(
        site=site,
        specialist=specialist,
        date=d(10, 6),
        employer_name="Kommunen",
        face_to_face=False,
        by=specialist,
    )
    for _ in range(21):
        services.caseload_entry_create(
            site=site,
            participant=ParticipantFactory(site=site),
            specialist=second_specialist,
            started_on=d(1, 6),
            by=second_specialist,
        )


def test_quarter_bounds():
    assert quarter_bounds(2026, 1) == (d(1, 1), d(31, 3))
    assert quarter_bounds(2026, 4) == (d(1, 10), datetime.date(2026, 12, 31))


def test_the_quarterly_report_gives_the_hand_worked_figures(
    site, specialist, second_specialist, django_assert_num_queries
):
    build(site, specialist, second_specialist)
    # entries, their contacts, their jobs, contact counts per specialist, the specialists
    with django_assert_num_queries(5):
        report = quarter_report(site=site, year=2026, quarter=2, today=d(1, 7))
    assert report.reference == d(30, 6)
    mine = next(row for row in report.rows if row.name == specialist.get_full_name())
    assert mine.caseload == 5 and not mine.caseload_too_large
    assert (mine.contacts, mine.face_to_face) == (2, 1)
    assert (mine.contacts_per_week, mine.face_to_face_per_week) == (Decimal("0.2"), Decimal("0.1"))
    assert mine.face_to_face_share == Decimal("0.5000")
    assert mine.job_starts == 2
    assert mine.working == Ratio(2, 5)
    assert mine.median_days_to_contact == Decimal("6.5")
    assert mine.median_days_to_job == Decimal("27.0")
    assert mine.retention == Ratio(3, 4)

    other = next(row for row in report.rows if row.name == "Sigrid Spesialist")
    assert other.caseload == 21 and other.caseload_too_large
    assert other.working == Ratio(0, 21) and other.retention == Ratio(0, 0)

    site_row = report.total
    assert site_row.caseload == 26
    assert site_row.working == Ratio(2, 26)
    assert site_row.contacts == 2
    # Per specialist: 2 × 7 / 91 / 2 = 0.077 → 0.1; face to face 1 × 7 / 91 / 2 = 0.038 → 0.0.
    assert (site_row.contacts_per_week, site_row.face_to_face_per_week) == (Decimal("0.1"), Decimal("0.0"))
    assert site_row.median_days_to_job == Decimal("27.0")
    assert site_row.retention == Ratio(3, 4)


def test_a_running_quarter_is_counted_up_to_today(site, specialist, second_specialist):
    build(site, specialist, second_specialist)
    report = quarter_report(site=site, year=2026, quarter=2, today=d(31, 5))
    assert report.reference == d(31, 5)
    mine = next(row for row in report.rows if row.name == specialist.get_full_name())
    # On 31.5 Bjørn has left his job (10.5); Anna and Frida work; the second caseload has not begun.
    assert mine.working == Ratio(2, 5)
    assert report.total.caseload == 5
