"""Writes of the core domain. Every write goes through a function here."""

import datetime
import functools

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import extensions
from .errors import DagsverketError
from .identifiers import compact_bank_account, compact_national_id, normalise_phone
from .models import (
    AccessLog,
    ActivityLog,
    Exclusion,
    Participant,
    Readiness,
    ReadinessEntry,
    ReasonCode,
    Site,
    StaffPin,
    Visit,
)
from .session_store import cursor_planned_once


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


def excluded_message(ends_on) -> str:
    """What the front desk is told of an exclusion in force, with its end in the language's short
    date (20.03.2026): the check-in's answer, a refused readiness and the offline queue's conflicts
    say it alike."""
    day = formats.date_format(ends_on, "SHORT_DATE_FORMAT")
    return _("Excluded until %(date)s: cannot be put to work.") % {"date": day}


def log_access(*, user, participant: Participant | None, what: str, path: str = "") -> AccessLog:
    """Record that `user` read health-related data or a national ID of `participant`."""
    return AccessLog.objects.create(user=user, participant=participant, what=what, path=path[:300])


# --- Participants, check-in, readiness, exclusions, PINs (issue 3) ---

UNDO_MINUTES = 10

PARTICIPANT_FIELDS = [  # in the order the registration form shows them
    "name",
    "nickname",
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "phone",
    "national_id",
    "bank_account",
    "address",
    "emergency_contact",
    "languages",
    "skills",
    "restrictions",
    "hms_card_number",
    "hms_card_expires",
    "driving_licence",
]


def _validate_participant(participant: Participant, *, check_phone: bool = True) -> None:
    if not (participant.name or "").strip():
        raise DagsverketError(_("A name or nickname is enough, but it is needed."), code="name", field="name")
    participant.name = participant.name.strip()
    participant.national_id = compact_national_id(participant.national_id)
    participant.bank_account = compact_bank_account(participant.bank_account)
    if check_phone:  # a number kept from before the check came in is left as it was
        try:
            participant.phone = normalise_phone(participant.phone)
        except ValidationError as error:
            raise DagsverketError(error.messages[0], code="phone", field="phone") from None
    this_year = timezone.localdate().year
    years = [participant.birth_year, participant.birth_date.year if participant.birth_date else None]
    if any(year is not None and not 1900 <= year <= this_year for year in years):
        field = "birth_date" if participant.birth_date else "birth_year"
        raise DagsverketError(
            _("A birth year is between 1900 and this year."), code="birth_year", field=field
        )
    try:
        participant.full_clean(exclude=["site", "merged_into", "search_name"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DagsverketError(messages[0], code="invalid", field=field) from None


def participant_register(*, site: Site, by, **fields) -> Participant:
    """Register a person; only a name or nickname is required."""
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise DagsverketError(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    participant = Participant(site=site, **fields)
    _validate_participant(participant)
    with transaction.atomic():
        participant.save()
        log_action(actor=by, action="participant_register", obj=participant, site=site)
    return participant


def participant_update(*, participant: Participant, by, **fields) -> Participant:
    """Change a person's details; what changed is logged (names of fields, not values)."""
    changed = [
        name for name in PARTICIPANT_FIELDS if name in fields and getattr(participant, name) != fields[name]
    ]
    for name in changed:
        setattr(participant, name, fields[name])
    _validate_participant(participant, check_phone="phone" in changed)
    with transaction.atomic():
        participant.save()
        log_action(
            actor=by,
            action="participant_update",
            obj=participant,
            site=participant.site,
            fields=",".join(changed),
        )
    return participant


def participant_merge(*, keep: Participant, duplicate: Participant, by) -> Participant:
    """Merge `duplicate` into `keep`: all history moves over, the duplicate stays as a pointer."""
    if keep.pk == duplicate.pk:
        raise DagsverketError(_("A person cannot be merged with themselves."), code="same")
    with transaction.atomic():
        # People by id (the one lock order, docs/ARCHITECTURE.md): merging A into B while another
        # screen merges B into A must not take the pair in opposite orders.
        locked = {
            person.pk: person
            for person in Participant.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if duplicate.merged_into_id or keep.merged_into_id:
            raise DagsverketError(_("One of these records has already been merged."), code="already_merged")
        kept_days = set(Visit.objects.active().filter(participant=keep).values_list("site_id", "date"))
        now = timezone.now()
        moved = 0
        for visit in Visit.objects.filter(participant=duplicate).select_for_update():
            if visit.undone_at is None and (visit.site_id, visit.date) in kept_days:
                # Both records came that day: keep one visit, the other stays as a correction.
                visit.undone_at, visit.undone_by, visit.undo_reason = now, by, "merged duplicate"
            visit.participant = keep
            visit.save()
            moved += 1
        _merge_related(keep=keep, duplicate=duplicate, by=by, now=now)
        for name in PARTICIPANT_FIELDS:
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        if duplicate.last_seen and (not keep.last_seen or duplicate.last_seen > keep.last_seen):
            keep.last_seen = duplicate.last_seen
        keep.save()
        duplicate.merged_into = keep
        duplicate.save(update_fields=["merged_into"])
        log_action(
            actor=by, action="participant_merge", obj=keep, site=keep.site, merged=duplicate.pk, visits=moved
        )
    return keep


def _merge_related(*, keep: Participant, duplicate: Participant, by, now) -> None:
    """Move what else belongs to the person: exclusions here; consents and referrals (the referrals
    package) and the apps built on the core move their own rows (lottery entries, guarantees,
    assignments, the job-specialist log) on `participant_merging`, or refuse. Payslips and tax cards
    stay on the duplicate record: paid rows are never edited, and the record points at the kept one
    (`merged_into`)."""
    extensions.participant_merging.send(sender=Participant, keep=keep, duplicate=duplicate, by=by, now=now)
    for row in Exclusion.objects.filter(participant=duplicate):
        row.participant = keep
        row.save(update_fields=["participant"])  # one history row per record moved


def participant_check_in(
    *, participant: Participant, site: Site, by, nonce: str | None = None, tapped_at=None
) -> tuple[Visit, bool]:
    """Record that `participant` came today. Repeats (same nonce, double tap, second tablet) return
    the existing visit; the second value says whether a new visit was created.

    `tapped_at` is when the tablet was tapped, for a check-in sent later from its offline queue
    (`tablet_sync` has bounded it to today and now); the visit keeps it as the arrival and the
    time it was received apart."""
    if participant.merged_into_id:
        participant = participant.merged_into
    if participant.site_id != site.pk:
        raise DagsverketError(_("This person is registered at another site."), code="other_site")
    nonce = _clean_nonce(nonce)
    today = timezone.localdate()
    received_at = timezone.now()
    visit = Visit(
        participant=participant,
        site=site,
        date=today,
        arrived_at=tapped_at or received_at,
        received_at=received_at,
        checked_in_by=by if by is not None and by.is_authenticated else None,
        nonce=nonce,
    )
    # No look before the insert: the unique constraints (one visit per person, site and day; one per
    # nonce) decide, and a repeat is read only when it happens.
    if checks_in_in_one_statement():
        if _check_in_in_one_statement(visit, by=by):
            return visit, True
    else:
        try:
            with transaction.atomic():
                visit.save(force_insert=True)
                Participant.objects.filter(pk=participant.pk).update(last_seen=today)
                log_action(actor=by, action="check_in", obj=visit, site=site)
        except IntegrityError:
            pass
        else:
            return visit, True
    existing = (
        Visit.objects.active().filter(participant=participant, site=site, date=today).first()
        or Visit.objects.filter(site=site, nonce=nonce).first()
    )
    if existing is None:  # refused by a constraint, but the visit it met is gone
        raise IntegrityError("The check-in conflicted with a visit that no longer exists.")
    return existing, False


def checks_in_in_one_statement() -> bool:
    """Whether a check-in is written in one statement (`_check_in_in_one_statement`): on
    PostgreSQL, while history is kept. Elsewhere (SQLite answers in-process, with no round trips
    to save) the ORM writes the same rows; `tests/dagsverket/test_checkin_statement.py` holds the two
    to each other."""
    return connection.vendor == "postgresql" and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _check_in_in_one_statement(visit: Visit, *, by) -> bool:
    """Write a check-in's four rows in one statement on PostgreSQL: the visit, its history row (as
    django-simple-history writes it, with the request's user or `acting`'s), the person's last
    visit and the activity log entry. False (nothing written) when a unique constraint refuses the
    visit: a repeat.

    Written by the ORM, these were six round trips (with BEGIN and COMMIT) and more Python than
    database time: the tap's dearest part (docs/PERFORMANCE.md, twelfth session). One statement is
    atomic on its own, and inside a caller's transaction it is part of that one."""
    from .history import new_history_row

    sql, history, visit_fields, history_fields, log_fields = _check_in_statement()
    entry = new_history_row(history, visit, history_type="+", now=timezone.now())
    log = ActivityLog(
        actor=by if by is not None and by.is_authenticated else None,
        site_id=visit.site_id,
        action="check_in",
        object_type=Visit._meta.label_lower,
        data={},
    )
    params = [field.get_db_prep_save(field.pre_save(visit, True), connection) for field in visit_fields]
    params += [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in history_fields]
    params += [connection.ops.adapt_datefield_value(visit.date), visit.participant_id]
    params += [field.get_db_prep_save(field.pre_save(log, True), connection) for field in log_fields]
    with cursor_planned_once(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    visit.pk = row[0]
    visit._state.adding = False
    visit._state.db = connection.alias
    return True


@functools.cache
def _check_in_statement():
    """`_check_in_in_one_statement`'s SQL, the history model and the fields whose values are its
    parameters, in order: the visit's (all but the id), the history row's own (date, type, user,
    reason), the day and the person for the last visit, then the log entry's (all but the id and
    the object's id). Kept: django-simple-history's `Visit.history` builds a manager class each
    time it is read (0.1 ms)."""
    quote = connection.ops.quote_name
    history = Visit.history.model
    visit_fields = [field for field in Visit._meta.concrete_fields if not field.primary_key]
    tracked = {field.attname for field in history.tracked_fields}
    own = ("history_date", "history_type", "history_user_id", "history_change_reason")
    history_fields = [history._meta.get_field(name) for name in own]
    copied = [field for field in history._meta.concrete_fields if field.attname in tracked]
    known = {field.attname for field in copied} | set(own) | {history._meta.pk.attname}
    unknown = [field.attname for field in history._meta.concrete_fields if field.attname not in known]
    if unknown:  # a history column this statement would leave out: write it here first
        raise ImproperlyConfigured(f"The check-in statement does not write {unknown}.")
    log_fields = [
        field for field in ActivityLog._meta.concrete_fields if field.name not in ("id", "object_id")
    ]

    def names(fields):
        return ", ".join(quote(field.column) for field in fields)

    def typed(fields):  # a parameter in a SELECT list has no column to take its type from
        return ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)

    holes = ", ".join(["%s"] * len(visit_fields))
    sql = (
        f"WITH v AS (INSERT INTO {quote(Visit._meta.db_table)} ({names(visit_fields)})"  # noqa: S608
        f" VALUES ({holes}) ON CONFLICT DO NOTHING RETURNING {names(Visit._meta.concrete_fields)}),"
        f" h AS (INSERT INTO {quote(history._meta.db_table)} ({names(copied + history_fields)})"
        f" SELECT {', '.join('v.' + quote(field.column) for field in copied)},"
        f" {typed(history_fields)} FROM v),"
        f" seen AS (UPDATE {quote(Participant._meta.db_table)} SET last_seen = %s"
        " WHERE id = %s AND EXISTS (SELECT 1 FROM v)),"
        f" logged AS (INSERT INTO {quote(ActivityLog._meta.db_table)}"
        f" ({names(log_fields)}, {quote(ActivityLog._meta.get_field('object_id').column)})"
        f" SELECT {typed(log_fields)}, CAST(v.id AS text) FROM v)"
        " SELECT v.id FROM v"
    )
    return sql, history, visit_fields, history_fields, log_fields


def _clean_nonce(nonce: str | None) -> str | None:
    return (nonce or "")[:64] or None


def participant_register_and_check_in(
    *, site: Site, by, name: str, nonce: str | None, confirm_new: bool = False, tapped_at=None
) -> tuple[Visit | None, bool, list[Participant]]:
    """Register a newcomer and check them in, in one transaction keyed by the tablet's nonce.

    A repeat of the same form (a double tap, a retried request, a second tap on "no, register as
    new") returns the first person's visit. Unless `confirm_new`, similar people at the site are
    returned instead of a visit, to ask "is this the same person?". Returns (visit, created,
    similar)."""
    from .selectors import similar_participants

    nonce = _clean_nonce(nonce)
    with transaction.atomic():
        # Registrations at one site wait for one another, so a second tablet registering the same
        # newcomer at the same moment sees the first and is asked about them. FOR NO KEY UPDATE:
        # check-ins and other rows that point at the site go on meanwhile.
        Site.objects.select_for_update(no_key=True).filter(pk=site.pk).first()
        if nonce:
            repeat = Visit.objects.filter(site=site, nonce=nonce).select_related("participant").first()
            if repeat is not None:
                return repeat, False, []
        if not confirm_new:
            similar = similar_participants(site=site, name=name)
            if similar:
                return None, False, similar
        # One transaction: if the check-in fails, the person is not left behind either.
        participant = participant_register(site=site, by=by, name=name)
        visit, created = participant_check_in(
            participant=participant, site=site, by=by, nonce=nonce, tapped_at=tapped_at
        )
        if not created:  # the nonce names an earlier visit after all: keep that, not a new person
            transaction.set_rollback(True)
    return visit, created, []


def _lottery_pool_changed(*, site: Site, day: datetime.date) -> None:
    """Who may be drawn that day changed (readiness, an undone check-in, an exclusion): once this
    transaction is committed, the day's waiting list follows (the jobs app keeps it)."""
    transaction.on_commit(lambda: extensions.pool_changed(site=site, day=day))


def visit_undo(*, visit: Visit, by, reason: str = "", tapped_at=None) -> Visit:
    """Take back a check-in: within 10 minutes freely, later only as a correction with a reason.
    The visit is kept (marked undone), never deleted. An undo from a tablet's offline queue counts
    the 10 minutes to its tap (`tapped_at`), not to when it arrived."""
    reason = (reason or "").strip()
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.undone_at:
            raise DagsverketError(_("This check-in has already been undone."), code="already_undone")
        late = (tapped_at or timezone.now()) - visit.arrived_at > datetime.timedelta(minutes=UNDO_MINUTES)
        if late and not reason:
            raise DagsverketError(
                _("More than %(minutes)s minutes have passed: give a reason for the correction.")
                % {"minutes": UNDO_MINUTES},
                code="reason_needed",
                field="reason",
            )
        visit.undone_at = timezone.now()
        visit.undone_by = by
        visit.undo_reason = reason
        visit.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        log_action(
            actor=by,
            action="correct_check_in" if late else "undo_check_in",
            obj=visit,
            site=visit.site,
            reason=reason,
        )
        _lottery_pool_changed(site=visit.site, day=visit.date)
    return visit


def visit_set_readiness(
    *,
    visit: Visit,
    status: str,
    by,
    reason: ReasonCode | None = None,
    safety_briefing: bool | None = None,
    work_clothes_ok: bool | None = None,
    note: str = "",
    tapped_at=None,
) -> ReadinessEntry:
    """Record readiness (history kept); the visit holds the latest. 'Not today' needs a coded reason;
    an excluded person can only be 'not today'."""
    from .selectors import participant_is_excluded

    if status not in {Readiness.READY, Readiness.LIGHT, Readiness.NOT_TODAY}:
        raise DagsverketError(_("Choose ready, light duties or not today."), code="status", field="status")
    if status == Readiness.NOT_TODAY and reason is None:
        raise DagsverketError(_("Choose a reason."), code="reason_needed", field="reason")
    if reason is not None and (
        reason.kind != ReasonCode.Kind.READINESS or reason.site_id not in (None, visit.site_id)
    ):
        raise DagsverketError(_("Choose a reason from the list."), code="reason", field="reason")
    if status != Readiness.NOT_TODAY:
        reason = None
        exclusion = participant_is_excluded(visit.participant, visit.date)
        if exclusion:
            raise DagsverketError(
                excluded_message(exclusion.ends_on),
                code="excluded",
                field="status",
            )
    if not visit.site.readiness_notes:
        note = ""
    if not visit.site.readiness_checks:
        safety_briefing = work_clothes_ok = None
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.undone_at:
            raise DagsverketError(_("This check-in has been undone."), code="undone")
        entry = ReadinessEntry.objects.create(
            visit=locked,
            status=status,
            reason=reason,
            safety_briefing=safety_briefing,
            work_clothes_ok=work_clothes_ok,
            note=(note or "").strip(),
            recorded_by=by,
            recorded_at=tapped_at or timezone.now(),
        )
        locked.readiness, locked.readiness_reason = status, reason
        locked.save(update_fields=["readiness", "readiness_reason"])
        log_action(actor=by, action="readiness", obj=locked, site=locked.site, status=status)
        _lottery_pool_changed(site=locked.site, day=locked.date)
    visit.readiness, visit.readiness_reason = status, reason
    return entry


def exclusion_create(
    *,
    participant: Participant,
    ends_on: datetime.date,
    reason: ReasonCode,
    by,
    starts_on: datetime.date | None = None,
) -> Exclusion:
    """Exclude a person (karantene) until and including `ends_on`, with a coded reason."""
    starts_on = starts_on or timezone.localdate()
    if ends_on < starts_on:
        raise DagsverketError(_("The end date must not be before the start."), code="dates", field="ends_on")
    if reason.kind != ReasonCode.Kind.EXCLUSION:
        raise DagsverketError(_("Choose a reason from the list."), code="reason", field="reason")
    with transaction.atomic():
        exclusion = Exclusion.objects.create(
            participant=participant, starts_on=starts_on, ends_on=ends_on, reason=reason, created_by=by
        )
        log_action(actor=by, action="exclusion_create", obj=exclusion, site=participant.site, until=ends_on)
        if starts_on <= timezone.localdate() <= ends_on:
            _lottery_pool_changed(site=participant.site, day=timezone.localdate())
    return exclusion


def exclusion_lift(*, exclusion: Exclusion, by) -> Exclusion:
    with transaction.atomic():
        exclusion.lifted_at, exclusion.lifted_by = timezone.now(), by
        exclusion.save(update_fields=["lifted_at", "lifted_by"])
        log_action(actor=by, action="exclusion_lift", obj=exclusion, site=exclusion.participant.site)
        _lottery_pool_changed(site=exclusion.participant.site, day=timezone.localdate())
    return exclusion


def staff_pin_set(*, user, pin: str) -> StaffPin:
    """Set a staff member's personal PIN (4-6 digits) for switching user on the tablet."""
    pin = (pin or "").strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 6):
        raise DagsverketError(_("A PIN has 4 to 6 digits."), code="pin", field="pin")
    staff_pin, _created = StaffPin.objects.update_or_create(
        user=user, defaults={"pin_hash": make_password(pin), "updated_at": timezone.now()}
    )
    log_action(actor=user, action="pin_set", obj=staff_pin)
    return staff_pin


def _unlock_log(*, by, site: Site, staff, action: str, **data) -> None:
    log_action(actor=by, action=action, obj=staff if staff is not None else site, site=site, **data)


def _pin_failures_since_last_unlock(staff) -> int:
    """Wrong PINs of `staff` since their last successful unlock (by PIN or password)."""
    entries = ActivityLog.objects.filter(object_type=staff._meta.label_lower, object_id=str(staff.pk))
    last = entries.filter(action="tablet_unlock").order_by("-pk").values_list("pk", flat=True).first()
    failures = entries.filter(action="tablet_unlock_failed", data__reason="wrong", data__method="pin")
    if last is not None:
        failures = failures.filter(pk__gt=last)
    return failures.count()


def staff_by_pin(*, site: Site, user_id, pin: str, by=None):
    """The staff member of `site` who may unlock the tablet, with this id and PIN, or an error that
    never says which part was wrong. Every try is logged; after TABLET_PIN_TRIES_PER_STAFF wrong PINs
    since their last unlock a staff member's PIN stops working until they unlock with their password.
    """
    from .selectors import tablet_staff

    limit = settings.TABLET_PIN_TRIES_PER_STAFF
    with transaction.atomic():  # the log entries are written whatever the outcome: raise after it
        staff = tablet_staff(site=site).filter(pk=user_id).first()
        # The PIN row is the lock that counts one staff member's tries: simultaneous wrong PINs
        # cannot slip past the limit.
        staff_pin = StaffPin.objects.select_for_update().filter(user=staff).first() if staff else None
        if staff_pin is None:
            outcome = "wrong"
        elif _pin_failures_since_last_unlock(staff) >= limit:
            outcome = "locked_out"
        elif not check_password((pin or "").strip(), staff_pin.pin_hash):
            outcome = "wrong"
        else:
            outcome = "ok"
        if outcome == "ok":
            _unlock_log(by=by, site=site, staff=staff, action="tablet_unlock", method="pin")
        else:
            _unlock_log(
                by=by, site=site, staff=staff, action="tablet_unlock_failed", method="pin", reason=outcome
            )
        if outcome == "wrong" and staff_pin is not None and _pin_failures_since_last_unlock(staff) >= limit:
            _unlock_log(by=by, site=site, staff=staff, action="tablet_pin_locked_out", scope="staff")
            outcome = "locked_out"
    if outcome == "locked_out":
        raise DagsverketError(PIN_LOCKED_OUT_MESSAGE, code="pin_locked", field="pin")
    if outcome == "wrong":
        raise DagsverketError(_("Wrong name or PIN."), code="pin", field="pin")
    return staff


PIN_LOCKED_OUT_MESSAGE = _(
    "Too many wrong PINs: the PIN is locked. Unlock with your password; the PIN works again after that."
)


def tablet_unlock_logged(*, by, site: Site, staff, method: str, success: bool, reason: str = "") -> None:
    """Log an unlock the view decided itself (a password, a tablet session out of PIN tries)."""
    if success:
        _unlock_log(by=by, site=site, staff=staff, action="tablet_unlock", method=method)
    else:
        _unlock_log(
            by=by, site=site, staff=staff, action="tablet_unlock_failed", method=method, reason=reason
        )


REASON_CODE_FIELDS = ("label_nb", "label_en", "sort_order", "active")


def reason_code_save(
    *, site: Site, by, reason: ReasonCode | None = None, every_site: bool = False, **fields
) -> ReasonCode:
    """Add a reason code (`reason` None: `fields` has `kind` and `code` too) or change `reason`. A code's
    kind and code are fixed once saved (visits point at it); a code is never deleted, only switched
    off. Unique per kind and site, or among the codes for every site; the history row and the
    activity log name the manager."""
    with transaction.atomic():
        if reason is None:
            code = ReasonCode(kind=fields["kind"], code=fields["code"])
        else:
            code = ReasonCode.objects.select_for_update().get(pk=reason.pk)
        code.site = None if every_site else site
        for name in REASON_CODE_FIELDS:
            if name in fields:
                setattr(code, name, fields[name])
        same = ReasonCode.objects.filter(kind=code.kind, code=code.code, site=code.site).exclude(pk=code.pk)
        if same.exists():
            raise DagsverketError(
                _("This code is already in the list."), code="reason_code_taken", field="code"
            )
        try:
            with transaction.atomic():
                code.save()
        except IntegrityError:
            # Another manager saved the same code a moment ago: the check above passed for both.
            raise DagsverketError(
                _("This code is already in the list."), code="reason_code_taken", field="code"
            ) from None
        log_action(actor=by, action="reason_code_save", obj=code, site=site, code=code.code)
    return code
