import datetime
import random

import pytest
import time_machine

from dagsverket.roles import Role
from tests.browser.conftest import TABLET_LANDSCAPE, assert_touch_targets, login, screenshot
from tests.factories import EvaluationProjectFactory, ParticipantFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC), tick=True)
def test_the_evaluator_sees_suppressed_charts_and_no_names(tablet, staff, site):
    rng = random.Random(3)
    people = [ParticipantFactory(site=site, sex=rng.choice("fmx")) for _ in range(30)]
    day = datetime.date(2026, 1, 5)
    while day < datetime.date(2026, 7, 1):
        if day.weekday() < 5:
            for person in rng.sample(people, rng.randint(3, 18)):
                VisitFactory(
                    participant=person, date=day, readiness=rng.choice(["ready"] * 6 + ["not_today"])
                )
        day += datetime.timedelta(days=1)
    project = EvaluationProjectFactory(
        name="NTNU-evaluering 2026", evaluators=[staff[Role.EVALUATOR]], date_coarsening="week"
    )
    tablet.set_viewport_size(TABLET_LANDSCAPE)
    login(tablet, Role.EVALUATOR.value)
    assert tablet.url.endswith("/evaluation/")
    assert "NTNU-evaluering 2026" in tablet.content()
    assert_touch_targets(tablet)
    screenshot(tablet, "evaluation-home-1280")
    tablet.goto(
        tablet.base_url
        + f"/evaluation/dashboard/?project={project.pk}&site={site.pk}&start=2026-01-05&end=2026-07-05"
    )
    assert tablet.locator("svg.chart").count() >= 4
    content = tablet.content()
    for person in people:
        assert person.full_name not in content
    # Hidden cells are marked alike (never "<5") and explained under the figures.
    assert "&lt;5" not in content
    assert tablet.locator("svg.chart .hidden-cell").count() > 0
    assert tablet.locator(".hidden-explained").is_visible()
    # The axis labels of every chart stand apart.
    overlaps = tablet.evaluate(
        """() => Array.from(document.querySelectorAll("svg.chart")).map(svg => {
            const boxes = Array.from(svg.querySelectorAll("text[text-anchor=middle][font-size='11']"))
                .map(t => t.getBoundingClientRect());
            let bad = 0;
            for (let i = 1; i < boxes.length; i++) if (boxes[i].left < boxes[i - 1].right) bad++;
            return bad;
        })"""
    )
    assert overlaps and max(overlaps) == 0, overlaps
    assert_touch_targets(tablet)
    screenshot(tablet, "evaluation-dashboard-1280")
