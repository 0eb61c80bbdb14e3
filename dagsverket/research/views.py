"""The research area: studies, screening and enrolment, reveal, questionnaires, follow-up, course.

No page shows an allocation list, a seed or the next allocation: an allocation appears only on
the enrolment it was revealed for.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from ..access import has_perm, permission_required
from ..errors import form_error
from ..evaluation.exporters import safe_text
from ..referrals.services import consent_record
from ..services import DagsverketError, log_access, log_action, participant_register
from .consort import consort_flow, consort_rows, consort_svg
from .filters import DueFilter
from .forms import (
    AllocationExtendForm,
    CorrectionReasonForm,
    CourseSessionForm,
    FollowUpForm,
    ResponseForm,
    ScreeningForm,
    StudyForm,
    TrialStatusForm,
    ValueSetChoiceForm,
    WaveCloseForm,
)
from .models import (
    AllocationList,
    AllocationSlot,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Instrument,
    ResearchError,
    Response,
    SessionAttendance,
    Study,
    Wave,
    WaveKind,
)
from .selectors import balance_by_stratum, enrolment_history, enrolment_waves, waves_due
from .services import (
    FOLLOW_UP_FIELDS,
    allocation_extend,
    allocation_reveal,
    attendance_record,
    course_session_create,
    enrolment_lock,
    enrolment_screen,
    enrolment_status_set,
    follow_up_correct,
    follow_up_record,
    research_consent_for,
    response_correct,
    response_record,
    study_create,
    study_start,
    study_value_set_set,
    wave_close,
)
from .tables import DueTable, EnrolmentTable


def _get_enrolment_for_user(request: HttpRequest, pk) -> Enrolment:
    """An enrolment at the user's current site; 404 for other sites."""
    return get_object_or_404(
        Enrolment.objects.select_related("study__project", "participant", "site", "responsible"),
        pk=pk,
        site=request.site,
    )


@require_GET
@permission_required("manage_study")
def home(request: HttpRequest) -> HttpResponse:
    studies = Study.objects.prefetch_related("arms", "sites")
    return render(request, "research/home.html", {"studies": studies})


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def study_new(request: HttpRequest) -> HttpResponse:
    form = StudyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                study = study_create(
                    by=request.user,
                    name=data["name"],
                    ethics_reference=data["ethics_reference"],
                    purpose=data["purpose"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    sites=list(data["sites"]),
                    arms=[
                        ("arm1", data["arm_1"], data["arm_1_ratio"], data["arm_1_course"]),
                        ("arm2", data["arm_2"], data["arm_2_ratio"], False, data["arm_2_ips"]),
                    ],
                    stratification=data["stratification"],
                    age_band_starts=data["age_band_starts"],
                    block_multiples=data["block_multiples"],
                    criteria=data["criteria"],
                    instruments=list(data["instruments"]),
                    window_days=data["window_days"],
                    evaluators=list(data["evaluators"]),
                    min_block_size=data["min_block_size"],
                )
            except ResearchError as error:
                form_error(form, error)
            else:
                return redirect("research:study_detail", pk=study.pk)
        status = 400
    return render(request, "research/study_form.html", {"form": form}, status=status)


@require_GET
@permission_required("manage_study")
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(
        Study.objects.prefetch_related("arms", "criteria", "waves__instruments", "sites"), pk=pk
    )
    enrolments = Enrolment.objects.filter(study=study, site=request.site).select_related(
        "participant", "site", "responsible"
    )
    table = EnrolmentTable(enrolments)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "research/study_detail.html", {"study": study, "table": table})


@require_POST
@permission_required("manage_study")
def study_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=pk)
    try:
        study_start(study=study, by=request.user)
    except ResearchError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The study has started: new enrolments are live."))
    return redirect("research:study_detail", pk=study.pk)


@require_GET
@permission_required("trial_statistics")
def study_balance(request: HttpRequest, pk: int) -> HttpResponse:
    """Running balance per stratum: for the trial statistician only, never for recruiters (the
    arm that is behind in a stratum is the likely next one)."""
    study = get_object_or_404(Study, pk=pk)
    rows, arms, totals = balance_by_stratum(study)
    return render(
        request, "research/balance.html", {"study": study, "rows": rows, "arms": arms, "totals": totals}
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Screen a participant (existing or new): eligibility, research consent, baseline."""
    study = get_object_or_404(Study.objects.select_related("project"), pk=pk)
    form = ScreeningForm(request.POST or None, study=study, site=request.site)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    participant = data["participant"] or participant_register(
                        site=request.site, by=request.user, name=data["new_name"], sex=data["sex"]
                    )
                    if data["consent_given_on"]:
                        consent_record(
                            participant=participant,
                            purpose="research",
                            given_on=data["consent_given_on"],
                            # The trial's consent runs for the approved period, whatever the
                            # evaluation project's dates.
                            valid_until=max(study.consent_until, data["consent_given_on"]),
                            method=data["consent_method"],
                            by=request.user,
                            project=study.name,
                        )
                    enrolment = enrolment_screen(
                        study=study,
                        participant=participant,
                        eligibility=form.eligibility(),
                        sex=data["sex"],
                        age=data["age"],
                        baseline_on=data["baseline_on"],
                        responsible=data["responsible"],
                        by=request.user,
                    )
            except (ResearchError, DagsverketError) as error:
                field = error.field if error.field in form.fields else None
                if error.field in {"given_on", "valid_until"}:
                    field = "consent_given_on"
                elif error.field == "method":
                    field = "consent_method"
                elif error.field == "name":
                    field = "new_name"
                form.add_error(field, error.message)
            else:
                return redirect("research:enrolment", pk=enrolment.pk)
        status = 400
    return render(request, "research/enrol.html", {"study": study, "form": form}, status=status)


@require_GET
@permission_required("manage_study")
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    # Questionnaire scores and outcomes are health data: every read is logged.
    log_access(
        user=request.user, participant=enrolment.participant, what="research_enrolment", path=request.path
    )
    allocation = (
        AllocationSlot.objects.filter(enrolment=enrolment).select_related("arm", "revealed_by").first()
        if enrolment.status == EnrolmentStatus.ALLOCATED
        else None
    )
    today = timezone.localdate()
    consent = enrolment.consent or research_consent_for(
        study=enrolment.study, participant=enrolment.participant, day=today
    )
    criteria = [
        (criterion, enrolment.eligibility.get(str(criterion.pk), False))
        for criterion in enrolment.study.criteria.all()
    ]
    return render(
        request,
        "research/enrolment.html",
        {
            "enrolment": enrolment,
            "study": enrolment.study,
            "allocation": allocation,
            "consent": consent,
            "criteria": criteria,
            "waves": enrolment_waves(enrolment, today),
            "can_correct": has_perm(request.user, "correct_trial_data"),
        },
    )


@require_POST
@permission_required("manage_study")
def enrolment_lock_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    try:
        enrolment_lock(enrolment=enrolment, by=request.user)
    except ResearchError as error:
        messages.error(request, error.message)
    return redirect("research:enrolment", pk=enrolment.pk)


@require_POST
@permission_required("manage_study")
def enrolment_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    try:
        allocation_reveal(enrolment=enrolment, by=request.user)
    except ResearchError as error:
        messages.error(request, error.message)
    return redirect("research:enrolment", pk=enrolment.pk)


def _wave_for(enrolment: Enrolment, wave_id: int) -> Wave:
    wave = Wave.objects.filter(pk=wave_id, study_id=enrolment.study_id).first()
    if wave is None:
        raise Http404
    return wave


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def response_new(request: HttpRequest, pk: int, wave_id: int, instrument_id: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    wave = _wave_for(enrolment, wave_id)
    instrument = wave.instruments.prefetch_related("items__options", "bands").filter(pk=instrument_id).first()
    if instrument is None:
        raise Http404
    form = ResponseForm(request.POST or None, instrument=instrument)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                response = response_record(
                    enrolment=enrolment,
                    wave=wave,
                    instrument=instrument,
                    answers=form.answers(),
                    answered_on=form.cleaned_data["answered_on"],
                    deviation_reason=form.cleaned_data["deviation_reason"],
                    by=request.user,
                )
            except ResearchError as error:
                form_error(form, error)
            else:
                if response.valid:
                    messages.success(
                        request,
                        _("%(name)s saved: score %(score)s.")
                        % {"name": instrument.name, "score": response.shown_score},
                    )
                else:
                    messages.warning(
                        request,
                        _("%(name)s saved, but too many items are missing for a score.")
                        % {"name": instrument.name},
                    )
                return redirect("research:enrolment", pk=enrolment.pk)
        status = 400
    return render(
        request,
        "research/response_form.html",
        {"enrolment": enrolment, "wave": wave, "instrument": instrument, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def follow_up(request: HttpRequest, pk: int, wave_id: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    wave = _wave_for(enrolment, wave_id)
    if wave.kind == WaveKind.REGISTRY:
        raise Http404
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                follow_up_record(enrolment=enrolment, wave=wave, by=request.user, **form.cleaned_data)
            except ResearchError as error:
                form_error(form, error)
            else:
                return redirect("research:enrolment", pk=enrolment.pk)
        status = 400
    return render(
        request,
        "research/follow_up_form.html",
        {"enrolment": enrolment, "wave": wave, "form": form},
        status=status,
    )


@require_GET
@permission_required("manage_study")
def due(request: HttpRequest) -> HttpResponse:
    """Waves due and overdue, by default for the signed-in staff member."""
    data = request.GET.copy()
    if "responsible" not in data:
        data["responsible"] = str(request.user.pk)
    staff = request.site.staff.filter(is_active=True).order_by("username")
    enrolments = Enrolment.objects.filter(site=request.site)
    filterset = DueFilter(data, queryset=enrolments, staff=staff, studies=Study.objects.all())
    if not filterset.is_valid():
        return render(request, "research/due.html", {"filter": filterset, "table": None}, status=400)
    rows = waves_due(enrolments=filterset.qs, day=timezone.localdate())
    table = DueTable(rows)
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(request, "research/due.html", {"filter": filterset, "table": table})


@require_GET
@permission_required("manage_study")
def instruments(request: HttpRequest) -> HttpResponse:
    items = Instrument.objects.prefetch_related("items__options", "bands")
    return render(request, "research/instruments.html", {"instruments": items})


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def sessions(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=pk)
    form = CourseSessionForm(request.POST or None, study=study)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                course_session_create(study=study, site=request.site, by=request.user, **form.cleaned_data)
            except ResearchError as error:
                form_error(form, error)
            else:
                return redirect("research:sessions", pk=study.pk)
        status = 400
    listed = CourseSession.objects.filter(study=study, site=request.site).select_related("arm")
    return render(
        request, "research/sessions.html", {"study": study, "form": form, "sessions": listed}, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CourseSession.objects.select_related("study", "arm"), pk=pk, site=request.site
    )
    people = list(
        Enrolment.objects.filter(
            study=session.study, site=request.site, allocation__arm=session.arm, is_live=True
        ).select_related("participant")
    )
    status = 200
    if request.method == "POST":
        enrolment = next((e for e in people if str(e.pk) == request.POST.get("enrolment")), None)
        attended = request.POST.get("attended")
        if enrolment is None or attended not in {"yes", "no"}:
            messages.error(request, _("Choose a person and whether they came."))
            status = 400
        else:
            attendance_record(
                session=session, enrolment=enrolment, attended=attended == "yes", by=request.user
            )
            return redirect("research:session", pk=session.pk)
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("enrolment_id", "attended"))
    rows = [(enrolment, marks.get(enrolment.pk)) for enrolment in people]
    return render(request, "research/session.html", {"session": session, "rows": rows}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("manage_study")
def enrolment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a randomised person's trial status: withdrawal, lost to follow-up, death."""
    enrolment = _get_enrolment_for_user(request, pk)
    form = TrialStatusForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                enrolment_status_set(
                    enrolment=enrolment,
                    status=data["status"],
                    on=data["on"],
                    reason=data["reason"],
                    data_may_be_kept=data["data_may_be_kept"],
                    by=request.user,
                )
            except (ResearchError, DagsverketError) as error:
                form_error(form, error)
            else:
                messages.success(request, _("The trial status is recorded."))
                return redirect("research:enrolment", pk=enrolment.pk)
        status = 400
    return render(request, "research/status_form.html", {"enrolment": enrolment, "form": form}, status=status)


@require_POST
@permission_required("manage_study")
def enrolment_wave_close(request: HttpRequest, pk: int, wave_id: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    wave = _wave_for(enrolment, wave_id)
    form = WaveCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason why the wave will not happen."))
        return redirect("research:enrolment", pk=enrolment.pk)
    try:
        wave_close(enrolment=enrolment, wave=wave, reason=form.cleaned_data["reason"], by=request.user)
    except ResearchError as error:
        messages.error(request, error.message)
    return redirect("research:enrolment", pk=enrolment.pk)


@require_GET
@permission_required("manage_study")
def enrolment_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Corrections with old and new value and reason, status changes and missed waves."""
    enrolment = _get_enrolment_for_user(request, pk)
    log_access(
        user=request.user, participant=enrolment.participant, what="research_history", path=request.path
    )
    return render(
        request,
        "research/history.html",
        {"enrolment": enrolment, "study": enrolment.study, "events": enrolment_history(enrolment)},
    )


def _correction_page(request, *, enrolment, title, form, fields, save) -> HttpResponse:
    """A questionnaire's or an outcome's correction: the values' form and the reason's, one page;
    `save(form, reason)` is the correcting service. A refusal goes next to its field, 400."""
    reason_form = CorrectionReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and reason_form.is_valid():
            try:
                save(form, reason_form.cleaned_data["reason"])
            except ResearchError as error:
                target = reason_form if error.field == "reason" else form
                target.add_error(error.field if error.field in target.fields else None, error.message)
            else:
                messages.success(request, _("The correction is saved; the history shows the old value."))
                return redirect("research:enrolment_history", pk=enrolment.pk)
        status = 400
    return render(
        request,
        "research/correct_form.html",
        {"enrolment": enrolment, "title": title, "form": form, "fields": fields, "reason_form": reason_form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_study", "correct_trial_data")
def response_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        Response.objects.select_related("enrolment__participant", "wave", "instrument"),
        pk=pk,
        enrolment__site=request.site,
    )
    instrument = Instrument.objects.prefetch_related("items__options", "bands").get(pk=response.instrument_id)
    initial = {**response.answers, "answered_on": response.answered_on}
    form = ResponseForm(request.POST or None, instrument=instrument, initial=initial)
    return _correction_page(
        request,
        enrolment=response.enrolment,
        title=f"{instrument.name} · {response.wave.name}",
        form=form,
        fields=[form["answered_on"], *form.item_fields()],
        save=lambda form, reason: response_correct(
            response=response,
            answers=form.answers(),
            answered_on=form.cleaned_data["answered_on"],
            reason=reason,
            by=request.user,
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_study", "correct_trial_data")
def follow_up_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("enrolment__participant", "wave"), pk=pk, enrolment__site=request.site
    )
    initial = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS}
    form = FollowUpForm(request.POST or None, initial=initial)
    return _correction_page(
        request,
        enrolment=follow_up.enrolment,
        title=f"{_('Outcomes')} · {follow_up.wave.name}",
        form=form,
        fields=[form[name] for name in FOLLOW_UP_FIELDS],
        save=lambda form, reason: follow_up_correct(
            follow_up=follow_up,
            values={name: form.cleaned_data[name] for name in FOLLOW_UP_FIELDS},
            reason=reason,
            by=request.user,
        ),
    )


@require_GET
@permission_required("trial_statistics")
def statistics(request: HttpRequest) -> HttpResponse:
    """The trial statistician's start page: balance, CONSORT, list extension and export per study."""
    studies = Study.objects.prefetch_related("arms")
    return render(request, "research/statistics.html", {"studies": studies})


@require_http_methods(["GET", "POST"])
@permission_required("trial_statistics")
def study_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Extend one stratum of the live list with a new seeded block list (logged)."""
    study = get_object_or_404(Study, pk=pk)
    listing = AllocationList.objects.filter(study=study, is_live=True).first()
    strata = listing.parameters.get("strata", []) if listing else []
    form = AllocationExtendForm(request.POST or None, strata=strata)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                extension = allocation_extend(
                    study=study,
                    stratum=form.cleaned_data["stratum"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ResearchError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Stratum %(stratum)s extended with positions %(first)s-%(last)s.")
                    % {
                        "stratum": extension.stratum,
                        "first": extension.first_sequence,
                        "last": extension.last_sequence,
                    },
                )
                return redirect("research:study_balance", pk=study.pk)
        status = 400
    extensions = listing.extensions.select_related("created_by") if listing else []
    return render(
        request,
        "research/extend.html",
        {"study": study, "form": form, "extensions": extensions},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("trial_statistics")
def study_value_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the EQ-5D-5L value set the study's index is computed from (logged)."""
    study = get_object_or_404(Study, pk=pk)
    form = ValueSetChoiceForm(request.POST or None, initial={"value_set": study.eq5d_value_set_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            study_value_set_set(study=study, value_set=form.cleaned_data["value_set"], by=request.user)
            messages.success(request, _("The study's EQ-5D-5L value set is saved."))
            return redirect("research:statistics")
        status = 400
    return render(request, "research/value_set.html", {"study": study, "form": form}, status=status)


def _trial_team_required(view):
    """Study staff (manage_study) or the trial statistician (trial_statistics), with a site."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not (has_perm(request.user, "manage_study") or has_perm(request.user, "trial_statistics")):
            raise PermissionDenied
        if request.site is None:
            return render(request, "dagsverket/no_site.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@_trial_team_required
def study_consort(request: HttpRequest, pk: int) -> HttpResponse:
    """The CONSORT flow: counts per stage and arm (no names), with the SVG diagram."""
    study = get_object_or_404(Study.objects.select_related("project"), pk=pk)
    flow = consort_flow(study)
    return render(request, "research/consort.html", {"study": study, "flow": flow})


@require_GET
@_trial_team_required
def study_consort_svg(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=pk)
    return HttpResponse(consort_svg(consort_flow(study)), content_type="image/svg+xml; charset=utf-8")


@require_GET
@_trial_team_required
def study_consort_csv(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consort-{study.pk}.csv"'
    writer = csv.writer(response)
    for row in consort_rows(consort_flow(study)):
        writer.writerow([safe_text(cell) for cell in row])
    log_action(actor=request.user, action="consort_export", obj=study)
    return response


@require_GET
@permission_required("trial_statistics")
def study_allocation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole allocation list of the study (live and development, with its extensions and
    seeds) for the trial master file; for the trial statistician only, logged."""
    study = get_object_or_404(Study, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="allocation-list-{study.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["list", "seed", "stratum", "sequence", "block", "block_size", "arm", "source", "revealed_on"]
    )
    lists = list(AllocationList.objects.filter(study=study).prefetch_related("extensions"))
    for listing in lists:
        kind = "live" if listing.is_live else "development"
        extensions = list(listing.extensions.all())
        slots = (
            AllocationSlot.objects.filter(allocation_list=listing)
            .select_related("arm")
            .order_by("stratum", "sequence")
            .iterator(chunk_size=2000)
        )
        for slot in slots:
            source = next(
                (
                    f"extension:{extension.seed}"
                    for extension in extensions
                    if extension.stratum == slot.stratum
                    and extension.first_sequence <= slot.sequence <= extension.last_sequence
                ),
                "list",
            )
            writer.writerow(
                [
                    kind,
                    listing.seed,
                    slot.stratum,
                    slot.sequence,
                    slot.block,
                    slot.block_size,
                    slot.arm.code,
                    source,
                    timezone.localtime(slot.revealed_at).date().isoformat() if slot.revealed_at else "",
                ]
            )
    log_action(actor=request.user, action="allocation_list_export", obj=study)
    return response
