"""The tablet's offline queue, applied on the server: each action once, in order, with its tap time.

When the connection drops, the board keeps taking taps and queues them on the tablet (static
`js/checkin-offline.js`); when it is back, the queue comes here as one list. Every action carries a
nonce and the time of the tap. An action is applied through the same services as an online tap, and
recorded as a `TabletAction` in the same transaction, so a queue sent twice (the answer was lost)
changes nothing the second time: the first answer is given again, marked "duplicate".

What the server will not do is refused with a code and kept, never dropped: the list goes back to
the front desk to resolve (README, docs/ARCHITECTURE.md "Offline check-in").
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identifiers import name_needs_confirming
from .models import Participant, Readiness, ReasonCode, Site, TabletAction, Visit
from .services import (
    DagsverketError,
    excluded_message,
    participant_check_in,
    participant_register_and_check_in,
    visit_set_readiness,
    visit_undo,
)

KINDS = {choice.value for choice in TabletAction.Kind}
STATUSES = {Readiness.READY, Readiness.LIGHT, Readiness.NOT_TODAY}
NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_ACTIONS = 200

REFUSALS = {
    "stale": _("Tapped on an earlier day: not recorded. Check the person in again if they are here."),
    "future": _("The tablet's clock is ahead of the server's: not recorded. Check the tablet's time."),
    "locked": _("The tablet was locked: nothing was sent. Unlock and it is sent again."),
    "session_ended": _("Tapped in a session that has ended (logged out or another user): not recorded."),
    "logged_out": _("Logged out before this was sent: not recorded."),
    "already_checked_in": _("Already checked in by another tablet at %(time)s."),
    "matches_existing": _("A person with a similar name is registered already: check in the right one."),
    "confirm_name": _("Only digits or one letter: is that the name? Register again to confirm."),
    "not_found": _("The person or the check-in is not at this site."),
    "check_in_refused": _("The check-in was not recorded, so this was not either."),
    "excluded": _("Excluded until %(date)s: cannot be put to work."),
}


class SyncInputError(ValueError):
    """The request is not a queue this endpoint understands; nothing is applied."""

    def __init__(self, message, *, index: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message, self.index, self.field = message, index, field


@dataclass
class Action:
    index: int
    nonce: str
    kind: str
    tapped_at: datetime.datetime
    session: str
    participant: int | None = None
    name: str = ""
    confirm_new: bool = False
    visit: int | None = None
    visit_nonce: str = ""
    status: str = ""
    reason: int | None = None
    note: str = ""


@dataclass
class Result:
    nonce: str
    status: str  # ok, duplicate or refused
    code: str = ""
    message: str = ""
    visit: int | None = None
    arrived_at: str = ""
    first_status: str = ""  # for a duplicate: what the first answer was
    similar: list = field(default_factory=list)

    def as_json(self) -> dict:
        data = {"nonce": self.nonce, "status": self.status}
        for name in ("code", "message", "visit", "arrived_at", "first_status", "similar"):
            if value := getattr(self, name):
                data[name] = value
        return data


def _text(value, *, index: int, name: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise SyncInputError(_("Not a valid value."), index=index, field=name)
    if required and not value.strip():
        raise SyncInputError(_("This field is required."), index=index, field=name)
    return value.strip()


def _number(value, *, index: int, name: str, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise SyncInputError(_("Not a valid value."), index=index, field=name)
    return value


def _time(value, *, index: int) -> datetime.datetime:
    try:
        moment = (
            datetime.datetime.fromisoformat(value) if isinstance(value, str) and len(value) < 40 else None
        )
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SyncInputError(
            _("The time of the tap is missing or not a time."), index=index, field="tapped_at"
        )
    return moment


def parse_actions(payload) -> list[Action]:
    """The request body's actions, checked all at once: one bad action refuses the whole request
    (status 400, nothing applied), so a queue is never half applied because of its shape."""
    if not isinstance(payload, dict) or not isinstance(payload.get("actions"), list):
        raise SyncInputError(_("Send a list of actions."), field="actions")
    raw_actions = payload["actions"]
    if len(raw_actions) > MAX_ACTIONS:
        raise SyncInputError(_("Too many actions in one request."), field="actions")
    actions, nonces = [], set()
    for index, raw in enumerate(raw_actions):
        if not isinstance(raw, dict):
            raise SyncInputError(_("Not a valid value."), index=index)
        nonce = raw.get("nonce")
        if not isinstance(nonce, str) or not NONCE.match(nonce) or nonce in nonces:
            raise SyncInputError(_("Every action needs its own nonce."), index=index, field="nonce")
        nonces.add(nonce)
        kind = raw.get("type")
        if kind not in KINDS:
            raise SyncInputError(_("Unknown action."), index=index, field="type")
        action = Action(
            index=index,
            nonce=nonce,
            kind=kind,
            tapped_at=_time(raw.get("tapped_at"), index=index),
            session=_text(raw.get("session"), index=index, name="session", limit=64),
        )
        if kind == TabletAction.Kind.CHECK_IN:
            action.participant = _number(
                raw.get("participant"), index=index, name="participant", required=True
            )
        elif kind == TabletAction.Kind.REGISTER:
            action.name = _text(raw.get("name"), index=index, name="name", limit=100, required=True)
            action.confirm_new = raw.get("confirm_new") is True
        else:
            action.visit = _number(raw.get("visit"), index=index, name="visit")
            action.visit_nonce = _text(raw.get("visit_nonce"), index=index, name="visit_nonce", limit=64)
            if not action.visit and not action.visit_nonce:
                raise SyncInputError(_("Which check-in?"), index=index, field="visit")
            if kind == TabletAction.Kind.READINESS:
                action.status = raw.get("status")
                if action.status not in STATUSES:
                    raise SyncInputError(
                        _("Choose ready, light duties or not today."), index=index, field="status"
                    )
                action.reason = _number(raw.get("reason"), index=index, name="reason")
            else:
                action.note = _text(raw.get("reason"), index=index, name="reason", limit=200)
        actions.append(action)
    return actions


def tablet_actions_apply(*, site: Site, by, actions: list[Action], session: str) -> list[Result]:
    """Apply a tablet's queued actions in order, each exactly once (by its nonce), and say for each
    whether it was applied, a repeat, or refused (with a code). `session` is the tag of the session
    sending the queue: an action tapped in another (ended) session is refused."""
    return [_apply_one(site=site, by=by, action=action, session=session) for action in actions]


def refuse_all(actions: list[Action], code: str) -> list[Result]:
    """Answer a whole queue that cannot be applied now (a locked or logged-out session)."""
    return [Result(action.nonce, "refused", code, str(REFUSALS[code])) for action in actions]


def _apply_one(*, site: Site, by, action: Action, session: str) -> Result:
    try:
        with transaction.atomic():
            if first := TabletAction.objects.filter(site=site, nonce=action.nonce).first():
                return _repeat(first, action)
            result = _decide(site=site, by=by, action=action, session=session)
            TabletAction.objects.create(
                site=site,
                nonce=action.nonce,
                kind=action.kind,
                tapped_at=action.tapped_at,
                by=by,
                outcome=TabletAction.Outcome.REFUSED
                if result.status == "refused"
                else TabletAction.Outcome.OK,
                code=result.code,
                visit_id=result.visit,
            )
            return result
    except IntegrityError:
        # The same nonce arrived twice at the same moment (a retry racing its original): the other
        # one was applied, this one was rolled back whole.
        first = TabletAction.objects.filter(site=site, nonce=action.nonce).first()
        if first is None:
            raise
        return _repeat(first, action)


def _repeat(first: TabletAction, action: Action) -> Result:
    result = Result(action.nonce, "duplicate", first.code, visit=first.visit_id, first_status=first.outcome)
    if first.code in REFUSALS:
        result.message = _refusal_message(first.code, first.visit)
    return result


def _refusal_message(code: str, visit: Visit | None) -> str:
    """The first answer's message again, for a repeat (its figures worked out anew)."""
    from .selectors import participant_is_excluded

    if code == "already_checked_in" and visit is not None:
        return str(REFUSALS[code]) % {"time": timezone.localtime(visit.arrived_at).strftime("%H:%M")}
    if (
        code == "excluded"
        and visit is not None
        and (exclusion := participant_is_excluded(visit.participant, visit.date))
    ):
        return excluded_message(exclusion.ends_on)
    return str(REFUSALS[code]).replace("%(date)s", "…").replace("%(time)s", "…")


def _decide(*, site: Site, by, action: Action, session: str) -> Result:
    now = timezone.now()
    skew = datetime.timedelta(seconds=settings.TABLET_CLOCK_SKEW_SECONDS)
    if action.session != session:
        return _refused(action, "session_ended")
    if action.tapped_at > now + skew:
        return _refused(action, "future")
    if timezone.localdate(action.tapped_at) < timezone.localdate(now):
        return _refused(action, "stale")
    # A tablet's clock a little ahead of the server's: the tap counts as now, never after receipt.
    tapped_at = min(action.tapped_at, now)
    visit = None
    try:
        with transaction.atomic():  # a refusal leaves nothing of the action behind
            if action.kind == TabletAction.Kind.CHECK_IN:
                return _check_in(site=site, by=by, action=action, tapped_at=tapped_at)
            if action.kind == TabletAction.Kind.REGISTER:
                return _register(site=site, by=by, action=action, tapped_at=tapped_at)
            visit = _target_visit(site=site, action=action)
            if isinstance(visit, Result):
                return visit
            if action.kind == TabletAction.Kind.READINESS:
                reason = ReasonCode.objects.filter(pk=action.reason).first() if action.reason else None
                visit_set_readiness(
                    visit=visit, status=action.status, reason=reason, by=by, tapped_at=tapped_at
                )
            else:
                visit_undo(visit=visit, by=by, reason=action.note, tapped_at=tapped_at)
            return Result(action.nonce, "ok", visit=visit.pk)
    except DagsverketError as error:
        # The visit is kept with the refusal, so a repeat can tell the same again.
        about = visit.pk if isinstance(visit, Visit) else None
        return Result(action.nonce, "refused", error.code, str(error.message), visit=about)


def _refused(action: Action, code: str, **values) -> Result:
    message = str(REFUSALS[code]) % values if values else str(REFUSALS[code])
    return Result(action.nonce, "refused", code, message)


def _visit_result(action: Action, visit: Visit, created: bool) -> Result:
    arrived = timezone.localtime(visit.arrived_at)
    if created or visit.nonce == action.nonce:
        # Created now, or by this very tap when its online request got through after all.
        result = Result(action.nonce, "ok" if created else "duplicate", visit=visit.pk)
        if not created:
            result.first_status = "ok"
    else:
        result = _refused(action, "already_checked_in", time=arrived.strftime("%H:%M"))
        result.visit = visit.pk
    result.arrived_at = arrived.isoformat()
    from .selectors import participant_is_excluded

    if result.status != "refused" and (exclusion := participant_is_excluded(visit.participant, visit.date)):
        # Recorded (the person came), and told: an exclusion the tablet could not know of.
        result.code = "excluded"
        result.message = excluded_message(exclusion.ends_on)
    return result


def _check_in(*, site: Site, by, action: Action, tapped_at) -> Result:
    participant = Participant.objects.filter(pk=action.participant, site=site).first()
    if participant is None:
        return _refused(action, "not_found")
    visit, created = participant_check_in(
        participant=participant, site=site, by=by, nonce=action.nonce, tapped_at=tapped_at
    )
    return _visit_result(action, visit, created)


def _register(*, site: Site, by, action: Action, tapped_at) -> Result:
    from .templatetags.people import duplicate_names, told_apart

    if name_needs_confirming(action.name) and not action.confirm_new:
        return _refused(action, "confirm_name")
    visit, created, similar = participant_register_and_check_in(
        site=site,
        by=by,
        name=action.name,
        nonce=action.nonce,
        confirm_new=action.confirm_new,
        tapped_at=tapped_at,
    )
    if similar:
        result = _refused(action, "matches_existing")
        duplicates = duplicate_names(site.pk)
        result.similar = [
            {
                "id": person.pk,
                "name": told_apart(
                    name=person.name,
                    full_name=person.full_name,
                    birth_year=person.birth_year,
                    pk=person.pk,
                    duplicates=duplicates,
                ),
            }
            for person in similar
        ]
        return result
    return _visit_result(action, visit, created)


def _target_visit(*, site: Site, action: Action) -> Visit | Result:
    """The visit a readiness or undo is about: by its id, or (for a check-in queued on the tablet
    too) by the nonce of that check-in."""
    visits = Visit.objects.select_related("participant", "site")
    if action.visit:
        visit = visits.filter(pk=action.visit, site=site).first()
        return visit if visit is not None else _refused(action, "not_found")
    made_by = TabletAction.objects.filter(site=site, nonce=action.visit_nonce).first()
    if made_by is not None:
        if made_by.outcome == TabletAction.Outcome.REFUSED and (
            action.kind == TabletAction.Kind.UNDO or made_by.visit_id is None
        ):
            # Another tablet's visit is not this tablet's to undo.
            return _refused(action, "check_in_refused")
        visit = visits.filter(pk=made_by.visit_id).first() if made_by.visit_id else None
    else:  # the check-in went through online; only this undo or readiness was queued
        visit = visits.filter(site=site, nonce=action.visit_nonce).first()
    return visit if visit is not None else _refused(action, "not_found")
