"""Screens for consent, referrals, the follow-up list, the participant's blocks and the
subject-access export.

Referrals and consents are health-related data: they need `view_health_data`, and reading them
writes an access-log entry. Overrides of the consent gate are for `manage_site` only.
"""

import datetime
import json

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import subject_access
from ..access import (
    get_participant_for_user,
    has_perm,
    in_health_scope,
    permission_required,
    sees_health_data_of,
)
from ..errors import form_error
from ..lists import filtered_rows, paginate
from ..models import AccessLog, Exclusion, Participant, ReadinessEntry, Site, Visit
from ..services import DagsverketError, log_access
from . import selectors, services
from .forms import (
    AccessLogFilter,
    AgencyFilter,
    AgencyForm,
    CancelForm,
    CompleteForm,
    ConsentForm,
    DeclineForm,
    FollowUpFilter,
    FollowUpForm,
    OverrideFilter,
    ReferralForm,
    SendForm,
)
from .models import Agency, Consent, Referral, ReferralStatus
from .tables import AccessLogTable, AgencyTable, FollowUpTable, OverrideTable

HEALTH = "view_health_data"

# --- helpers ----------------------------------------------------------------------------------------


def _get_referral_for_user(request: HttpRequest, pk: int) -> Referral:
    """A referral at the site the user is working at now, about a person whose health data they may
    read; 404 otherwise (the same rule as `get_participant_for_user`)."""
    referral = get_object_or_404(
        Referral.objects.select_related("participant", "agency", "reason", "staff", "consent", "site"), pk=pk
    )
    if request.site is None or referral.site_id != request.site.pk:
        raise Http404
    if not sees_health_data_of(request, referral.participant):
        raise Http404
    return referral


def _pdf_response(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    """One HTML document in the active language and Oslo time, through the one PDF renderer."""
    from ..pdf import render_pdf  # WeasyPrint loads Pango: only when a PDF is made

    with timezone.override("Europe/Oslo"):
        html = render_to_string(template, context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the participant's blocks -------------------------------------------------------------------------


def participant_blocks(request: HttpRequest, participant: Participant) -> list[tuple[str, dict]]:
    """The blocks of the participant's page this user may see, as (template, context) pairs.

    Applies the role rules and writes one access-log entry for each block of health-related data
    or national ID that is shown. The access block comes last so it includes these reads.
    """
    user = request.user
    blocks: list[tuple[str, dict]] = []
    base = {"participant": participant}

    def read(what: str) -> None:
        log_access(user=user, participant=participant, what=what, path=request.path)

    if has_perm(user, "view_participants"):
        visits = list(
            Visit.objects.filter(participant=participant).select_related("site").order_by("-date")[:30]
        )
        blocks.append(("dagsverket/referrals/_participant_visits.html", {**base, "visits": visits}))
    if has_perm(user, "view_national_id"):
        read("national_id")
        blocks.append(("dagsverket/referrals/_participant_identity.html", base))
    if sees_health_data_of(request, participant):
        read("readiness")
        entries = list(
            ReadinessEntry.objects.filter(visit__participant=participant)
            .select_related("visit", "reason")
            .order_by("-recorded_at", "-pk")[:30]
        )
        blocks.append(("dagsverket/referrals/_participant_readiness.html", {**base, "entries": entries}))
        read("referrals")
        referrals = list(
            Referral.objects.filter(participant=participant)
            .select_related("agency", "staff")
            .order_by("-date", "-pk")
        )
        blocks.append(("dagsverket/referrals/_participant_referrals.html", {**base, "referrals": referrals}))
        read("consents")
        today = timezone.localdate()
        consents = list(Consent.objects.filter(participant=participant).prefetch_related("agencies"))
        for consent in consents:
            consent.in_force = consent.is_valid_on(today)
        blocks.append(("dagsverket/referrals/_participant_consents.html", {**base, "consents": consents}))
        read("exclusions")
        exclusions = list(Exclusion.objects.filter(participant=participant).select_related("reason"))
        blocks.append(
            ("dagsverket/referrals/_participant_exclusions.html", {**base, "exclusions": exclusions})
        )
    if has_perm(user, "manage_site"):
        entries = list(AccessLog.objects.filter(participant=participant).select_related("user")[:10])
        blocks.append(("dagsverket/referrals/_participant_access.html", {**base, "access_entries": entries}))
    return blocks


@require_GET
@permission_required("view_participants")
def participant_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = get_participant_for_user(request, participant_id)
    blocks = [
        render_to_string(template, context, request=request)
        for template, context in participant_blocks(request, participant)
    ]
    return render(
        request, "dagsverket/referrals/participant.html", {"participant": participant, "blocks": blocks}
    )


@require_GET
@permission_required("manage_site")
def participant_access_log(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Every access entry for one participant: who read what, when; newest first, 50 a page."""
    participant = get_participant_for_user(request, participant_id)
    filterset = AccessLogFilter(
        request.GET or None,
        queryset=AccessLog.objects.filter(participant=participant).select_related("user"),
        participant=participant,
    )
    rows, status = filtered_rows(filterset)
    table = AccessLogTable(rows)
    paginate(request, table)
    return render(
        request,
        "dagsverket/referrals/access_log.html",
        {"participant": participant, "filter": filterset, "table": table},
        status=status,
    )


# --- consent ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(HEALTH)
def consent_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = get_participant_for_user(request, participant_id, health=True)
    referral = None
    if referral_id := request.GET.get("referral", ""):
        referral = Referral.objects.filter(
            pk=referral_id if referral_id.isdigit() else 0, participant=participant
        ).first()
    form_kwargs = {"site": participant.site, "initial_agency": referral.agency if referral else None}
    form = ConsentForm(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(participant=participant, by=request.user, **form.cleaned_data)
        except DagsverketError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            if referral is not None:
                return redirect("referrals:detail", pk=referral.pk)
            return redirect("referrals:participant", participant_id=participant.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "dagsverket/referrals/consent_form.html",
        {"participant": participant, "form": form, "referral": referral},
        status=status,
    )


@require_POST
@permission_required(HEALTH)
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("participant"), pk=pk)
    participant = get_participant_for_user(request, consent.participant_id, health=True)
    try:
        services.consent_withdraw(consent=consent, by=request.user)
    except DagsverketError as error:
        return render(
            request,
            "dagsverket/referrals/error.html",
            {"participant": participant, "message": error.message},
            status=400,
        )
    messages.success(request, _("The consent is withdrawn. Nothing more is shared from today."))
    return redirect("referrals:participant", participant_id=participant.pk)


# --- referrals --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(HEALTH)
def referral_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = get_participant_for_user(request, participant_id, health=True)
    form = ReferralForm(request.POST or None, site=participant.site)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(participant=participant, by=request.user, **form.cleaned_data)
        except DagsverketError as error:
            form_error(form, error)
        else:
            return redirect("referrals:detail", pk=referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "dagsverket/referrals/referral_form.html",
        {"participant": participant, "form": form},
        status=status,
    )


def _detail(request: HttpRequest, referral: Referral, *, status: int = 200, **forms) -> HttpResponse:
    log_access(user=request.user, participant=referral.participant, what="referral", path=request.path)
    covering = None
    if referral.status == ReferralStatus.DRAFT and referral.shares_information:
        covering = selectors.consent_covering(
            participant=referral.participant, agency=referral.agency, day=timezone.localdate()
        )
    context = {
        "referral": referral,
        "participant": referral.participant,
        "events": referral.events.select_related("by"),
        "covering_consent": covering,
        "can_override": has_perm(request.user, "manage_site"),
        "allowed": services.TRANSITIONS[referral.status],
        "send_form": forms.get("send_form") or SendForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "follow_up_form": forms.get("follow_up_form")
        or FollowUpForm(initial={"follow_up_on": referral.follow_up_on}),
        "no_consent": forms.get("no_consent", False),
        "S": ReferralStatus,
    }
    return render(request, "dagsverket/referrals/referral_detail.html", context, status=status)


@require_GET
@permission_required(HEALTH)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_referral_for_user(request, pk))


@require_POST
@permission_required(HEALTH)
def referral_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a referral through the consent gate; a manager may override it with a reason."""
    referral = _get_referral_for_user(request, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.referral_send(
                referral=referral,
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
                can_override=has_perm(request.user, "manage_site"),
            )
        except DagsverketError as error:
            form_error(form, error)
            return _detail(
                request, referral, status=400, send_form=form, no_consent=error.code == "no_consent"
            )
        messages.success(request, _("The referral is sent."))
        return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, status=400, send_form=form)


CHANGES = {
    "accept": (None, lambda r, by, data: services.referral_accept(referral=r, by=by)),
    "decline": (
        DeclineForm,
        lambda r, by, data: services.referral_decline(referral=r, by=by, reason=data["decline_reason"]),
    ),
    "complete": (
        CompleteForm,
        lambda r, by, data: services.referral_complete(
            referral=r, by=by, outcome=data["outcome"], note=data["note"]
        ),
    ),
    "cancel": (
        CancelForm,
        lambda r, by, data: services.referral_cancel(referral=r, by=by, note=data["note"]),
    ),
    "follow-up": (
        FollowUpForm,
        lambda r, by, data: services.referral_set_follow_up(
            referral=r, by=by, follow_up_on=data["follow_up_on"]
        ),
    ),
}


@require_POST
@permission_required(HEALTH)
def referral_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline, complete or cancel a referral, or move its follow-up date."""
    if action not in CHANGES:
        raise Http404
    referral = _get_referral_for_user(request, pk)
    form_class, apply = CHANGES[action]
    form = form_class(request.POST) if form_class else None
    form_name = f"{action.replace('-', '_')}_form"
    if form is not None and not form.is_valid():
        return _detail(request, referral, status=400, **{form_name: form})
    try:
        apply(referral, request.user, form.cleaned_data if form else {})
    except DagsverketError as error:
        if form is None:
            messages.error(request, error.message)
            return _detail(request, referral, status=400)
        form_error(form, error)
        return _detail(request, referral, status=400, **{form_name: form})
    messages.success(request, _("The referral is updated."))
    return redirect("referrals:detail", pk=referral.pk)


@require_GET
@permission_required(HEALTH)
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral letter for an agency that does not use Dagsverket, with only what the consent covers."""
    referral = _get_referral_for_user(request, pk)
    if referral.status in (ReferralStatus.DRAFT, ReferralStatus.CANCELLED):
        return render(
            request,
            "dagsverket/referrals/error.html",
            {
                "participant": referral.participant,
                "message": _("Send the referral before printing the letter."),
            },
            status=400,
        )
    log_access(user=request.user, participant=referral.participant, what="referral letter", path=request.path)
    consent = referral.consent
    attendance = None
    if consent is not None and consent.share_attendance:
        since = referral.date - datetime.timedelta(days=90)
        attendance = (
            Visit.objects.active()
            .filter(participant=referral.participant, date__gte=since, date__lte=referral.date)
            .count()
        )
    context = {
        "referral": referral,
        "participant": referral.participant,
        "consent": consent,
        "attendance": attendance,
    }
    return _pdf_response(request, "dagsverket/referrals/letter.html", context, f"referral-{referral.pk}.pdf")


# --- lists ------------------------------------------------------------------------------------------


@require_GET
@permission_required(HEALTH)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Referrals due today and overdue at the current site, optionally for one staff member."""
    today = timezone.localdate()
    filterset = FollowUpFilter(
        request.GET or None,
        queryset=in_health_scope(request, selectors.referrals_due(site=request.site, day=today)),
        site=request.site,
    )
    rows, status = filtered_rows(filterset)
    table = FollowUpTable(rows)
    paginate(request, table)
    return render(
        request,
        "dagsverket/referrals/follow_up.html",
        {"filter": filterset, "table": table, "today": today},
        status=status,
    )


@require_GET
@permission_required("manage_site")
def override_list(request: HttpRequest) -> HttpResponse:
    """Referrals sent without a covering consent, for a manager to review; not yet reviewed first."""
    filterset = OverrideFilter(
        request.GET or None, queryset=selectors.overrides_for_review(site=request.site)
    )
    rows, status = filtered_rows(filterset)
    table = OverrideTable(rows)
    paginate(request, table)
    return render(
        request, "dagsverket/referrals/overrides.html", {"filter": filterset, "table": table}, status=status
    )


@require_POST
@permission_required("manage_site")
def override_review(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_referral_for_user(request, pk)
    try:
        services.referral_override_review(referral=referral, by=request.user)
    except DagsverketError as error:
        return render(
            request,
            "dagsverket/referrals/error.html",
            {"participant": referral.participant, "message": error.message},
            status=400,
        )
    messages.success(request, _("Marked as reviewed."))
    return redirect("referrals:overrides")


# --- agencies ---------------------------------------------------------------------------------------


def _agencies_for_user(request: HttpRequest):
    """The agencies of the sites this manager works at, and those used at every site; another
    site's own agencies are not theirs to see or change (404)."""
    return Agency.objects.filter(Q(site__isnull=True) | Q(site__in=request.staff_sites))


@require_GET
@permission_required("manage_site")
def agency_list(request: HttpRequest) -> HttpResponse:
    """The agency catalogue, active first; filters by name, type, site and whether in use."""
    filterset = AgencyFilter(
        request.GET or None,
        queryset=_agencies_for_user(request).select_related("site"),
        sites=Site.objects.filter(pk__in=[site.pk for site in request.staff_sites]).order_by("name"),
    )
    rows, status = filtered_rows(filterset)
    table = AgencyTable(rows)
    paginate(request, table)
    return render(
        request, "dagsverket/referrals/agencies.html", {"filter": filterset, "table": table}, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_site")
def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agency = get_object_or_404(_agencies_for_user(request), pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency, sites=request.staff_sites)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AgencyForm.Meta.fields}
        try:
            services.agency_save(by=request.user, agency=agency, **fields)
        except DagsverketError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The agency is saved."))
            return redirect("referrals:agencies")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "dagsverket/referrals/agency_form.html", {"form": form, "agency": agency}, status=status
    )


# --- subject-access export ----------------------------------------------------------------------------


@require_GET
@permission_required("manage_site")
def subject_access_export(request: HttpRequest, participant_id: int, fmt: str) -> HttpResponse:
    """Everything stored about one participant, as JSON or PDF, for the person who asked."""
    participant = get_participant_for_user(request, participant_id)
    if fmt not in ("json", "pdf"):
        raise Http404
    log_access(
        user=request.user, participant=participant, what=f"subject-access export ({fmt})", path=request.path
    )
    if fmt == "json":
        with timezone.override("Europe/Oslo"):
            data = subject_access.as_json(participant)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}.json"'
        return response
    with translation.override(translation.get_language()), timezone.override("Europe/Oslo"):
        sections = subject_access.collect(participant)
    context = {"participant": participant, "sections": sections, "generated_at": timezone.now()}
    return _pdf_response(
        request, "dagsverket/referrals/subject_access.html", context, f"participant-{participant.pk}.pdf"
    )
