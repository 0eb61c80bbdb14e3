"""Reads of the core domain that other apps rely on."""

import datetime
import functools
import json
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from . import extensions
from .auth import fields_in_order, rows_to_instance
from .models import ActivityLog, Exclusion, Participant, ReasonCode, Visit, localised_label, normalise_name
from .session_store import cursor_planned_once


def exclusions_in_force(day: datetime.date):
    """The exclusions (karantene) in force on `day`, as a QuerySet to filter or to use as a subquery."""
    return Exclusion.objects.filter(starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True)


def excluded_participant_ids(participant_ids, day: datetime.date) -> set[int]:
    """Which of these participants are excluded (karantene) on `day`; one query."""
    return set(
        exclusions_in_force(day)
        .filter(participant_id__in=list(participant_ids))
        .values_list("participant_id", flat=True)
    )


def participant_is_excluded(participant: Participant, day: datetime.date) -> Exclusion | None:
    """The exclusion in force for `participant` on `day`, if any."""
    return exclusions_in_force(day).filter(participant=participant).order_by("-ends_on").first()


def participant_search(
    *, site, query: str, limit: int = 8, day: datetime.date | None = None
) -> list[Participant]:
    """Search as you type: words of the name, nickname or full name that start with what was typed,
    accent-insensitive; names that start with it first, then people seen recently. A four-digit year
    matches the birth year, five digits or more the phone number. When that finds fewer than
    `limit`, people within one typo of what was typed follow ("kare seter" finds Kåre Sæter).

    Each result is marked `name_shared`, and with `day` (the check-in's search) `here_today`
    (checked in at the site that day) and `excluded_until` (the end of the exclusion in force that
    day, or None): in the same query as the names that start with the first word, and in one more
    for those found otherwise. Reads the site's participants, and with `day` only that day's
    visits, so it stays as fast as history grows."""
    words = normalise_name(query).split()
    if not words:
        return []
    this_year = timezone.localdate().year
    if all(word.isdigit() for word in words) and len("".join(words)) >= 5:
        words = ["".join(words)]  # a phone number typed in groups: "412 34 567"
    years = [word for word in words if len(word) == 4 and word.isdigit() and 1900 <= int(word) <= this_year]
    phones = [word for word in words if len(word) >= 5 and word.isdigit()]
    names = [word for word in words if word not in years and word not in phones]
    if names:
        # Names that start with the first word come first: asked for on their own, the database
        # reads them from the prefix index and sorts only those, and the rest ("contains") is asked
        # for only when they are too few. One query sorting every match took five times as long
        # (docs/PERFORMANCE.md, eleventh session). They come marked, in one written-out query, and
        # the ORM's queries below are built only when needed: building them cost as much as that
        # query.
        results = _starting_with(
            site=site, first=names[0], others=names[1:], years=years, phones=phones, limit=limit, day=day
        )
        if len(results) < limit:
            rest = _matches(site, names, years, phones).exclude(search_name__startswith=names[0])
            results += _marked(list(_in_search_order(rest)[: limit - len(results)]), day=day)
    else:
        results = _marked(list(_in_search_order(_matches(site, [], years, phones))[:limit]), day=day)
    if len(results) < limit and any(len(word) >= 3 for word in names):
        found = {person.pk for person in results}
        people = _matches(site, [], years, phones)
        near = [person for person in _near_matches(people, names, limit) if person.pk not in found]
        results += _marked(near[: limit - len(results)], day=day)
    return results


def _matches(site, names: list[str], years: list[str], phones: list[str]):
    """The search's people at `site` (not merged away) with these birth years and phone digits and a
    word starting with each of `names`."""
    people = Participant.objects.filter(site=site, merged_into__isnull=True)
    for year in years:
        people = people.filter(birth_year=int(year))
    for digits in phones:
        people = people.filter(phone__contains=digits)
    for word in names:
        people = people.filter(Q(search_name__startswith=word) | Q(search_name__contains=" " + word))
    return people


def _marked(people: list[Participant], *, day: datetime.date | None) -> list[Participant]:
    _mark_results(people, day=day)
    return people


def _starting_with(
    *, site, first: str, others: list[str], years: list[str], phones: list[str], limit: int, day
) -> list[Participant]:
    """The search's people whose name, nickname or full name (`search_name`) starts with `first`,
    and has a word starting with each of `others`, in the search's order, marked as
    `_mark_results` marks them: one query, written out and prepared on PostgreSQL.

    Built by the ORM, this was the search's dearest part: building the query took about as long as
    the database took to answer it, and a second query fetched the marks. "Starts with" is asked as
    a range, `first` <= name < `first` with its last letter moved on by one, which is the same
    thing in code-point order (PostgreSQL's pattern operators, SQLite's binary comparison) and,
    unlike a LIKE with a parameter, lets a prepared plan use the prefix index. The words come from
    `normalise_name`, letters and digits only: none of them can be a LIKE wildcard.
    `tests/dagsverket/test_search.py` holds it to the ORM's `startswith`."""
    after = ord(first[-1]) + 1
    if 0xD800 <= after <= 0xDFFF:  # no text holds a surrogate: the next code point there is
        after = 0xE000
    upper = first[:-1] + chr(min(after, 0x10FFFF))
    params: list = []
    if day is not None:
        day_value = connection.ops.adapt_datefield_value(day)
        params += [day_value, day_value, day_value]
    params += [site.pk, first, upper]
    for word in others:
        params += [word + "%", "% " + word + "%"]
    params += [int(year) for year in years]
    params += ["%" + digits + "%" for digits in phones]
    params.append(limit)
    sql = _starting_sql(connection.vendor, len(others), len(years), len(phones), day is not None)
    with cursor_planned_once(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    people = []
    count = len(_SEARCH_COLUMNS)
    for row in rows:
        person = rows_to_instance(Participant, row[:count], connection.alias, fields=_SEARCH_COLUMNS)
        person.name_shared = bool(row[count])
        if day is not None:
            person.here_today = bool(row[count + 1])
            person.excluded_until = _as_date(row[count + 2])
        people.append(person)
    return people


@functools.cache
def _starting_sql(vendor: str, others: int, years: int, phones: int, with_day: bool) -> str:
    """`_starting_with`'s query. Its parameters: with `with_day` the day three times (the marks),
    then the site, the first word and its upper bound, two patterns for each other word, the years,
    the phone patterns and the limit."""
    quote = connection.ops.quote_name
    table = quote(Participant._meta.db_table)
    columns = ", ".join(f"p.{quote(field.column)}" for field in fields_in_order(Participant, _SEARCH_COLUMNS))
    at_least, below = ("~>=~", "~<~") if vendor == "postgresql" else (">=", "<")
    where = [
        "p.merged_into_id IS NULL",
        "p.site_id = %s",
        f"p.search_name {at_least} %s",
        f"p.search_name {below} %s",
    ]
    where += ["(p.search_name LIKE %s OR p.search_name LIKE %s)"] * others
    where += ["p.birth_year = %s"] * years
    where += ["p.phone LIKE %s"] * phones
    marks = ", ".join(_mark_columns()[: 3 if with_day else 1])
    # The eight first by the order's columns and the id alone, then their rows: on PostgreSQL the
    # index of migration 0024 holds all of these, and only eight people are read from the table.
    found = (
        f"SELECT p.id, p.last_seen, p.name FROM {table} p WHERE {' AND '.join(where)}"  # noqa: S608
        " ORDER BY p.last_seen DESC NULLS LAST, p.name LIMIT %s"
    )
    order = "ORDER BY f.last_seen DESC NULLS LAST, f.name"
    return f"SELECT {columns}, {marks} FROM ({found}) f JOIN {table} p ON p.id = f.id {order}"  # noqa: S608


def _mark_results(people: list[Participant], *, day: datetime.date | None) -> None:
    """Mark the search's results in one query for all of them: `name_shared` (another person at the
    site has the same short name: `{% who %}` tells them apart without a query of its own), and
    with `day` `here_today` (checked in at their site that day) and `excluded_until` (the end of
    the latest exclusion in force that day, or None). For the people the search finds other than
    by `_starting_with` (which asks for the same marks, `_mark_columns`, in its own query), and for
    `mark_namesakes`.

    Written out: the ORM took longer to build it than the database took to answer. The same
    conditions as `Visit.objects.active` and `exclusions_in_force`; `tests/dagsverket/test_search.py`
    holds them to the ORM's."""
    if not people:
        return
    ids = [person.pk for person in people]
    params = list(ids)
    if day is not None:
        day_value = connection.ops.adapt_datefield_value(day)
        params = [day_value, day_value, day_value, *ids]
    with cursor_planned_once(connection) as cursor:
        cursor.execute(_marks_sql(len(ids), day is not None), params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    for person in people:
        # A person deleted since the search read them (the retention job's anonymising keeps the
        # row, but a test or an admin may delete one) is not marked rather than failing the page.
        marks = rows.get(person.pk, (False, False, None))
        person.name_shared = bool(marks[0])
        if day is not None:
            person.here_today = bool(marks[1])
            person.excluded_until = _as_date(marks[2])


@functools.cache
def _marks_sql(count: int, with_day: bool) -> str:
    """`_mark_results`'s query for `count` people: with `with_day`, its parameters are the day
    three times, then the ids; otherwise the ids alone."""
    table = connection.ops.quote_name(Participant._meta.db_table)
    columns = ", ".join(_mark_columns()[: 3 if with_day else 1])
    placeholders = ", ".join(["%s"] * count)
    return f"SELECT p.id, {columns} FROM {table} p WHERE p.id IN ({placeholders})"  # noqa: S608


def _mark_columns() -> tuple[str, str, str]:
    """The three marks of a participant `p` as SQL: another person at the site, not merged away,
    with the same short name in any case (the index of migration 0022); checked in at their site
    on the day (parameter 1; as `Visit.objects.active`); and the end of the latest exclusion in
    force that day (parameters 2 and 3; as `exclusions_in_force`)."""
    quote = connection.ops.quote_name
    people, visits, exclusions = (quote(model._meta.db_table) for model in (Participant, Visit, Exclusion))
    return (
        f"EXISTS (SELECT 1 FROM {people} other WHERE other.site_id = p.site_id"  # noqa: S608
        " AND other.merged_into_id IS NULL AND LOWER(other.name) = LOWER(p.name) AND other.id <> p.id)",
        f"EXISTS (SELECT 1 FROM {visits} v WHERE v.site_id = p.site_id AND v.date = %s"  # noqa: S608
        " AND v.participant_id = p.id AND v.undone_at IS NULL)",
        f"(SELECT MAX(e.ends_on) FROM {exclusions} e WHERE e.participant_id = p.id"  # noqa: S608
        " AND e.starts_on <= %s AND e.ends_on >= %s AND e.lifted_at IS NULL)",
    )


def mark_namesakes(people) -> None:
    """Set `name_shared` on each of these participants not marked yet, in one query however many:
    `{% who %}` then reads it instead of the site's whole list of shared names (a GROUP BY over
    every person)."""
    _mark_results([person for person in people if getattr(person, "name_shared", None) is None], day=None)


def participant_for_check_in(*, pk: int, site, day: datetime.date) -> Participant | None:
    """The participant a tap names, if at this site, marked for the answer in the same query:
    `name_shared` (for `{% who %}`), `excluded_until` (the exclusion in force on `day`, or None)
    and `marked_for` (that day); and `readiness_reasons`, what the answer's readiness buttons
    offer (`readiness_reasons` as `ReasonButton`s, in the current language). The marks are
    `_mark_results`'s, written out: built by the ORM, the query took four times as long to build as
    to answer, and the reasons were a round trip of their own."""
    if not -(2**63) <= pk < 2**63:  # as the ORM does: no such id (SQLite would raise OverflowError)
        return None
    day_value = connection.ops.adapt_datefield_value(day)
    params = [day_value, day_value, ReasonCode.Kind.READINESS.value, True, pk, site.pk]
    with cursor_planned_once(connection) as cursor:
        cursor.execute(_check_in_read_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    person = rows_to_instance(Participant, row[:-3], connection.alias)
    person.name_shared = bool(row[-3])
    person.excluded_until = _as_date(row[-2])
    person.marked_for = day
    person.readiness_reasons = _reason_buttons(row[-1], ordered=connection.vendor == "postgresql")
    return person


class ReasonButton(NamedTuple):
    """A "not fit today" reason as its button needs it."""

    pk: int
    label: str


def _reason_buttons(value, *, ordered: bool) -> list[ReasonButton]:
    """The reasons read as JSON with the participant: [id, label_nb, label_en, sort_order, code] each,
    labelled as `ReasonCode.label` labels them (`localised_label`). PostgreSQL aggregates them in
    `readiness_reasons`' order; SQLite's aggregate keeps no order, so they are sorted here, by code
    point as SQLite's ORDER BY compares."""
    rows = json.loads(value) if isinstance(value, str) else (value or [])
    if not ordered:
        rows.sort(key=lambda reason: (reason[3], reason[4]))
    return [ReasonButton(pk, localised_label(label_nb, label_en)) for pk, label_nb, label_en, *_order in rows]


@functools.cache
def _check_in_read_sql(vendor: str) -> str:
    """`participant_for_check_in`'s query; its parameters are the day twice, the reasons' kind and
    `True` (active), the participant's id and the site."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"p.{quote(field.column)}" for field in Participant._meta.concrete_fields)
    shared, _here_today, excluded = _mark_columns()
    reason = "r.id, r.label_nb, r.label_en, r.sort_order, r.code"
    aggregate = (
        f"json_agg(json_build_array({reason}) ORDER BY r.sort_order, r.code)"
        if vendor == "postgresql"
        else f"json_group_array(json_array({reason}))"
    )
    reasons = (
        f"(SELECT {aggregate} FROM {quote(ReasonCode._meta.db_table)} r"  # noqa: S608
        " WHERE r.kind = %s AND r.active = %s AND (r.site_id = p.site_id OR r.site_id IS NULL))"
    )
    return (
        f"SELECT {columns}, {shared}, {excluded}, {reasons} FROM {quote(Participant._meta.db_table)} p"  # noqa: S608
        " WHERE p.id = %s AND p.site_id = %s"
    )


def _as_date(value):
    """A date read by a written-out query: SQLite returns it as text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _in_search_order(people, names: list[str] | None = None):
    """The search's order and columns: with `names`, names that start with the first word first;
    then the people seen most recently."""
    order = [F("last_seen").desc(nulls_last=True), "name"]
    if names:
        people = people.annotate(
            starts=Case(When(search_name__startswith=names[0], then=Value(0)), default=Value(1))
        )
        order.insert(0, "starts")
    return people.only(*_SEARCH_COLUMNS).order_by(*order)


_SEARCH_COLUMNS = ("id", "name", "full_name", "nickname", "birth_year", "last_seen", "site_id")


def _near_matches(people, names: list[str], limit: int) -> list[Participant]:
    """People whose every typed word is within one typo of the start of one of their name words.

    On PostgreSQL pg_trgm's word similarity (with the trigram index of migration 0014) picks the
    candidates; elsewhere every name at the site is a candidate (a few thousand short strings). The
    same rule decides in both."""
    candidates = people
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        candidates = (
            people.annotate(similarity=TrigramWordSimilarity(" ".join(names), "search_name"))
            .filter(similarity__gte=0.3)
            .order_by("-similarity")[:100]
        )
    keep = [
        pk
        for pk, search_name in candidates.values_list("pk", "search_name")
        if all(any(near_prefix(word, name) for name in search_name.split()) for word in names)
    ]
    if not keep:
        return []
    return list(_in_search_order(Participant.objects.filter(pk__in=keep), names)[:limit])


def near_prefix(typed: str, word: str) -> bool:
    """`typed` is the start of `word`, or one typo (a letter wrong, missing or extra) away from it.
    Words under three letters must match exactly: one typo in two letters matches nearly anyone."""
    if word.startswith(typed):
        return True
    if len(typed) < 3:
        return False
    return any(_one_edit_apart(typed, word[:size]) for size in (len(typed) - 1, len(typed), len(typed) + 1))


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


def similar_participants(
    *,
    site,
    name: str,
    nickname: str = "",
    full_name: str = "",
    birth_date: datetime.date | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Participant]:
    """People who may be the same person: any name word in common (case, spaces and accents ignored)
    or the same birth date."""
    words = {
        word
        for text in (name, nickname, full_name)
        for word in normalise_name(text).split()
        if len(word) >= 2
    }
    condition = Q()
    for word in words:
        condition |= Q(search_name__startswith=word) | Q(search_name__contains=" " + word)
    if birth_date:
        condition |= Q(birth_date=birth_date)
    if not condition:
        return []
    matches = Participant.objects.filter(condition, site=site, merged_into__isnull=True)
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    first = normalise_name(name).split()[:1]
    ranking = Value(1)
    if first:
        ranking = Case(When(search_name__startswith=first[0], then=Value(0)), default=Value(1))
    return list(matches.annotate(rank=ranking).order_by("rank", F("last_seen").desc(nulls_last=True))[:limit])


def board_visits(*, site, day: datetime.date) -> list[Visit]:
    """Today's board: visits in arrival order with person, reason, lottery and task, each person
    marked `name_shared` for `{% who %}`; five queries."""
    visits = list(
        Visit.objects.active()
        .filter(site=site, date=day)
        .select_related("participant", "readiness_reason")
        .order_by("arrived_at", "pk")
    )
    excluded_until = dict(
        Exclusion.objects.filter(
            participant_id__in=[visit.participant_id for visit in visits],
            starts_on__lte=day,
            ends_on__gte=day,
            lifted_at__isnull=True,
        )
        .order_by("ends_on")
        .values_list("participant_id", "ends_on")
    )
    outcomes = extensions.visit_outcomes(visit.pk for visit in visits)
    mark_namesakes(visit.participant for visit in visits)
    for visit in visits:
        visit.excluded_until = excluded_until.get(visit.participant_id)
        visit.is_excluded = visit.excluded_until is not None
        visit.outcome = outcomes.get(visit.pk)
    return visits


def recent_people_for_tablet(*, site, day: datetime.date) -> list[dict]:
    """Who the tablet may find offline: people seen at the site in the last few weeks, as id, short
    name and the label that tells people with the same short name apart. Two queries."""
    from django.conf import settings

    from .templatetags.people import duplicate_names, told_apart

    since = day - datetime.timedelta(days=settings.TABLET_OFFLINE_PEOPLE_DAYS)
    rows = (
        Participant.objects.filter(site=site, merged_into__isnull=True, last_seen__gte=since)
        .order_by(F("last_seen").desc(), "name", "pk")
        .values_list("pk", "name", "full_name", "birth_year")[:1000]
    )
    duplicates = duplicate_names(site.pk)
    return [
        {
            "id": pk,
            "name": name,
            "label": told_apart(
                name=name, full_name=full_name, birth_year=birth_year, pk=pk, duplicates=duplicates
            ),
        }
        for pk, name, full_name, birth_year in rows
    ]


def board_version(*, site) -> int:
    """A number that changes whenever something happens at the site (check-in, readiness, undo,
    lottery, task): the newest activity-log entry. One query on the log's primary key."""
    latest = ActivityLog.objects.filter(site=site).order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def readiness_reasons(site) -> list[ReasonCode]:
    """The active "not fit today" reasons of the site and of every site, in their order: read for
    every row of the board and every tap, so written out and prepared on PostgreSQL (the ORM took
    longer to build it than the database to answer)."""
    with cursor_planned_once(connection) as cursor:
        cursor.execute(_readiness_reasons_sql(), [ReasonCode.Kind.READINESS.value, True, site.pk])
        rows = cursor.fetchall()
    return [rows_to_instance(ReasonCode, row, connection.alias) for row in rows]


@functools.cache
def _readiness_reasons_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"r.{quote(field.column)}" for field in ReasonCode._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {quote(ReasonCode._meta.db_table)} r"  # noqa: S608
        " WHERE r.kind = %s AND r.active = %s AND (r.site_id = %s OR r.site_id IS NULL)"
        " ORDER BY r.sort_order, r.code"
    )


def attendance_outcomes(visits) -> dict[int, dict]:
    """What came of each visit: lottery outcome, tasks, hours worked and gross pay paid.

    The attendance log is where the apps meet: the columns come from the apps built on the core
    (`extensions.attendance_columns`), a fixed number of queries for a page of visits.
    """
    visits = list(visits)
    empty = {"lottery": "", "tasks": "", "hours": None, "gross": None}
    return {pk: {**empty, **values} for pk, values in extensions.attendance_columns(visits).items()}


def tablet_staff(*, site):
    """Who may unlock the shared tablet at `site`: its active staff with the check-in permission."""
    holds = Q(
        groups__permissions__codename="use_checkin",
        groups__permissions__content_type__app_label="dagsverket",
    )
    return (
        get_user_model()
        .objects.filter(sites=site, is_active=True)
        .filter(holds | Q(user_permissions__codename="use_checkin") | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
