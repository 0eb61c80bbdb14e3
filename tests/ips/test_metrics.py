"""The IPS figures on a constructed caseload, worked by hand.

The caseload of one specialist, reference day R = 30.6.2026 (2026 is not a leap year):

| person  | start | left | employer contacts | jobs: start / 4 paid hours reached / last day |
|---------|-------|------|-------------------|-----------------------------------------------|
| Anna    | 5.1   |      | 15.1, 20.1        | 1.2 / 3.2 / -  and  1.4 / 2.4 / -             |
| Bjørn   | 1.2   |      | 15.3              | 20.3 / 21.3 / 10.5 (quit)                     |
| Cecilie | 1.3   |      | 3.3               | 20.6 / not yet / -  (does not count)          |
| Dag     | 1.4   |      |                   |                                               |
| Eirik   | 10.1  | 31.3 | 12.1              | 25.1 / 26.1 / 30.4                            |
| Frida   | 1.5   |      | 4.5               | 15.5 / 16.5 / -                               |

Days to first employer contact: Anna 5.1→15.1 = 10; Bjørn 1.2→15.3 = 27 + 15 = 42; Cecilie 2;
Dag none; Eirik 2; Frida 3. Median of 2, 2, 3, 10, 42 = 3.
Days to first job (first counted job): Anna 5.1→1.2 = 27; Bjørn 1.2→20.3 = 28 + 19 = 47; Cecilie
none (her job has not reached 4 paid hours); Dag none; Eirik 15; Frida 14. Median of 14, 15, 27, 47
= (15 + 27) / 2 = 21.
On the caseload on R: Anna, Bjørn, Cecilie, Dag, Frida = 5 (Eirik left 31.3); no warning (≤ 20).
Working on R: Anna (two jobs, counted once) and Frida = 2 of 5 = 0.4.
90-day retention on R: day 90 of each counted job: Anna 1.2→2.5, Anna 1.4→30.6 (exactly R, so
included), Bjørn 20.3→18.6, Eirik 25.1→25.4, Frida 15.5→13.8 (after R, not yet eligible). Eligible 4;
still in the job on day 90: both of Anna's, Eirik (ended 30.4, after 25.4); Bjørn left 10.5. 3 of 4
= 0.75.
"""

import datetime
from decimal import Decimal

import pytest

from dagsverket.ips import metrics
from dagsverket.ips.metrics import Client, Job


def d(day: int, month: int) -> datetime.date:
    return datetime.date(2026, month, day)


R = d(30, 6)
ANNA = Client(d(5, 1), None, (d(15, 1), d(20, 1)), (Job(d(1, 2), d(3, 2)), Job(d(1, 4), d(2, 4))))
BJORN = Client(d(1, 2), None, (d(15, 3),), (Job(d(20, 3), d(21, 3), d(10, 5)),))
CECILIE = Client(d(1, 3), None, (d(3, 3),), (Job(d(20, 6), None),))
DAG = Client(d(1, 4))
EIRIK = Client(d(10, 1), d(31, 3), (d(12, 1),), (Job(d(25, 1), d(26, 1), d(30, 4)),))
FRIDA = Client(d(1, 5), None, (d(4, 5),), (Job(d(15, 5), d(16, 5)),))
CASELOAD = [ANNA, BJORN, CECILIE, DAG, EIRIK, FRIDA]


def test_days_to_first_employer_contact_are_counted_from_the_ips_start():
    assert [metrics.days_to_first_contact(c) for c in CASELOAD] == [10, 42, 2, None, 2, 3]


def test_days_to_first_job_count_only_jobs_with_four_paid_hours():
    assert [metrics.days_to_first_job(c) for c in CASELOAD] == [27, 47, None, None, 15, 14]


def test_medians_leave_out_people_who_have_not_got_there_yet():
    assert metrics.median_days(metrics.days_to_first_contact(c) for c in CASELOAD) == Decimal("3.0")
    assert metrics.median_days(metrics.days_to_first_job(c) for c in CASELOAD) == Decimal("21.0")
    assert metrics.median_days([None, None]) is None


def test_caseload_on_the_reference_day_leaves_out_people_who_left():
    assert metrics.caseload_size(CASELOAD, R) == 5
    # 31.3 is Eirik's last day (Anna, Bjørn, Cecilie, Eirik); on 1.4 Dag has come and Eirik gone.
    assert metrics.caseload_size(CASELOAD, d(31, 3)) == 4
    assert metrics.caseload_size(CASELOAD, d(1, 4)) == 4


def test_working_share_counts_a_person_with_two_jobs_once():
    ratio = metrics.working_share(CASELOAD, R)
    assert (ratio.part, ratio.whole, ratio.share) == (2, 5, Decimal("0.4000"))


def test_a_job_is_work_only_from_the_day_four_paid_hours_are_reached():
    assert not metrics.is_working(ANNA, d(2, 2))  # started 1.2, 4 hours reached 3.2
    assert metrics.is_working(ANNA, d(3, 2))
    assert metrics.is_working(BJORN, d(10, 5))  # the last day in the job is still a working day
    assert not metrics.is_working(BJORN, d(11, 5))
    assert not metrics.is_working(CECILIE, R)


def test_ninety_day_retention_on_the_constructed_caseload_is_three_of_four():
    jobs = [job for client in CASELOAD for job in client.jobs]
    ratio = metrics.retention(jobs, R)
    assert (ratio.part, ratio.whole, ratio.share) == (3, 4, Decimal("0.7500"))


def test_a_job_reaches_day_ninety_ninety_days_after_its_start():
    job = Job(d(1, 4), d(1, 4))
    assert metrics.retention([job], d(29, 6)).whole == 0
    assert metrics.retention([job], d(30, 6)).whole == 1
    ended_day_89 = Job(d(1, 4), d(1, 4), d(29, 6))
    ended_day_90 = Job(d(1, 4), d(1, 4), d(30, 6))
    assert metrics.retention([ended_day_89, ended_day_90], R) == metrics.Ratio(1, 2)


@pytest.mark.parametrize(("size", "warning"), [(0, False), (20, False), (21, True), (35, True)])
def test_a_caseload_above_twenty_gets_a_warning(size, warning):
    assert metrics.caseload_too_large(size) is warning


def test_shares_and_rates_never_divide_by_zero():
    assert metrics.working_share([], R).share is None
    assert metrics.retention([], R).share is None
    assert metrics.per_week(13, d(1, 4), d(30, 6)) == Decimal("1.0")  # 13 in 91 days
    assert metrics.per_week(6, d(1, 6), d(7, 6)) == Decimal("6.0")
    assert metrics.per_week(26, d(1, 4), d(30, 6), per=2) == Decimal("1.0")  # two specialists
    assert metrics.per_week(5, d(1, 4), d(30, 6), per=0) == Decimal("0.0")
