"""Subject-access export: everything stored about one participant, for a person who asks.

Each section is a function `(participant) -> Section` registered with `@subject_access_section`;
the referrals package (consents, referrals, the access log) and other apps (IPS) add their own
sections the same way, registered from their `AppConfig.ready()`, and the JSON and PDF exports pick
them up without change. Values are turned into plain strings, so both formats show the same thing.
"""

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Exclusion, Participant, ReadinessEntry, Visit
from .services import PARTICIPANT_FIELDS as EDITABLE_PARTICIPANT_FIELDS


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]  # keys of each row, in order
    headers: list[str]  # translated column titles
    rows: list[dict] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Too many columns for a table on A4: the PDF shows each row as a list of fields."""
        return len(self.columns) > 6

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        return [
            [(header, row.get(key)) for key, header in zip(self.columns, self.headers)] for row in self.rows
        ]


SECTIONS: list[Callable[[Participant], Section]] = []


def subject_access_section(func: Callable[[Participant], Section]) -> Callable[[Participant], Section]:
    """Register a section of the subject-access export (in registration order)."""
    SECTIONS.append(func)
    return func


def plain(value) -> str | int | bool | None:
    """A JSON-safe, human-readable value: dates as ISO, times in Oslo time, objects by name."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value) if isinstance(value, decimal.Decimal) else value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _model_section(key, title, queryset, names: list[str], extra: dict | None = None) -> Section:
    """A section whose columns are model fields (choices shown by label) plus computed values."""
    model = queryset.model
    extra = extra or {}
    headers = []
    for name in names:
        if name in extra:
            headers.append(str(extra[name][0]))
        else:
            headers.append(str(model._meta.get_field(name).verbose_name))
    rows = []
    for obj in queryset:
        row = {}
        for name in names:
            if name in extra:
                value = extra[name][1](obj)
            else:
                model_field = model._meta.get_field(name)
                value = getattr(obj, name)
                if model_field.choices and value not in (None, ""):
                    value = getattr(obj, f"get_{name}_display")()
                if isinstance(model_field, models.ForeignKey) and value is not None:
                    value = str(value)
            row[name] = plain(value)
        rows.append(row)
    return Section(key, str(title), names, headers, rows)


# Everything a staff member can write about a person, plus when and where they were registered.
PARTICIPANT_FIELDS = [*EDITABLE_PARTICIPANT_FIELDS, "site", "created_at", "last_seen"]


@subject_access_section
def participant_section(participant: Participant) -> Section:
    """The person's own record, one row per field (reads better than one very wide row)."""
    row = _model_section("p", "", Participant.objects.filter(pk=participant.pk), PARTICIPANT_FIELDS).rows[0]
    rows = [
        {"field": str(Participant._meta.get_field(name).verbose_name), "value": row[name]}
        for name in PARTICIPANT_FIELDS
    ]
    return Section(
        "participant",
        str(_("Personal details")),
        ["field", "value"],
        [str(_("Field")), str(_("Value"))],
        rows,
    )


@subject_access_section
def visits_section(participant: Participant) -> Section:
    return _model_section(
        "visits",
        _("Visits"),
        Visit.objects.filter(participant=participant)
        .select_related("site", "readiness_reason")
        .order_by("date"),
        ["date", "site", "arrived_at", "readiness", "readiness_reason", "undone_at", "undo_reason"],
    )


@subject_access_section
def readiness_section(participant: Participant) -> Section:
    return _model_section(
        "readiness",
        _("Readiness history"),
        ReadinessEntry.objects.filter(visit__participant=participant)
        .select_related("visit", "reason")
        .order_by("recorded_at", "pk"),
        ["recorded_at", "status", "reason", "safety_briefing", "work_clothes_ok", "note"],
    )


@subject_access_section
def exclusions_section(participant: Participant) -> Section:
    return _model_section(
        "exclusions",
        _("Exclusions"),
        Exclusion.objects.filter(participant=participant).select_related("reason").order_by("starts_on"),
        ["starts_on", "ends_on", "reason", "created_at", "lifted_at"],
    )


def collect(participant: Participant) -> list[Section]:
    """Every registered section for `participant`, in order."""
    return [section(participant) for section in SECTIONS]


def as_json(participant: Participant) -> dict:
    return {
        "participant_id": participant.pk,
        "generated_at": plain(timezone.now()),
        "sections": {
            section.key: {
                "title": section.title,
                "headers": dict(zip(section.columns, section.headers)),
                "rows": section.rows,
            }
            for section in collect(participant)
        },
    }
