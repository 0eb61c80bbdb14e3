"""Wave windows: due dates in months after baseline, windows either side, status on a day."""

import datetime

from dagsverket.research.models import Enrolment, Wave
from dagsverket.research.selectors import add_months, wave_window

D = datetime.date


def test_months_are_added_by_the_calendar_and_month_ends_are_kept():
    assert add_months(D(2026, 1, 15), 6) == D(2026, 7, 15)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 1), 12) == D(2027, 12, 1)
    assert add_months(D(2026, 3, 1), 0) == D(2026, 3, 1)


def test_a_wave_is_later_then_due_then_overdue_and_done_once_recorded():
    enrolment = Enrolment(baseline_on=D(2026, 1, 10))
    window = wave_window(enrolment, Wave(months=6, window_days=30))
    assert (window.due_on, window.opens_on, window.closes_on) == (
        D(2026, 7, 10),
        D(2026, 6, 10),
        D(2026, 8, 9),
    )
    assert window.status(D(2026, 6, 9), done=False) == "later"
    assert window.status(D(2026, 6, 10), done=False) == "due"
    assert window.status(D(2026, 8, 9), done=False) == "due"
    assert window.status(D(2026, 8, 10), done=False) == "overdue"
    assert window.status(D(2026, 8, 10), done=True) == "done"


def test_a_study_gets_the_default_waves(study):
    waves = [(w.code, w.months, w.kind, w.window_days) for w in study.waves.all()]
    assert waves == [
        ("baseline", 0, "questionnaire", 30),
        ("m6", 6, "questionnaire", 30),
        ("m12", 12, "questionnaire", 30),
        ("m18", 18, "registry", 30),
    ]
    assert study.waves.get(code="m18").instruments.count() == 0
    assert study.waves.get(code="m6").instruments.count() == 7  # every shipped instrument
