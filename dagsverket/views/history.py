"""The audit trail of one record: every change, who made it, when, and field-by-field old → new.

Managers only. The record must belong to the current site (or to no site). Sensitive values are
masked for readers without the permission the record's own page asks for; reading a participant's
history is logged like any other read of personal data.
"""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from ..access import permission_required
from ..history import GLOBAL, history_of, masked_value, may_see_field, record_site_id, tracked_model
from ..models import Participant
from ..services import log_access

OSLO = ZoneInfo("Europe/Oslo")
PER_PAGE = 25
KINDS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
# Where a record's own page is, to link back to it.
RECORD_PAGES = {
    "dagsverket.participant": ("participant_detail", "pk"),
    "dagsverket.referral": ("referrals:detail", "pk"),
    "jobs.task": ("jobs:task_edit", "pk"),
    "jobs.customer": ("jobs:customer_edit", "pk"),
}


class HistoryTable(tables.Table):
    when = tables.Column(verbose_name=gettext_lazy("When"), orderable=False)
    who = tables.Column(verbose_name=gettext_lazy("Who"), orderable=False)
    kind = tables.Column(verbose_name=gettext_lazy("What"), orderable=False)
    changes = tables.TemplateColumn(
        template_name="dagsverket/_history_changes.html",
        verbose_name=gettext_lazy("Changes (old → new)"),
        orderable=False,
    )

    class Meta:
        attrs = {"class": "table"}
        template_name = "django_tables2/table.html"
        empty_text = gettext_lazy("No changes recorded.")

    def render_when(self, value):
        return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


def _fk_labels(references: dict[type[models.Model], set]) -> dict[tuple, str]:
    """Readable names of referenced rows: one query per referenced model, none per row."""
    user_model = get_user_model()
    labels = {}
    for model, ids in references.items():
        ids = {pk for pk in ids if pk is not None}
        if not ids:
            continue
        names = {field.name for field in model._meta.concrete_fields}
        if model is user_model:
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", "username")
        elif "name" in names:
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", "name")
        elif "label_nb" in names:
            rows = [(obj.pk, str(obj)) for obj in model._default_manager.filter(pk__in=ids)]
        else:
            continue
        labels.update({(model, pk): str(name) for pk, name in rows})
    return labels


def _show(field, value, labels) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, models.ForeignKey):
        return labels.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=abs(value.as_tuple().exponent))
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def history_rows(user, model, records) -> list[dict]:
    """One row per history entry (oldest first in `records`), newest first in the result."""
    fields = [f for f in records[0].tracked_fields if f.editable and not f.primary_key] if records else []
    raw = []
    for index, record in enumerate(records):
        previous = records[index - 1] if index else None
        if record.history_type == "-":
            changes = []
        elif previous is None or record.history_type == "+":
            changes = [(f, None, getattr(record, f.attname)) for f in fields]
            changes = [c for c in changes if c[2] not in (None, "")]
        else:
            delta = record.diff_against(previous, included_fields=[f.name for f in fields])
            by_name = {f.name: f for f in fields}
            changes = [(by_name[c.field], c.old, c.new) for c in delta.changes]
        changes = [
            (
                f,
                masked_value(user, model, f.name, old),
                masked_value(user, model, f.name, new),
            )
            for f, old, new in changes
        ]
        raw.append((record, changes))

    references: dict = {}
    for _record, changes in raw:
        for field, old, new in changes:
            if isinstance(field, models.ForeignKey) and may_see_field(user, model, field.name):
                references.setdefault(field.related_model, set()).update({old, new})
    labels = _fk_labels(references)

    rows = []
    for record, changes in reversed(raw):
        who = record.history_user
        rows.append(
            {
                "when": record.history_date,
                "who": (who.get_full_name() or who.username) if who else _("System"),
                "kind": str(KINDS.get(record.history_type, record.history_type)),
                "reason": record.history_change_reason or "",
                "changes": [
                    {
                        "field": str(field.verbose_name),
                        "old": None if old is None else _show(field, old, labels),
                        "new": _show(field, new, labels),
                    }
                    for field, old, new in changes
                ],
            }
        )
    return rows


def _record_page(model, pk) -> str | None:
    name = RECORD_PAGES.get(model._meta.label_lower)
    if name is None:
        return None
    try:
        return reverse(name[0], kwargs={name[1]: pk})
    except NoReverseMatch:
        return None


@require_GET
@permission_required("manage_site")
def record_history(request: HttpRequest, app_label: str, model: str, pk: int) -> HttpResponse:
    tracked = tracked_model(app_label, model)
    if tracked is None:
        raise Http404
    pk_name = tracked._meta.pk.attname
    records = list(
        history_of(tracked)
        .objects.filter(**{pk_name: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not records:
        raise Http404
    site_id = record_site_id(tracked, pk, records[-1])
    if site_id is not GLOBAL and site_id != request.site.pk:
        raise Http404

    participant_id = None
    if tracked is Participant:
        participant_id = pk
    elif "participant" in {f.name for f in tracked._meta.concrete_fields}:
        participant_id = getattr(records[-1], "participant_id", None)
    if participant_id is not None:
        participant = Participant.objects.filter(pk=participant_id).first()
        log_access(user=request.user, participant=participant, what="history", path=request.path)

    table = HistoryTable(history_rows(request.user, tracked, records))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "dagsverket/record_history.html",
        {
            "table": table,
            "model_name": tracked._meta.verbose_name,
            "pk": pk,
            "record_page": _record_page(tracked, pk),
            "deleted": records[-1].history_type == "-",
        },
    )
