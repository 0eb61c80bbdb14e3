"""The audit trail: which models keep a history (django-simple-history), whose site a record belongs
to, which old and new values a reader may see, and who made a change outside a request.

A model gets its history with one line in its class body, `history = HistoricalRecords()` (then
`manage.py makemigrations`); the per-record page, the site check and the test that every domain
model is covered find it by themselves. Pure logs, already append-only, are listed in `EXEMPT`.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from .access import has_perm

# Apps whose models are domain models: the core, its sub-apps (dagsverket.*), jobs and payroll.
PROJECT_APPS = ("dagsverket", "jobs", "payroll")

# Models without a history, and why.
EXEMPT = {
    "dagsverket.activitylog": "append-only log of back-office actions",
    "dagsverket.accesslog": "append-only log of personal-data reads",
    "dagsverket.exportlog": "append-only log of evaluation exports",
    "dagsverket.referralevent": "append-only history of a referral's states",
    "dagsverket.tabletaction": "append-only record of the actions tablets sent from their offline queue",
    "dagsverket.staffpin": "a hashed credential; a history of hashes would only help guessing",
    "dagsverket.staffsession": "login sessions (Django's, with the user's id): short-lived, ended by logout",
    "dagsverket.projectpseudonym": "derived codes, written once by bulk insert and recomputable",
    "jobs.hourscorrection": "append-only record of corrections (old and new hours with a reason)",
    "jobs.taskchange": "append-only record of changes to invoiced tasks",
    # Concealed and immutable (model and PostgreSQL trigger): a history table would copy the seed
    # and the positions where the per-record history page could show them.
    "research.allocationlist": "concealed allocation list; never changed, never shown",
    "research.allocationslot": "concealed allocation positions; frozen once revealed",
    "research.allocationextension": "append-only record of a stratum's extension (seed, range, reason)",
    "research.correction": "append-only record of corrections (old and new value with a reason)",
    "research.waveclosure": "written once: a wave closed as missed, with who, when and why",
    "research.valueset": "reference data loaded whole from a licensed file; a new set is a new row",
    "payroll.monthfiling": "written once: a month's figures as reported; never changed",
    "payroll.repayment": "append-only record of money paid back (a PostgreSQL trigger refuses changes)",
}

# Values a reader may see only with a permission, exactly as on the records' own pages.
# "*" covers every field of the model (referrals and consents are health-related as a whole).
SENSITIVE_FIELDS = {
    "dagsverket.participant": {"national_id": "view_national_id", "bank_account": "view_national_id"},
    "dagsverket.visit": {"readiness_reason": "view_health_data"},
    "dagsverket.readinessentry": {"reason": "view_health_data", "note": "view_health_data"},
    "dagsverket.referral": {"*": "view_health_data"},
    "dagsverket.consent": {"*": "view_health_data"},
    "payroll.taxcard": {"*": "view_national_id"},
    "payroll.payout": {"bank_account": "view_national_id"},
    # The job-specialist log: the career profile is free text about a person's life and health.
    "ips.careerprofile": {"*": "view_health_data"},
    # The trial: screening, questionnaire answers and outcomes are health-related as a whole.
    "research.enrolment": {"*": "view_health_data"},
    "research.response": {"*": "view_health_data"},
    "research.followup": {"*": "view_health_data"},
}
MASK = "••••••"


def is_project_model(model) -> bool:
    config = model._meta.app_config
    return config.name.startswith("dagsverket") or config.label in PROJECT_APPS


def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def history_models() -> list[type[models.Model]]:
    """The project's models that keep a history (the historical tables themselves excluded)."""
    return [
        model
        for model in apps.get_models()
        if is_project_model(model) and has_history(model) and not hasattr(model, "instance_type")
    ]


def tracked_model(app_label: str, model_name: str):
    """The model with a history named by the URL, or None (unknown, or without a history)."""
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None
    if not is_project_model(model) or not has_history(model) or hasattr(model, "instance_type"):
        return None
    return model


def history_of(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


# --- Whose site a record belongs to -----------------------------------------------------------

GLOBAL = object()  # the record belongs to no site (year settings, coded reasons for all sites, ...)


def site_path(model, depth: int = 3) -> list[models.ForeignKey] | None:
    """The chain of foreign keys from `model` to Site (shortest first), [] for Site, None for none."""
    site_model = apps.get_model("dagsverket", "Site")
    if model is site_model:
        return []
    frontier = [(model, [])]
    for _level in range(depth):
        following = []
        for current, chain in frontier:
            for field in current._meta.concrete_fields:
                if not field.is_relation or not (field.many_to_one or field.one_to_one):
                    continue
                if field.related_model is site_model:
                    return [*chain, field]
                if field.related_model is current or not is_project_model(field.related_model):
                    continue
                following.append((field.related_model, [*chain, field]))
        frontier = following
    return None


def record_site_id(model, pk: int, latest):
    """The site id of a record (live, or from its latest history row when deleted), or GLOBAL."""
    chain = site_path(model)
    if chain is None:
        return GLOBAL
    if not chain:
        return pk
    site_id = None
    if len(chain) == 1:
        site_id = getattr(latest, chain[0].attname)
    else:
        # Follow the first key from the history row, the rest through the live related rows.
        first, rest = chain[0], chain[1:]
        lookup = "__".join(field.name for field in rest)
        site_id = (
            first.related_model._default_manager.filter(pk=getattr(latest, first.attname))
            .values_list(lookup, flat=True)
            .first()
        )
    if site_id is None and chain[-1].null:
        return GLOBAL
    return site_id


# --- What a reader may see ---------------------------------------------------------------------


def may_see_field(user, model, field_name: str) -> bool:
    rules = SENSITIVE_FIELDS.get(model._meta.label_lower, {})
    needed = rules.get("*") or rules.get(field_name)
    return needed is None or has_perm(user, needed)


def masked_value(user, model, field_name: str, value):
    """The value as the user may see it: MASK for a sensitive field without its permission."""
    if value in (None, "") or may_see_field(user, model, field_name):
        return value
    return MASK


# --- Who made a change outside a request (management commands, tests, shells) -------------------


@dataclass(frozen=True)
class Actor:
    user: object = None
    reason: str = ""


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("history_actor", default=None)


@contextlib.contextmanager
def acting(*, user=None, reason: str = ""):
    """History rows written inside this block name `user` (when no request names one) and `reason`."""
    token = _actor.set(Actor(user=user, reason=reason))
    try:
        yield
    finally:
        _actor.reset(token)


@receiver(pre_create_historical_record)
def _fill_actor(sender, history_instance, **kwargs):
    actor = _actor.get()
    if actor is None:
        return
    if history_instance.history_user_id is None and actor.user is not None:
        history_instance.history_user = actor.user
    if actor.reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = actor.reason[:100]


def history_rows_bulk_create(model, *, deleted=(), created=()) -> None:
    """The history rows django-simple-history writes one by one when `deleted` rows are deleted
    ("-") and `created` rows are created ("+"), written in one insert for both: the caller wrote the
    rows themselves in bulk (no signals). The user comes from the request, or from `acting`."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    now = timezone.now()
    rows = []
    for history_type, objs in (("-", deleted), ("+", created)):
        for obj in objs:
            row = new_history_row(history, obj, history_type=history_type, now=now)
            for field in history.tracked_fields:
                setattr(row, field.attname, getattr(obj, field.attname))
            rows.append(row)
    history.objects.bulk_create(rows)


def new_history_row(history, obj, *, history_type: str, now):
    """An unsaved row of the history model `history` for `obj`, with what django-simple-history
    would give it: the date, the type, the user (from the request, or from `acting`) and the reason
    (from `acting`). Its copy of `obj`'s fields is the caller's to fill (or to write in SQL)."""
    row = history(
        history_date=now,
        history_type=history_type,
        history_user=history.get_default_history_user(obj),
        history_change_reason=None,
    )
    _fill_actor(sender=history, history_instance=row)
    return row
