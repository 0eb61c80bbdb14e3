"""The check-in board's rows and readiness buttons, built in Python (`dagsverket/templatetags/board.py`):
the same markup as the templates they replaced, kept here as `board_rows_before.html` and
`readiness_buttons_before.html`."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from dagsverket.models import ReasonCode, Visit
from dagsverket.selectors import board_visits, readiness_reasons
from dagsverket.templatetags.board import readiness_buttons
from dagsverket.views.checkin import _row_context
from jobs.selectors import VisitOutcome
from tests.factories import ExclusionFactory, ParticipantFactory, VisitFactory, reason

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
HERE = Path(__file__).parent
ROWS_BEFORE = (HERE / "board_rows_before.html").read_text()
BUTTONS_BEFORE = (HERE / "readiness_buttons_before.html").read_text()
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def _board(site):
    """A morning's board with every kind of row: namesakes told apart, an excluded person, a
    reason not to work today, a lottery outcome with tasks, names that need escaping."""
    day = MORNING.date()
    ParticipantFactory(site=site, name="Kari", full_name="Kari Berg", birth_year=1980)
    kari = VisitFactory(
        participant=ParticipantFactory(site=site, name="Kari", full_name="Kari Hansen", birth_year=1971)
    )
    excluded = VisitFactory(participant=ParticipantFactory(site=site, name="Karl & <co>", full_name=""))
    ExclusionFactory(participant=excluded.participant, ends_on=datetime.date(2026, 3, 20))
    unwell = ReasonCode.objects.create(
        kind=ReasonCode.Kind.READINESS,
        code="odd",
        site=site,
        label_nb="Syk <i>&</i> sliten",
        label_en="Ill <i>&</i>",
    )
    VisitFactory(
        participant=ParticipantFactory(site=site, name="Per"), readiness="not_today", readiness_reason=unwell
    )
    drawn = VisitFactory(participant=ParticipantFactory(site=site, name="Åse"), readiness="light")
    visits = board_visits(site=site, day=day)[::-1]
    for visit in visits:
        if visit.pk == drawn.pk:
            visit.outcome = VisitOutcome(
                outcome="drawn", outcome_label="Trukket <ut>", tasks=("Snø & is", "Flytting")
            )
    assert {visit.pk for visit in visits} == {kari.pk, excluded.pk, drawn.pk} | {
        visit.pk for visit in Visit.objects.filter(readiness="not_today")
    }
    return visits, kari, excluded


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("extras", [False, True])
def test_the_board_rows_built_in_python_are_what_the_template_rendered(site, language, extras):
    reason("readiness", "unwell")
    site.readiness_checks = extras
    site.save()
    visits, kari, excluded = _board(site)
    request = RequestFactory().post("/checkin/in/")
    request.site = site
    engine = engines["django"]
    with translation.override(language):
        for extra in ({}, {"highlight": kari.pk}, {"highlight": excluded.pk, "correct": kari.pk}):
            context = _row_context(request, visits, **extra)
            assert context["buttons_excluded"] and 'value="ready"' not in context["buttons_excluded"]
            old_context = {
                **context,
                "buttons_all": engine.from_string(BUTTONS_BEFORE).render(
                    {"reasons": readiness_reasons(site)}
                ),
                "buttons_excluded": engine.from_string(BUTTONS_BEFORE).render(
                    {"reasons": readiness_reasons(site), "excluded": True}
                ),
            }
            new = render_to_string("dagsverket/_board_rows.html", context, request=request)
            old = engine.from_string(ROWS_BEFORE).render(old_context, request)
            assert TOKENS.sub("TOKEN", new) == TOKENS.sub("TOKEN", old)
            assert len(TOKENS.findall(new)) == 2 * len(visits)  # readiness and undo, each row
        # Without a request (as the sync's answers render): no CSRF field in either.
        context = _row_context(request, visits)
        bare = render_to_string("dagsverket/_board_rows.html", context)
        assert "csrfmiddlewaretoken" not in bare
        assert bare == engine.from_string(ROWS_BEFORE).render({**context})
    # The rows hold what they are meant to: namesakes told apart, escaped names and labels.
    for expected in (
        "Kari H. (1971)",
        "Karl &amp; &lt;co&gt;",
        "20.3.",
        "Trukket &lt;ut&gt;",
        "Snø &amp; is, Flytting",
        "lottery-drawn",
        "&lt;i&gt;&amp;&lt;/i&gt;",
    ):
        assert expected in new


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_readiness_buttons_built_in_python_are_what_the_template_rendered(site, language):
    reason("readiness", "unwell")
    ReasonCode.objects.create(
        kind=ReasonCode.Kind.READINESS, code="odd", site=site, label_nb="<b>&</b>", label_en="<b>&</b>"
    )
    reasons = readiness_reasons(site)
    assert len(reasons) >= 2
    engine = engines["django"]
    with translation.override(language):
        for excluded in (False, True):
            old = engine.from_string(BUTTONS_BEFORE).render({"reasons": reasons, "excluded": excluded})
            assert readiness_buttons(reasons, excluded=excluded) == old
            assert ('value="ready"' in old) is not excluded
        assert readiness_buttons([]) == engine.from_string(BUTTONS_BEFORE).render({"reasons": []})


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_reasons_read_with_the_tapped_person_are_the_sites_readiness_reasons_in_order(
    site, other_site, language
):
    from dagsverket.selectors import participant_for_check_in

    reason("readiness", "unwell")
    for code, sort_order, label_en in (
        ("b-late", 5, ""),
        ("b_late", 5, "Late"),
        ("a", 5, "A"),
        ("z", 1, "Zed"),
    ):
        ReasonCode.objects.create(
            kind=ReasonCode.Kind.READINESS,
            code=code,
            site=site,
            sort_order=sort_order,
            label_nb=f"nb {code}",
            label_en=label_en,
        )
    ReasonCode.objects.create(
        kind=ReasonCode.Kind.READINESS, code="gone", site=site, active=False, label_nb="Gone"
    )
    ReasonCode.objects.create(
        kind=ReasonCode.Kind.READINESS, code="there", site=other_site, label_nb="Elsewhere"
    )
    ReasonCode.objects.create(kind=ReasonCode.Kind.EXCLUSION, code="fight", site=site, label_nb="Fight")
    person = ParticipantFactory(site=site, name="Kari")
    with translation.override(language):
        expected = [(code.pk, code.label) for code in readiness_reasons(site)]
        read = participant_for_check_in(pk=person.pk, site=site, day=MORNING.date()).readiness_reasons
    assert [(button.pk, button.label) for button in read] == expected
    labels = [label for _pk, label in expected]
    assert "Gone" not in labels and "Elsewhere" not in labels and "Fight" not in labels
    assert labels.index("Zed" if language == "en" else "nb z") < labels.index("nb b-late")  # by sort order
    assert ("nb b-late" in labels) and (("Late" if language == "en" else "nb b_late") in labels)
    # A site with no reasons of its own and none shared: no buttons, not a failure.
    ReasonCode.objects.filter(kind=ReasonCode.Kind.READINESS).delete()
    assert participant_for_check_in(pk=person.pk, site=site, day=MORNING.date()).readiness_reasons == []


NEW_ROW_BEFORE = (HERE / "board_new_row_before.html").read_text()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_answer_to_a_new_check_in_built_in_python_is_what_its_template_rendered(site, language):
    from dagsverket.templatetags.board import new_row_html

    reason("readiness", "unwell")
    visits, kari, excluded = _board(site)
    request = RequestFactory().post("/checkin/in/")
    request.site = site
    engine = engines["django"]
    with translation.override(language):
        for visit, flash, extra in (
            (kari, "Kari <H.> er sjekket inn (08:15).", {"oob": True}),
            (excluded, "Karl & co. Utestengt til 20.03.2026.", {"oob": True, "flash_error": True}),
            (kari, "", {}),
        ):
            row = [next(v for v in visits if v.pk == visit.pk)]
            context = _row_context(request, row, highlight=visit.pk, flash=flash, **extra)
            new = new_row_html(request, context)
            old = engine.from_string(NEW_ROW_BEFORE).render(context, request)
            assert TOKENS.sub("TOKEN", new) == TOKENS.sub("TOKEN", old)
            assert new.count('class="board-row') == 1 and new.count("csrfmiddlewaretoken") == 2
    assert "Kari &lt;H.&gt;" not in new  # the last case had no message: the line is hidden
    assert " hidden>" in new
