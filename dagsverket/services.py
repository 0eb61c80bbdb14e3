"""Writes of the core domain. Every write goes through a function here."""

from django.db import models

from .models import AccessLog, ActivityLog, Participant, Site


class DagsverketError(Exception):
    """A rule was broken; `message` is translated and shown next to the field, `code` is for code."""

    def __init__(self, message, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def log_action(*, actor, action: str, obj: models.Model, site: Site | None = None, **data) -> ActivityLog:
    """Append an entry to the activity log (never edited)."""
    return ActivityLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        site=site,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data={key: str(value) for key, value in data.items()},
    )


def log_access(*, user, participant: Participant | None, what: str, path: str = "") -> AccessLog:
    """Record that `user` read health-related data or a national ID of `participant`."""
    return AccessLog.objects.create(user=user, participant=participant, what=what, path=path[:300])
