"""The research area: studies, screening and enrolment, reveal, questionnaires, follow-up, course.

No page shows an allocation list, a seed or the next allocation: an allocation appears only on
the enrolment it was revealed for.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from ..access import permission_required
from ..referral_services import consent_record
from ..services import DagsverketError, log_access, participant_register
from .filters import DueFilter
from .forms import CourseSessionForm, FollowUpForm, ResponseForm, ScreeningForm, StudyForm
from .models import (
    AllocationSlot,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Instrument,
    ResearchError,
    SessionAttendance,
    Study,
    Wave,
    WaveKind,
)
from .selectors import balance_by_stratum, enrolment_waves, waves_due
from .services import (
    allocation_reveal,
    attendance_record,
    course_session_create,
    enrolment_lock,
    enrolment_screen,
    follow_up_record,
    research_consent_for,
    response_record,
    study_create,
    study_start,
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
                        ("arm2", data["arm_2"], data["arm_2_ratio"], False),
                    ],
                    stratification=data["stratification"],
                    age_band_starts=data["age_band_starts"],
                    block_multiples=data["block_multiples"],
                    criteria=data["criteria"],
                    instruments=list(data["instruments"]),
                    window_days=data["window_days"],
                    evaluators=list(data["evaluators"]),
                )
            except ResearchError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
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
@permission_required("manage_study")
def study_balance(request: HttpRequest, pk: int) -> HttpResponse:
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
                            valid_until=max(study.project.ends_on, data["consent_given_on"]),
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
                    by=request.user,
                )
            except ResearchError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
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
                form.add_error(error.field if error.field in form.fields else None, error.message)
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
                form.add_error(error.field if error.field in form.fields else None, error.message)
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
