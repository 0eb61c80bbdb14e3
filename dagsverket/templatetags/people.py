"""How a person is named in a list: a short name that is not unique at the site gets what tells
the people apart (the initial of the surname and the birth year, or the record number).

Two "Bjørg" rows on the board looked the same and the wrong one was undone (issue 16). The names
that are not unique at a site are read once per page (one query) and kept on the request.
"""

from django import template
from django.db.models import Count
from django.db.models.functions import Lower

from dagsverket.models import Participant

register = template.Library()


def duplicate_names(site_id: int) -> set[str]:
    """The short names (case-insensitive) that more than one person at the site has."""
    return set(
        Participant.objects.filter(site_id=site_id, merged_into__isnull=True)
        .annotate(key=Lower("name"))
        .values("key")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("key", flat=True)
    )


def told_apart(*, name: str, full_name: str, birth_year: int | None, pk: int, duplicates: set[str]) -> str:
    if (name or "").lower() not in duplicates:
        return name
    marks = []
    words = (full_name or "").split()
    if len(words) > 1 and words[-1].lower() != name.lower():
        marks.append(f"{words[-1][0].upper()}.")
    if birth_year:
        marks.append(f"({birth_year})")
    if not marks:
        marks.append(f"#{pk}")
    return " ".join([name, *marks])


def _duplicates(context, site_id) -> set[str]:
    request = context.get("request")
    if request is not None:
        cache = request.__dict__.setdefault("_duplicate_names", {})
    else:  # a PDF or a mail: kept for this render
        cache = context.render_context.setdefault("_duplicate_names", {})
    return _cached_duplicates(cache, site_id)


def _cached_duplicates(cache: dict, site_id: int) -> set[str]:
    if site_id not in cache:
        cache[site_id] = duplicate_names(site_id)
    return cache[site_id]


def names_as_listed(request, people) -> list[str]:
    """What `{% who person %}` shows for each person, worked out in Python: a list of 200 rows
    renders its names here, not through 200 template tags. The same one query per page, kept on
    the request as the tag keeps it."""
    cache = request.__dict__.setdefault("_duplicate_names", {})
    return [
        told_apart(
            name=person.name,
            full_name=person.full_name,
            birth_year=person.birth_year,
            pk=person.pk,
            duplicates=_cached_duplicates(cache, person.site_id),
        )
        for person in people
    ]


@register.simple_tag(takes_context=True)
def who(context, person=None, *, name="", full_name="", birth_year=None, pk=None, site_id=None) -> str:
    """`{% who visit.participant %}`, or for rows of values:
    `{% who name=row.participant__name full_name=… birth_year=… pk=row.participant_id %}`."""
    if person is not None:
        name, full_name, birth_year, pk, site_id = (
            person.name,
            person.full_name,
            person.birth_year,
            person.pk,
            person.site_id,
        )
    shared = getattr(person, "name_shared", None)
    if shared is not None:  # marked by the query that read the person (selectors): no query here
        duplicates = {name.lower()} if shared else set()
    else:
        if site_id is None:
            site = getattr(context.get("request"), "site", None)
            site_id = site.pk if site else None
        if site_id is None:
            return name
        duplicates = _duplicates(context, site_id)
    return told_apart(name=name, full_name=full_name, birth_year=birth_year, pk=pk, duplicates=duplicates)
