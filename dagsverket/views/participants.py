"""Participants: register, edit, their page (visits and outcomes), exclusion, merge, import;
and the attendance log."""

import tablib
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from ..access import (
    get_participant_for_user,
    has_perm,
    health_data_limited_to_study,
    permission_required,
    sees_health_data_of,
)
from ..errors import form_error
from ..filters import AttendanceFilter
from ..forms import ExclusionForm, ImportForm, ParticipantForm
from ..identifiers import name_needs_confirming
from ..models import Exclusion, Participant, ReadinessEntry, Visit
from ..resources import ParticipantResource
from ..selectors import attendance_outcomes, participant_is_excluded, participant_search, similar_participants
from ..services import (
    DagsverketError,
    exclusion_create,
    exclusion_lift,
    log_access,
    log_action,
    participant_merge,
    participant_register,
    participant_update,
)
from ..tables import AttendanceTable

IMPORT_SESSION_KEY = "participant_import_csv"


@require_GET
@permission_required("view_participants")
def participant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    people = participant_search(site=request.site, query=query, limit=50) if query.strip() else []
    return render(request, "dagsverket/participant_list.html", {"query": query, "people": people})


def _form_save(request, form, participant=None):
    """Run the service for a valid form; errors go back on the form. Returns the participant or None."""
    try:
        if participant is None:
            return participant_register(site=request.site, by=request.user, **form.participant_fields())
        return participant_update(participant=participant, by=request.user, **form.participant_fields())
    except DagsverketError as error:
        form_error(form, error)
        return None


@require_http_methods(["GET", "POST"])
@permission_required("use_checkin")
def participant_new(request: HttpRequest) -> HttpResponse:
    """Register a person. Similar existing people are shown first; registering anyway is one tap."""
    show_ids = has_perm(request.user, "view_national_id")
    form = ParticipantForm(request.POST or None, show_identifiers=show_ids)
    similar = []
    odd_name = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm_new"):
            if name_needs_confirming(data["name"]):
                odd_name = data["name"].strip()
            similar = similar_participants(
                site=request.site,
                name=data["name"],
                nickname=data.get("nickname", ""),
                full_name=data.get("full_name", ""),
                birth_date=data.get("birth_date"),
            )
        if not similar and not odd_name and (participant := _form_save(request, form)):
            messages.success(request, _("%(name)s is registered.") % {"name": participant.name})
            return redirect("participant_detail", pk=participant.pk)
    return render(
        request,
        "dagsverket/participant_form.html",
        {"form": form, "similar": similar, "participant": None, "odd_name": odd_name},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("use_checkin")
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request, pk)
    show_ids = has_perm(request.user, "view_national_id")
    if show_ids and request.method == "GET":
        log_access(user=request.user, participant=participant, what="national_id", path=request.path)
    form = ParticipantForm(request.POST or None, instance=participant, show_identifiers=show_ids)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm_new"):
            similar = similar_participants(
                site=request.site,
                name=data["name"],
                nickname=data.get("nickname", ""),
                birth_date=data.get("birth_date"),
                exclude_pk=participant.pk,
            )
        if not similar and _form_save(request, form, participant):
            messages.success(request, _("Saved."))
            return redirect("participant_detail", pk=participant.pk)
    return render(
        request,
        "dagsverket/participant_form.html",
        {"form": form, "similar": similar, "participant": participant},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required("view_participants")
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's page: details, status, and every visit with its outcome."""
    participant = get_participant_for_user(request, pk)
    today = timezone.localdate()
    show_ids = has_perm(request.user, "view_national_id")
    show_health = sees_health_data_of(request, participant)
    visits = list(
        Visit.objects.filter(participant=participant)
        .select_related("readiness_reason", "site", "checked_in_by")
        .order_by("-date", "-arrived_at")[:200]
    )
    work = attendance_outcomes(visits)
    for visit in visits:
        visit.work = work[visit.pk]
    notes = []
    if show_health:
        notes = list(
            ReadinessEntry.objects.filter(visit__participant=participant)
            .exclude(note="")
            .select_related("visit", "reason")
            .order_by("-recorded_at")[:50]
        )
        if notes:
            log_access(user=request.user, participant=participant, what="readiness_notes", path=request.path)
    if show_ids and (participant.national_id or participant.bank_account):
        log_access(user=request.user, participant=participant, what="national_id", path=request.path)
    return render(
        request,
        "dagsverket/participant_detail.html",
        {
            "participant": participant,
            "exclusion": participant_is_excluded(participant, today),
            "visits": visits,
            "notes": notes,
            "show_ids": show_ids,
            "show_health": show_health,
            "show_pay": has_perm(request.user, "manage_payroll"),
            "can_manage": has_perm(request.user, "manage_site"),
            "exclusion_form": ExclusionForm(site=request.site),
            "similar": similar_participants(
                site=request.site,
                name=participant.name,
                nickname=participant.nickname,
                birth_date=participant.birth_date,
                exclude_pk=participant.pk,
            )
            if has_perm(request.user, "manage_site")
            else [],
        },
    )


@require_POST
@permission_required("manage_site")
def participant_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Exclude (karantene) until a date with a coded reason."""
    participant = get_participant_for_user(request, pk)
    form = ExclusionForm(request.POST, site=request.site)
    if form.is_valid():
        try:
            exclusion_create(
                participant=participant,
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DagsverketError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s is excluded.") % {"name": participant.name})
            return redirect("participant_detail", pk=participant.pk)
    return render(
        request, "dagsverket/participant_exclude.html", {"participant": participant, "form": form}, status=400
    )


@require_POST
@permission_required("manage_site")
def participant_lift_exclusion(request: HttpRequest, pk: int, exclusion_pk: int) -> HttpResponse:
    """End an exclusion early (logged)."""
    participant = get_participant_for_user(request, pk)
    exclusion = get_object_or_404(Exclusion, pk=exclusion_pk, participant=participant, lifted_at__isnull=True)
    exclusion_lift(exclusion=exclusion, by=request.user)
    messages.success(request, _("The exclusion is lifted."))
    return redirect("participant_detail", pk=participant.pk)


@require_POST
@permission_required("manage_site")
def participant_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge another record (the duplicate) into this one; all history is kept and logged."""
    keep = get_participant_for_user(request, pk)
    try:
        duplicate_id = int(request.POST.get("duplicate", ""))
    except ValueError:
        duplicate_id = 0
    duplicate = Participant.objects.filter(pk=duplicate_id, site=request.site).first()
    if duplicate is None:
        messages.error(request, _("Choose the record to merge."))
        return render(request, "dagsverket/participant_merge_error.html", {"participant": keep}, status=400)
    try:
        participant_merge(keep=keep, duplicate=duplicate, by=request.user)
    except DagsverketError as error:
        messages.error(request, error.message)
        return render(request, "dagsverket/participant_merge_error.html", {"participant": keep}, status=400)
    messages.success(request, _("The records are merged."))
    return redirect("participant_detail", pk=keep.pk)


def _read_dataset(upload) -> tablib.Dataset:
    name = upload.name.lower()
    content = upload.read()
    if name.endswith(".xlsx"):
        return tablib.Dataset().load(content, format="xlsx")
    return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")


@require_http_methods(["GET", "POST"])
@permission_required("manage_site")
def participant_import(request: HttpRequest) -> HttpResponse:
    """Import participants from CSV or XLSX: a preview with row-level errors; nothing is written
    while any row is invalid; a second step confirms."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and request.POST.get("confirm") == "1":
        csv_text = request.session.pop(IMPORT_SESSION_KEY, None)
        if csv_text is None:
            messages.error(request, _("Upload the file again."))
            return redirect("participant_import")
        dataset = tablib.Dataset().load(csv_text, format="csv")
        result = ParticipantResource(site=request.site, by=request.user).import_data(
            dataset, dry_run=False, raise_errors=False
        )
        if not (result.has_errors() or result.has_validation_errors()):
            log_action(
                actor=request.user,
                action="participant_import",
                obj=request.site,
                site=request.site,
                rows=len(dataset),
            )
            messages.success(request, _("%(count)s people imported.") % {"count": len(dataset)})
            return redirect("participant_list")
        status = 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                dataset = _read_dataset(form.cleaned_data["file"])
            except Exception:  # any unreadable file gets the same clear message
                form.add_error("file", _("The file could not be read as CSV (UTF-8) or XLSX."))
            else:
                if "name" not in (dataset.headers or []):
                    form.add_error("file", _("The file needs a column called “name”."))
                else:
                    result = ParticipantResource(site=request.site, by=request.user).import_data(
                        dataset, dry_run=True, raise_errors=False
                    )
                    if not (result.has_errors() or result.has_validation_errors()):
                        request.session[IMPORT_SESSION_KEY] = dataset.export("csv")
        if form.errors or (result and (result.has_errors() or result.has_validation_errors())):
            status = 400
    return render(
        request, "dagsverket/participant_import.html", {"form": form, "result": result}, status=status
    )


@require_GET
@permission_required("view_participants")
def attendance(request: HttpRequest) -> HttpResponse:
    """Every visit with its outcome: filters, sorting and pages, in a fixed number of queries."""
    sites = request.site.__class__.objects.filter(pk__in=[site.pk for site in request.staff_sites])
    queryset = Visit.objects.filter(site__in=[site.pk for site in request.staff_sites]).select_related(
        "participant", "site", "readiness_reason", "checked_in_by"
    )
    data = request.GET.copy()
    if not data.get("site"):
        data["site"] = str(request.site.pk)
    filterset = AttendanceFilter(data, queryset=queryset, sites=sites)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    table = AttendanceTable(
        rows,
        # One person's reason at a time for study staff (on the person's page, if in their trials or
        # caseloads); a list of everyone's visits shows none to them.
        show_reasons=has_perm(request.user, "view_health_data")
        and not health_data_limited_to_study(request.user),
        show_pay=has_perm(request.user, "manage_payroll"),
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    table.load_outcomes()
    return render(request, "dagsverket/attendance.html", {"filter": filterset, "table": table})
