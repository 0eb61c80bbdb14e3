"""The front desk's tablet screens: today's board, search as you type, check-in, readiness, undo,
and the shared-tablet lock with a personal PIN.

Every action answers an htmx request with the board partial (and a confirmation line), except the
common one: a new check-in answers with only the new row, put on top of the tablet's board, so the tap
stays quick however full the morning is. Without htmx every action redirects back to the board with a
message. The board asks every few seconds whether anything happened at the site and is replaced only
when something did, so a second tablet's arrivals show up without anyone touching the screen.
"""

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import has_perm, permission_required
from ..days import day_from_query
from ..forms import PinForm
from ..identifiers import name_needs_confirming
from ..models import Readiness, ReasonCode, Visit
from ..selectors import (
    board_version,
    board_visits,
    mark_namesakes,
    participant_for_check_in,
    participant_is_excluded,
    participant_search,
    readiness_reasons,
    recent_people_for_tablet,
    tablet_staff,
)
from ..services import (
    DagsverketError,
    excluded_message,
    log_action,
    participant_check_in,
    participant_register_and_check_in,
    staff_by_pin,
    staff_pin_set,
    tablet_unlock_logged,
    visit_set_readiness,
    visit_undo,
)
from ..sites import SESSION_KEY
from ..tablet import FRONT_DESK_SCOPE, LOCK_KEY, SCOPE_KEY, is_locked, sync_tag
from ..tablet_sync import REFUSALS, SyncInputError, parse_actions, refuse_all, tablet_actions_apply
from ..templatetags.board import new_row_html, readiness_buttons
from ..templatetags.search_results import search_results_html


def _row_context(request: HttpRequest, visits: list[Visit], *, reasons=None, **extra) -> dict:
    """What the rows of the board need: the readiness buttons and the optional checks are the same on
    every row, so they are rendered once here, not once per person. `reasons`: the site's
    readiness reasons if read already (`participant_for_check_in` reads them with the person)."""
    if reasons is None:
        reasons = readiness_reasons(request.site)
    show_notes = request.site.readiness_notes and has_perm(request.user, "view_health_data")
    extras = ""
    if request.site.readiness_checks or show_notes:
        extras = render_to_string(
            "dagsverket/_readiness_extras.html",
            {"checks": request.site.readiness_checks, "notes": show_notes},
        )
    excluded = any(visit.is_excluded for visit in visits)
    return {
        "visits": visits,
        "buttons_all": readiness_buttons(reasons),
        "buttons_excluded": readiness_buttons(reasons, excluded=True) if excluded else "",
        "readiness_extras": mark_safe(extras),  # noqa: S308 - our own template's output
        "undo_label": _("Undo"),
        "visit_base": reverse("checkin") + "visit/",
        **extra,
    }


def _board_context(request: HttpRequest, version: int | None = None, **extra) -> dict:
    today = timezone.localdate()
    # The version first: if something happens while the board is read, the next poll shows it.
    if version is None:
        version = board_version(site=request.site)
    # Newest arrival on top: the row the front desk taps next is always in view.
    visits = board_visits(site=request.site, day=today)[::-1]
    return _row_context(
        request,
        visits,
        today=today,
        unassessed=sum(1 for visit in visits if visit.readiness == Readiness.UNKNOWN),
        version=version,
        board_url=reverse("checkin"),
        poll_seconds=settings.CHECKIN_POLL_SECONDS,
        nonce=uuid.uuid4().hex,
        **extra,
    )


def _answer(
    request: HttpRequest, message: str, *, status: int = 200, error: bool = False, **extra
) -> HttpResponse:
    """The board partial with a confirmation (or error) line for htmx; a redirect otherwise."""
    if request.htmx:
        context = _board_context(request, flash=message, flash_error=error, **extra)
        return render(request, "dagsverket/_board.html", context, status=status)
    if status >= 400:
        context = _board_context(request, flash=message, flash_error=True, **extra)
        return render(request, "dagsverket/checkin_board.html", context, status=status)
    messages.success(request, message)
    return redirect("checkin")


def _get_visit_for_site(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.select_related("participant", "site"), pk=pk, site=request.site)


@require_GET
@permission_required("use_checkin")
def board(request: HttpRequest) -> HttpResponse:
    """Today's board for the current site: who has arrived, in arrival order, and the search box.

    The board's own poll (htmx, with the version it shows) gets "no change" (204) while nothing
    happened at the site, and the board partial when something did."""
    if request.htmx and "v" in request.GET:
        version = board_version(site=request.site)
        if request.GET["v"] == str(version):
            return HttpResponse(status=204)
        return render(request, "dagsverket/_board.html", _board_context(request, version=version))
    return render(
        request, "dagsverket/checkin_board.html", _board_context(request, sync_session=sync_tag(request))
    )


@require_GET
@permission_required("use_checkin")
@day_from_query
def board_day(request: HttpRequest, day) -> HttpResponse:
    """A day's board as a list to read or print: who came when, readiness, lottery and tasks.
    Today's list too (the board itself is for tapping); earlier days through the day pager."""
    visits = board_visits(site=request.site, day=day)
    return render(
        request,
        "dagsverket/checkin_day.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "visits": visits,
            "ready_count": sum(
                1 for visit in visits if visit.readiness in (Readiness.READY, Readiness.LIGHT)
            ),
        },
    )


@require_GET
@permission_required("use_checkin")
def search(request: HttpRequest) -> HttpResponse:
    """Search as you type (a small partial): best matches first, people seen recently first."""
    query = request.GET.get("q", "")[:100]
    results = participant_search(site=request.site, query=query, day=timezone.localdate())
    # Built in Python, without a template's render and its context processors (the partial shows
    # no menu and no messages). The check-in address is the same on every row: reversed once.
    html = search_results_html(
        request, query=query.strip(), results=results, nonce=uuid.uuid4().hex, in_url=reverse("checkin_in")
    )
    return HttpResponse(html)


@require_POST
@permission_required("use_checkin")
def check_in(request: HttpRequest) -> HttpResponse:
    """One tap: check a person in. A repeated tap or a second tablet shows the existing visit."""
    try:
        participant_id = int(request.POST.get("participant", ""))
    except ValueError:
        return _answer(request, _("Choose a person from the list."), status=400, error=True)
    participant = participant_for_check_in(pk=participant_id, site=request.site, day=timezone.localdate())
    if participant is None:
        return _answer(request, _("Choose a person from the list."), status=400, error=True)
    visit, created = participant_check_in(
        participant=participant, site=request.site, by=request.user, nonce=request.POST.get("nonce")
    )
    return _checked_in_answer(request, visit, created)


def _checked_in_answer(request, visit: Visit, created: bool) -> HttpResponse:
    name = visit.participant.name
    time = timezone.localtime(visit.arrived_at).strftime("%H:%M")
    if created:
        message = _("%(name)s is checked in (%(time)s).") % {"name": name, "time": time}
    else:
        message = _("%(name)s was already checked in at %(time)s.") % {"name": name, "time": time}
    if request.htmx and not created:
        # A repeat: the tablet may not show that visit yet (another tablet made it), so the whole
        # board, which already knows who is excluded: no extra query for the warning.
        context = _board_context(request, highlight=visit.pk)
        row = next((row for row in context["visits"] if row.pk == visit.pk), None)
        if row is not None and row.excluded_until:
            message += " " + excluded_message(row.excluded_until)
        context["flash"] = message
        return render(request, "dagsverket/_board.html", context)
    if getattr(visit.participant, "marked_for", None) == visit.date:  # read with the participant
        excluded_until = visit.participant.excluded_until
    else:
        exclusion = participant_is_excluded(visit.participant, visit.date)
        excluded_until = exclusion.ends_on if exclusion else None
    if excluded_until:
        message += " " + excluded_message(excluded_until)
    if request.htmx:
        # A new arrival is the latest of the day: put its row on top of the tablet's board and the
        # confirmation in the board's message line. Other tablets' arrivals come with the next poll.
        visit.excluded_until = excluded_until
        visit.is_excluded = excluded_until is not None
        visit.outcome = None  # nobody is drawn or put to work at the moment they arrive
        mark_namesakes([visit.participant])
        reasons = getattr(visit.participant, "readiness_reasons", None)
        context = _row_context(request, [visit], reasons=reasons, highlight=visit.pk, flash=message, oob=True)
        response = HttpResponse(new_row_html(request, context))
        response["HX-Retarget"] = "#board-list"
        response["HX-Reswap"] = "afterbegin"
        return response
    return _answer(request, message, highlight=visit.pk)


@require_POST
@permission_required("use_checkin")
def register_and_check_in(request: HttpRequest) -> HttpResponse:
    """Register a newcomer by name or nickname and check them in, in one step. Similar existing
    people are offered first ("is this the same person?")."""
    name = request.POST.get("name", "").strip()[:100]
    if not name:
        return _answer(request, _("A name or nickname is enough, but it is needed."), status=400, error=True)
    confirmed = request.POST.get("confirm_new") == "1"
    if name_needs_confirming(name) and not confirmed:
        return _question(request, name, [], odd_name=True)
    try:
        visit, created, similar = participant_register_and_check_in(
            site=request.site,
            by=request.user,
            name=name,
            nonce=request.POST.get("nonce"),
            confirm_new=confirmed,
        )
    except DagsverketError as error:
        return _answer(request, str(error.message), status=400, error=True)
    if similar:
        return _question(request, name, similar)
    return _checked_in_answer(request, visit, created)


def _question(request: HttpRequest, name: str, similar: list, *, odd_name: bool = False) -> HttpResponse:
    """Ask before registering: "is this the same person?" or "is that the name?"."""
    html = search_results_html(
        request,
        query=name,
        results=similar,
        similar=bool(similar),
        odd_name=odd_name,
        nonce=uuid.uuid4().hex,
        in_url=reverse("checkin_in"),
    )
    response = HttpResponse(html)
    # The answer is a question, not the board: show it where the search results are.
    response["HX-Retarget"] = "#search-results"
    response["HX-Reswap"] = "innerHTML"
    return response


@require_POST
@permission_required("use_checkin")
def readiness(request: HttpRequest, pk: int) -> HttpResponse:
    """Readiness in one or two taps: ready, light duties, or not today with a coded reason."""
    visit = _get_visit_for_site(request, pk)
    choice = request.POST.get("choice", "")
    status, _sep, reason_id = choice.partition(":")
    reason = None
    if reason_id:
        reason = ReasonCode.objects.filter(pk=reason_id if reason_id.isdigit() else 0).first()
    checks = request.site.readiness_checks
    try:
        visit_set_readiness(
            visit=visit,
            status=status,
            reason=reason,
            by=request.user,
            safety_briefing=(request.POST.get("safety_briefing") == "on") if checks else None,
            work_clothes_ok=(request.POST.get("work_clothes_ok") == "on") if checks else None,
            note=request.POST.get("note", "") if has_perm(request.user, "view_health_data") else "",
        )
    except DagsverketError as error:
        return _answer(request, str(error.message), status=400, error=True, highlight=visit.pk)
    label = Readiness(status).label
    if reason:
        label = f"{label} ({reason.label})"
    return _answer(request, _("%(name)s: %(status)s.") % {"name": visit.participant.name, "status": label})


@require_POST
@permission_required("use_checkin")
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a check-in within 10 minutes; later, a correction with a reason. Kept, not deleted."""
    visit = _get_visit_for_site(request, pk)
    try:
        visit_undo(visit=visit, by=request.user, reason=request.POST.get("reason", "")[:200])
    except DagsverketError as error:
        return _answer(request, str(error.message), status=400, error=True, correct=visit.pk)
    return _answer(request, _("The check-in of %(name)s was undone.") % {"name": visit.participant.name})


@require_POST
@permission_required("use_checkin")
def lock(request: HttpRequest) -> HttpResponse:
    """Lock the tablet (after the idle time, or by hand): no personal data until a PIN is given."""
    request.session[LOCK_KEY] = True
    return redirect("checkin_locked")


@require_http_methods(["GET", "POST"])
@permission_required("use_checkin")
def locked(request: HttpRequest) -> HttpResponse:
    """The locked screen: the names of who may unlock here and a PIN pad, nothing about participants.

    A PIN unlocks the front desk's screens only, whoever's PIN it is; a password unlocks that staff
    member's whole account. Wrong PINs are limited per staff member (in the service) and per tablet
    session (here); past either limit only the password unlocks, and every try is logged."""
    site = request.site
    staff = list(tablet_staff(site=site).select_related("pin"))
    error = None
    locked_out = request.session.get(PIN_FAILURES_KEY, 0) >= settings.TABLET_PIN_TRIES_PER_SESSION
    if request.method == "POST":
        user_id = int(request.POST["user"]) if request.POST.get("user", "").isdigit() else 0
        password = request.POST.get("password", "")
        try:
            if password:
                user, scope = _unlock_by_password(request, user_id, password), None
            elif locked_out:
                tablet_unlock_logged(
                    by=request.user,
                    site=site,
                    staff=None,
                    method="pin",
                    success=False,
                    reason="session_locked_out",
                )
                raise DagsverketError(SESSION_LOCKED_OUT_MESSAGE, code="pin_locked")
            else:
                user, scope = (
                    staff_by_pin(
                        site=site, user_id=user_id, pin=request.POST.get("pin", ""), by=request.user
                    ),
                    FRONT_DESK_SCOPE,
                )
        except DagsverketError as exc:
            error = exc.message
            if exc.code == "pin" and _count_pin_failure(request):
                locked_out, error = True, SESSION_LOCKED_OUT_MESSAGE
            elif exc.code == "pin_locked":
                locked_out = True  # the password form comes first
        else:
            if user.pk != request.user.pk:
                login(request, user, backend="dagsverket.auth.OneQueryPermissionBackend")
                request.session[SESSION_KEY] = site.pk
            request.session.pop(LOCK_KEY, None)
            request.session.pop(PIN_FAILURES_KEY, None)
            if scope:
                request.session[SCOPE_KEY] = scope
            else:
                request.session.pop(SCOPE_KEY, None)
            messages.success(
                request, _("Welcome, %(name)s.") % {"name": user.get_full_name() or user.username}
            )
            return redirect("checkin")
    request.session[LOCK_KEY] = True
    return render(
        request,
        "dagsverket/checkin_locked.html",
        {
            "staff": staff,
            "error": error,
            "current": request.user,
            "locked_out": locked_out,
            "any_pin": any(hasattr(member, "pin") for member in staff),
        },
        status=400 if error else 200,
    )


PIN_FAILURES_KEY = "tablet_pin_failures"
SESSION_LOCKED_OUT_MESSAGE = _lazy(
    "Too many wrong PINs on this tablet: the PIN pad is locked. Unlock with your password."
)


def _count_pin_failure(request: HttpRequest) -> bool:
    """One more wrong PIN in this tablet session; True when that reaches the session's limit."""
    failures = request.session.get(PIN_FAILURES_KEY, 0) + 1
    request.session[PIN_FAILURES_KEY] = failures
    if failures == settings.TABLET_PIN_TRIES_PER_SESSION:
        log_action(
            actor=request.user,
            action="tablet_pin_locked_out",
            obj=request.site,
            site=request.site,
            scope="session",
        )
    return failures >= settings.TABLET_PIN_TRIES_PER_SESSION


def _unlock_by_password(request: HttpRequest, user_id: int, password: str):
    """The staff member's own password (throttled like a login by django-axes) unlocks everything
    they may do, and lifts a PIN lock-out."""
    site = request.site
    staff = tablet_staff(site=site).filter(pk=user_id).first()
    user = authenticate(request, username=staff.get_username(), password=password) if staff else None
    if user is None or user.pk != staff.pk:
        tablet_unlock_logged(
            by=request.user, site=site, staff=staff, method="password", success=False, reason="wrong"
        )
        raise DagsverketError(_("Wrong name or password."), code="password")
    tablet_unlock_logged(by=request.user, site=site, staff=user, method="password", success=True)
    return user


@require_http_methods(["GET", "POST"])
@permission_required("use_checkin")
def pin(request: HttpRequest) -> HttpResponse:
    """Set one's own PIN for switching user on the tablet."""
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_pin_set(user=request.user, pin=form.cleaned_data["pin"])
        except DagsverketError as error:
            form.add_error("pin", error.message)
        else:
            messages.success(request, _("Your PIN is saved."))
            return redirect("checkin")
    return render(request, "dagsverket/pin.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """The tablet's offline queue (JSON): applied in order, each action once, answered one by one.

    Answers in JSON whatever happens, so the tablet can tell the front desk: a logged-out (401) or
    locked (423) session gets every action refused with its code and nothing applied (the tablet
    keeps them and sends again), a request that is not a queue gets 400 and nothing is applied.
    CSRF protected like every POST (the token comes in the X-CSRFToken header)."""
    if request.user.is_authenticated and (not has_perm(request.user, "use_checkin") or request.site is None):
        return JsonResponse({"error": _("You do not have access to the check-in.")}, status=403)
    try:
        if request.content_type != "application/json":  # a form's body is read (and gone) already
            raise SyncInputError(_("Not a valid request."))
        actions = parse_actions(json.loads(request.body.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, SyncInputError) as error:
        if not request.user.is_authenticated:
            return JsonResponse({"error": str(REFUSALS["logged_out"]), "code": "logged_out"}, status=401)
        if isinstance(error, SyncInputError):
            data = {"error": str(error.message), "index": error.index, "field": error.field}
        else:
            data = {"error": _("Not a valid request.")}
        return JsonResponse(data, status=400)
    if not request.user.is_authenticated:
        return _sync_answer(refuse_all(actions, "logged_out"), status=401)
    if is_locked(request):
        return _sync_answer(refuse_all(actions, "locked"), status=423)
    results = tablet_actions_apply(
        site=request.site, by=request.user, actions=actions, session=sync_tag(request)
    )
    return _sync_answer(results, version=board_version(site=request.site))


def _sync_answer(results, *, status: int = 200, version: int | None = None) -> JsonResponse:
    data = {"results": [result.as_json() for result in results]}
    if version is not None:
        data["version"] = version
    return JsonResponse(data, status=status)


@require_GET
@permission_required("use_checkin")
def offline_people(request: HttpRequest) -> JsonResponse:
    """The offline search's list: people the site has seen recently, with only what the search
    needs (id, the short name, and what tells two with the same name apart). No phone, no birth
    date, no notes. Fetched while the board is online and unlocked; the tablet clears it on lock and
    logout (`js/app.js`)."""
    return JsonResponse({"people": recent_people_for_tablet(site=request.site, day=timezone.localdate())})


@require_GET
@permission_required("use_checkin")
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /checkin/ so its scope covers the board (a script under
    /static/ could only control /static/). It caches the board page and static files only."""
    static_files = ["css/app.css", "js/htmx.min.js", "js/app.js", "js/checkin.js", "js/checkin-offline.js"]
    response = render(
        request,
        "dagsverket/checkin_worker.js",
        {"board_url": reverse("checkin"), "static_files": static_files},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("checkin")
    return response
