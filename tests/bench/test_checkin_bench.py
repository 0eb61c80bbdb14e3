"""The check-in benchmark module builds what it says and measures real answers.

Run on a small data set (the real run uses 10 000 people and 1 000 000 visits); the figures are
not judged here (speed is proven by `make bench`), only that they come from working requests.
"""

import datetime
import io
import types

import pytest
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from dagsverket.bench import checkin, core
from dagsverket.models import Participant, Site, Visit

SIZES = (300, 1_500, 4_500)


@pytest.fixture
def context():
    return types.SimpleNamespace(small=True, stdout=io.StringIO(), baseline_ms=None, checkin_sizes=SIZES)


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF="dagsverket.bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False)
def test_the_checkin_bench_builds_its_history_and_measures_every_figure(context, migration_data):
    figures = dict(core.figures(context))
    figures.update(checkin.figures(context))

    site = Site.objects.get(name="Bench")
    people, _early, late = SIZES
    assert Participant.objects.filter(site=site).count() == people
    history = Visit.objects.filter(site=site).exclude(date=timezone.localdate())
    assert history.count() == late
    # Every participant came on the same number of past days, once a day, and never today or later.
    per_day = history.values("participant", "date").annotate(n=Count("id")).filter(n__gt=1)
    assert not per_day.exists()
    assert history.latest("date").date == timezone.localdate() - datetime.timedelta(days=1)
    # The check-ins measured are real: one visit today per tap, warm-ups included.
    assert Visit.objects.filter(site=site, date=timezone.localdate()).count() == 100 + 3

    expected = {
        "empty_view_ms",
        "login_page_ratio",
        "checkin_build_s",
        "checkin_empty_view_ms",
        "checkin_search_ms",
        "checkin_search_ratio",
        "checkin_post_ms",
        "checkin_post_ratio",
        "checkin_growth",
        "empty_staff_view_ms",
        "empty_staff_view_ratio",
        "checkin_search_staff_ratio",
        "checkin_post_staff_ratio",
    }
    assert set(figures) == expected
    assert all(value > 0 for value in figures.values())
    # The staff baseline does more than the anonymous one (session, user, sites, permissions).
    assert figures["empty_staff_view_ms"] > figures["checkin_empty_view_ms"]
    assert figures["empty_staff_view_ms"] / figures["checkin_empty_view_ms"] == pytest.approx(
        figures["empty_staff_view_ratio"], rel=0.02
    )
    # The ratios are taken against the empty view measured in turns with the search.
    assert figures["checkin_search_ms"] / figures["checkin_empty_view_ms"] == pytest.approx(
        figures["checkin_search_ratio"], rel=0.01
    )
