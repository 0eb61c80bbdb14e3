"""Search on the tablet (issue 16, item 7): phone, birth year, one typo, and what the results say."""

import datetime
from pathlib import Path

import pytest
import time_machine

from dagsverket.roles import Role
from dagsverket.selectors import near_prefix, participant_search
from tests.factories import ExclusionFactory, ParticipantFactory, VisitFactory

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.mark.parametrize(
    ("typed", "word", "near"),
    [
        ("kare", "kare", True),
        ("kar", "kare", True),  # a start
        ("seter", "saeter", True),  # a letter missing
        ("sater", "saeter", True),  # a letter missing
        ("sxeyer", "saeter", False),  # two letters wrong
        ("karre", "kare", True),  # an extra letter
        ("xyz", "kare", False),
        ("ka", "ko", False),  # short words must match exactly
    ],
)
def test_one_typo_is_forgiven_in_words_of_three_letters_or_more(typed, word, near):
    assert near_prefix(typed, word) is near


def test_search_finds_a_name_with_one_typo_while_typing(site):
    kaare = ParticipantFactory(site=site, name="Kåre", full_name="Kåre Sæter")
    ParticipantFactory(site=site, name="Kari", full_name="Kari Berg")
    assert kaare in participant_search(site=site, query="kåre seter")
    assert kaare in participant_search(site=site, query="kare saet")
    assert participant_search(site=site, query="kaare sæter") == [kaare]
    assert participant_search(site=site, query="zzz") == []


@pytest.mark.django_db(transaction=True)
def test_the_typo_search_uses_trigrams_on_postgresql(on_postgres, site):
    kaare = ParticipantFactory(site=site, name="Kåre", full_name="Kåre Sæter")
    ParticipantFactory(site=site, name="Kari", full_name="Kari Berg")
    assert participant_search(site=site, query="kare seter") == [kaare]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'participant_search_trgm'")
        assert cursor.fetchone() == (1,)


def test_search_by_phone_number_and_by_birth_year(site):
    kari = ParticipantFactory(site=site, name="Kari", phone="+4741234567", birth_date=None, birth_year=1971)
    # A fixed surname: a random one within a typo of "kari" ("Karlsen") would make Per a near match.
    per = ParticipantFactory(
        site=site, name="Per", full_name="Per Hansen", phone="", birth_date=None, birth_year=1985
    )
    assert participant_search(site=site, query="41234567") == [kari]
    assert participant_search(site=site, query="412 34 567") == [kari]
    assert participant_search(site=site, query="1985") == [per]
    assert participant_search(site=site, query="kari 1971") == [kari]
    assert participant_search(site=site, query="kari 1985") == []


def test_results_say_already_here_and_excluded_until_before_the_tap(client_for, site):
    here = ParticipantFactory(site=site, name="Åse", full_name="Åse Berg")
    VisitFactory(participant=here)
    away = ParticipantFactory(site=site, name="Åsmund", full_name="Åsmund Lie")
    ExclusionFactory(participant=away, ends_on=datetime.date(2026, 3, 20))
    body = client_for(Role.FRONT_DESK).get("/checkin/search/", {"q": "ås"}, HTTP_HX_REQUEST="true")
    body = body.content.decode()
    assert body.count("Allerede her") == 1 and "Utestengt til 20.3." in body


def test_a_second_exclusion_in_force_shows_the_later_end(client_for, site):
    away = ParticipantFactory(site=site, name="Åsmund", full_name="Åsmund Lie")
    ExclusionFactory(participant=away, ends_on=datetime.date(2026, 3, 20))
    ExclusionFactory(participant=away, ends_on=datetime.date(2026, 3, 25))
    body = client_for(Role.FRONT_DESK).get("/checkin/search/", {"q": "ås"}, HTTP_HX_REQUEST="true")
    assert "Utestengt til 25.3." in body.content.decode()


def _names_listed(client, query: str) -> list[str]:
    import re

    body = client.get("/checkin/search/", {"q": query}, HTTP_HX_REQUEST="true").content.decode()
    return re.findall(r'<span class="result-name">([^<]*)</span>', body)[:-1]  # the last: register new


def test_namesakes_at_the_site_are_told_apart_in_the_results_and_nobody_else_counts(
    client_for, site, other_site
):
    ParticipantFactory(site=site, name="Kari", full_name="Kari Hansen", birth_date=None, birth_year=1971)
    ParticipantFactory(site=other_site, name="Kari", full_name="Kari Lie", birth_date=None, birth_year=1985)
    client = client_for(Role.FRONT_DESK)
    assert _names_listed(client, "kari") == ["Kari"]  # the other site's Kari is not a namesake here
    merged = ParticipantFactory(
        site=site, name="KARI", full_name="Kari Berg", birth_date=None, birth_year=1990
    )
    assert sorted(_names_listed(client, "kari")) == ["KARI B. (1990)", "Kari H. (1971)"]
    merged.merged_into = ParticipantFactory(site=site, name="Karianne", full_name="Karianne Berg")
    merged.save()
    assert sorted(_names_listed(client, "kari")) == ["Kari", "Karianne"]  # merged away: not a namesake


def test_the_search_reads_as_many_queries_for_eight_results_as_for_one(client_for, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(Role.FRONT_DESK)
    first = ParticipantFactory(site=site, name="Kari", full_name="Kari Hansen")
    VisitFactory(participant=first)
    _names_listed(client, "kari")  # the session and the user are read once before
    with CaptureQueriesContext(connection) as one:
        assert len(_names_listed(client, "kari")) == 1
    for index in range(7):
        person = ParticipantFactory(site=site, name="Kari", full_name=f"Kari Hansen{index}")
        ExclusionFactory(participant=person, ends_on=datetime.date(2026, 3, 20))
    with CaptureQueriesContext(connection) as eight:
        assert len(_names_listed(client, "kari")) == 8
    # The session with the user, its sites and permissions; then the names that start with "kari"
    # (eight, so those that only contain it are not asked for), marked in the same query with the
    # namesakes, who is here and who is excluded (they were three queries per person once).
    queries = [query["sql"] for query in eight.captured_queries]
    assert len(queries) == 2, queries
    assert '"dagsverket_session"' in queries[0]
    assert "EXISTS" in queries[1] and '"dagsverket_exclusion"' in queries[1] and ") f JOIN" in queries[1]
    # Fewer than eight found: the names that only contain "kari", then the near matches (two
    # queries: the candidates, then their rows) follow.
    assert len(one.captured_queries) == len(eight.captured_queries) + 3


def test_the_board_and_the_answer_to_a_tap_tell_namesakes_apart(client_for, site, other_site):
    import re

    hansen = ParticipantFactory(
        site=site, name="Kari", full_name="Kari Hansen", birth_date=None, birth_year=1971
    )
    lie = ParticipantFactory(site=site, name="kari", full_name="Kari Lie", birth_date=None, birth_year=1985)
    alone = ParticipantFactory(
        site=site, name="Ola", full_name="Ola Nordmann", birth_date=None, birth_year=1980
    )
    ParticipantFactory(site=other_site, name="Ola", full_name="Ola Berg")  # another site: not a namesake
    client = client_for(Role.FRONT_DESK)
    for person in (hansen, alone):
        VisitFactory(participant=person)
    response = client.post("/checkin/in/", {"participant": lie.pk, "nonce": "n-1"}, HTTP_HX_REQUEST="true")
    assert re.findall(r'<span class="board-name">([^<]*)</span>', response.content.decode()) == [
        "kari L. (1985)"
    ]
    board = client.get("/checkin/").content.decode()
    names = [name for name in re.findall(r"<span class=\"board-name\">([^<]*)</span>", board) if name]
    assert sorted(names) == ["Kari H. (1971)", "Ola", "kari L. (1985)"]


def test_the_written_out_start_finds_what_the_orms_startswith_finds_in_its_order(site, other_site):
    """`_starting_with` asks "starts with" as a range, from the word to the word with its last
    letter moved on by one. Here it meets the ORM's `startswith` and the search's order on names
    at the edges of that range: one letter short or past it, digits, letters outside a-z, the
    same last visit (then by name) and none (last)."""
    from django.db.models import F, Q

    from dagsverket.models import Participant
    from dagsverket.selectors import _starting_with

    today = datetime.date(2026, 3, 2)
    names = [
        ("Kar", 3, 1971, ""),
        ("Kara", 3, 1980, "41234567"),
        ("Karz", 10, 1971, ""),
        ("Kas", 1, 1971, ""),
        ("Kaq", 1, 1990, ""),
        ("Ka", 2, 1971, ""),
        ("Kår Hansen", None, 1971, "41234567"),  # "kar hansen", never seen
        ("Kar9", 5, None, ""),
        ("Kar Øvre", 4, 1971, ""),  # "kar ovre"
        ("Юрий", 6, 1971, ""),
        ("Юрия", 7, 1971, ""),
        ("Юрiй", 8, 1971, ""),  # a Latin i among Cyrillic letters
        ("Zoë Kar", 9, 1971, ""),  # "zoe kar": contains "kar" but does not start with it
    ]
    for name, days_ago, year, phone in names:
        seen = today - datetime.timedelta(days=days_ago) if days_ago is not None else None
        ParticipantFactory(site=site, name=name, full_name="", last_seen=seen, birth_year=year, phone=phone)
    merged = ParticipantFactory(site=site, name="Karen", full_name="")
    merged.merged_into = Participant.objects.get(name="Kar")
    merged.save()
    ParticipantFactory(site=other_site, name="Kari", full_name="")

    def orm(first, others=(), years=(), phones=()):
        people = Participant.objects.filter(
            site=site, merged_into__isnull=True, search_name__startswith=first
        )
        for word in others:
            people = people.filter(Q(search_name__startswith=word) | Q(search_name__contains=" " + word))
        for year in years:
            people = people.filter(birth_year=int(year))
        for digits in phones:
            people = people.filter(phone__contains=digits)
        order = [F("last_seen").desc(nulls_last=True), "name"]
        return list(people.order_by(*order).values_list("name", flat=True))

    cases = [
        ("kar", [], [], []),
        ("ka", [], [], []),
        ("k", [], [], []),
        ("karz", [], [], []),
        ("kar9", [], [], []),
        ("kaq", [], [], []),
        ("юри", [], [], []),
        ("юрi", [], [], []),
        ("z", [], [], []),
        ("kar", ["o"], [], []),
        ("kar", ["h"], ["1971"], []),
        ("kar", [], ["1971"], ["1234"]),
        ("kar", [], [], ["4123"]),
    ]
    for first, others, years, phones in cases:
        found = _starting_with(
            site=site, first=first, others=others, years=years, phones=phones, limit=50, day=today
        )
        assert [person.name for person in found] == orm(first, others, years, phones), first
    # Worked out by hand for the first: the six names that start with "kar", the latest visit
    # first: Kar and Kara (both 3 days ago, so by name), Kar Øvre (4), Kar9 (5), Karz (10), and
    # Kår Hansen (never seen) last; not Karen (merged away), Kari (another site) or Zoë Kar.
    found = _starting_with(site=site, first="kar", others=[], years=[], phones=[], limit=50, day=today)
    assert [person.name for person in found] == ["Kar", "Kara", "Kar Øvre", "Kar9", "Karz", "Kår Hansen"]
    limited = _starting_with(site=site, first="kar", others=[], years=[], phones=[], limit=2, day=today)
    assert [person.name for person in limited] == ["Kar", "Kara"]


def test_the_written_out_marks_agree_with_the_models_own_conditions(site, other_site):
    """`_mark_results` writes its three marks out in SQL; here they meet the same rules in the ORM
    (as the search had them, with `Visit.objects.active` and `exclusions_in_force`) on every case
    that tells them apart: namesakes in other cases, merged away or at another site; visits undone,
    on another day or at another site; exclusions lifted, over, not yet begun, and two in force at
    once."""
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import Lower

    from dagsverket.models import Participant, Visit
    from dagsverket.selectors import _mark_results, exclusions_in_force, mark_namesakes

    today = MORNING.date()
    yesterday = today - datetime.timedelta(days=1)
    kari = ParticipantFactory(site=site, name="Kari")
    ParticipantFactory(site=site, name="KARI")  # a namesake, in capitals
    ola = ParticipantFactory(site=site, name="Ola")
    ParticipantFactory(site=site, name="ola", merged_into=ola)  # merged away: not a namesake
    per = ParticipantFactory(site=site, name="Per")
    ParticipantFactory(site=other_site, name="Per")  # another site: not a namesake
    here, undone, elsewhere, yesterdays = (ParticipantFactory(site=site, name=f"P{n}") for n in range(4))
    VisitFactory(participant=here)
    VisitFactory(participant=undone, undone_at=MORNING)
    VisitFactory(participant=elsewhere, site=other_site)
    VisitFactory(participant=yesterdays, date=yesterday)
    twice, lifted, over, later = (ParticipantFactory(site=site, name=f"E{n}") for n in range(4))
    ExclusionFactory(participant=twice, starts_on=yesterday, ends_on=today)
    ExclusionFactory(participant=twice, starts_on=today, ends_on=today + datetime.timedelta(days=9))
    ExclusionFactory(participant=lifted, lifted_at=MORNING)
    ExclusionFactory(participant=over, starts_on=today - datetime.timedelta(days=9), ends_on=yesterday)
    ExclusionFactory(participant=later, starts_on=today + datetime.timedelta(days=1))
    people = [kari, ola, per, here, undone, elsewhere, yesterdays, twice, lifted, over, later]

    _mark_results(people, day=today)
    written = {p.pk: (p.name_shared, p.here_today, p.excluded_until) for p in people}
    by_the_orm = {
        pk: (shared, here_today, until)
        for pk, shared, here_today, until in Participant.objects.filter(pk__in=written)
        .annotate(
            shared=Exists(
                Participant.objects.filter(site_id=OuterRef("site_id"), merged_into__isnull=True)
                .annotate(short=Lower("name"))
                .filter(short=Lower(OuterRef("name")))
                .exclude(pk=OuterRef("pk"))
            ),
            here_today=Exists(
                Visit.objects.active().filter(
                    site_id=OuterRef("site_id"), date=today, participant_id=OuterRef("pk")
                )
            ),
            until=Subquery(
                exclusions_in_force(today)
                .filter(participant_id=OuterRef("pk"))
                .order_by("-ends_on")
                .values("ends_on")[:1]
            ),
        )
        .values_list("pk", "shared", "here_today", "until")
    }
    assert written == by_the_orm
    # And the cases themselves, so that the two cannot agree by both being wrong.
    assert [written[p.pk][0] for p in (kari, ola, per)] == [True, False, False]
    assert [written[p.pk][1] for p in (here, undone, elsewhere, yesterdays)] == [True, False, False, False]
    assert [written[p.pk][2] for p in (twice, lifted, over, later)] == [
        today + datetime.timedelta(days=9),
        None,
        None,
        None,
    ]
    # `mark_namesakes` (the board, the tap's answer) is the same query without the day, and leaves
    # a person already marked as they are.
    fresh = [Participant.objects.get(pk=p.pk) for p in (kari, ola, per)]
    fresh[2].name_shared = True  # marked already: not asked again
    mark_namesakes(fresh)
    assert [person.name_shared for person in fresh] == [True, False, True]
    assert not hasattr(fresh[0], "here_today")


# The search's result rows as the template rendered them before they were built in Python
# (`dagsverket/templatetags/search_results.py`): the new rows must be the same markup.
ROWS_AS_THE_TEMPLATE_HAD_THEM = (Path(__file__).parent / "search_results_before.html").read_text()
ROWS_AS_BUILT_NOW = (
    "{% load l10n search_results %}{% localize off %}"
    "{% search_result_rows results in_url=in_url nonce=nonce %}{% endlocalize %}"
)
PARTIAL_AS_THE_TEMPLATE_HAD_IT = (Path(__file__).parent / "search_partial_before.html").read_text()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_result_rows_built_in_python_are_what_the_template_rendered(site, other_site, language):
    import re

    from django.template import engines
    from django.test import RequestFactory
    from django.utils import translation

    from dagsverket.templatetags.search_results import search_results_html

    today = MORNING.date()
    ParticipantFactory(site=site, name="Kari", full_name="Kari Berg", birth_year=1980)
    here = VisitFactory(
        participant=ParticipantFactory(
            site=site, name="Kari", full_name="Kari Hansen", nickname="<b>Kaja</b>", birth_year=1971
        )
    ).participant
    excluded = ParticipantFactory(site=site, name="Karl & co", full_name="Karl & co", birth_year=None)
    ExclusionFactory(participant=excluded, ends_on=datetime.date(2026, 3, 20))
    ParticipantFactory(site=site, name="Kasper", full_name="", nickname="", birth_year=None, last_seen=None)
    ParticipantFactory(site=other_site, name="Kasper")
    searched = participant_search(site=site, query="ka", day=today)
    assert here in searched and excluded in searched and len(searched) == 4  # not the other site's
    similar = participant_search(site=site, query="kari")  # as `_question` passes them: no marks
    for person in similar:
        del person.name_shared

    request = RequestFactory().get("/checkin/search/")
    request.site = site
    engine = engines["django"]
    tokens = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    rendered = {}
    with translation.override(language):
        for name, results in (("searched", searched), ("similar", similar), ("none", [])):
            context = {"results": results, "nonce": "c0ffee", "in_url": "/checkin/in/"}
            new = engine.from_string(ROWS_AS_BUILT_NOW).render(context, request)
            old = engine.from_string(ROWS_AS_THE_TEMPLATE_HAD_THEM).render(context, request)
            assert tokens.sub("TOKEN", new) == tokens.sub("TOKEN", old)
            assert len(tokens.findall(new)) == len(results)
            rendered[name] = new
        # The partial around the rows, built in Python too: the same markup as its template had,
        # for results, nobody found, the questions before registering and a query to escape.
        partial = {}
        for case, results, odd, like in (
            ("found", searched, False, False),
            ("none", [], False, False),
            ("odd", [], True, False),
            ("similar", similar, False, True),
            ("odd and similar", similar, True, True),
        ):
            for query in ("k", 'Kå "<b>&'):
                values = {"query": query, "results": results, "nonce": "c0ffee", "in_url": "/in/"}
                new = search_results_html(request, similar=like, odd_name=odd, **values)
                old = engine.from_string(PARTIAL_AS_THE_TEMPLATE_HAD_IT).render(
                    {**values, "similar": like, "odd_name": odd}, request
                )
                assert tokens.sub("TOKEN", new) == tokens.sub("TOKEN", old)
                assert len(tokens.findall(new)) == len(results) + 1
            partial[case] = new
        empty = {"query": "", "results": [], "nonce": "c0ffee", "in_url": "/in/"}
        assert search_results_html(request, **empty) == engine.from_string(
            PARTIAL_AS_THE_TEMPLATE_HAD_IT
        ).render(empty, request)
        nobody = f'<li class="empty">{translation.gettext("Nobody found.")}</li>'
    assert nobody not in partial["found"] and nobody in partial["none"] and nobody not in partial["odd"]
    assert partial["found"].count('class="result-button') == len(searched) + 1  # and "register new"
    # The cases hold what they are meant to: escaped names, both badges, namesakes told apart.
    first = rendered["searched"]
    for expected in (
        "«&lt;b&gt;Kaja&lt;/b&gt;»",
        "Karl &amp; co",
        "Kari H. (1971)",
        "Kari B. (1980)",
        "badge-ok",
    ):
        assert expected in first
    assert "badge-bad" in first and "20.3." in first
    assert "Kari H. (1971)" in rendered["similar"]  # namesakes told apart without the search's marks


def test_postgresql_plans_the_search_and_the_taps_read_once_per_connection(client_for, site, on_postgres):
    # Their planning (three subqueries) took longer than their execution.
    from django.db import connection

    person = ParticipantFactory(site=site, name="Kari", full_name="Kari Hansen")
    client = client_for(Role.FRONT_DESK)
    assert _names_listed(client, "kari") == ["Kari"]
    response = client.post("/checkin/in/", {"participant": person.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [statement for (statement,) in cursor.fetchall()]
    # The names that start with "kari", marked (the day first, three times, then the site and the
    # range), and the tap's read of the person with its marks and the readiness reasons.
    assert any(
        "EXISTS" in s and "search_name ~>=~ $5 AND p.search_name ~<~ $6" in s and "JOIN" in s
        for s in statements
    ), statements
    assert any(s.startswith('SELECT p."id"') and "p.id = $5 AND p.site_id = $6" in s for s in statements)


def test_postgresql_reads_the_names_that_start_with_the_word_from_the_index_alone(site, on_postgres):
    # The search's order and the ids come from the index of migration 0024 (an index-only scan);
    # only the eight people returned are read from the table. An order or a condition the index
    # does not hold would read every match from the table again.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(30):
        ParticipantFactory(site=site, name=f"Kari{number}", full_name=f"Kari Hansen{number}")
    with CaptureQueriesContext(connection) as captured:
        assert len(participant_search(site=site, query="kar h", day=MORNING.date())) == 8
    (sql,) = [query["sql"] for query in captured.captured_queries if ") f JOIN" in query["sql"]]
    with connection.cursor() as cursor:
        # A table this small is read whole by choice, and another index would do: ask whether an
        # index alone can answer, with every other way to read a table turned off.
        for way in ("seqscan", "bitmapscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{way} = off")
        cursor.execute("EXPLAIN " + sql)
        lines = [row for (row,) in cursor.fetchall()]
    # The node that asks for the range (the namesakes' subquery may use the index too).
    (ranged,) = [number for number, line in enumerate(lines) if "Index Cond" in line and "~>=~" in line]
    assert "Index Only Scan using participant_search_order" in lines[ranged - 1], "\n".join(lines)
