"""Screens of the IPS job-specialist log: the caseload, a person's IPS page (career profile, employer
contacts, jobs), employer contacts, fidelity reviews and the quarterly supervisor report.

Everything needs `manage_study` and a site; the career profile (free text about the person) also
needs `view_health_data`, and reading it writes an access-log entry.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from dagsverket.access import get_participant_for_user, has_perm, permission_required
from dagsverket.errors import form_error
from dagsverket.lists import paginate
from dagsverket.services import DagsverketError, log_access

from . import metrics, services
from .fidelity import ITEMS
from .forms import (
    CareerProfileForm,
    CaseloadEndForm,
    CaseloadEntryForm,
    CaseloadFilter,
    ContactFilter,
    EmployerContactForm,
    FidelityReviewForm,
    JobCountForm,
    JobEndForm,
    JobStartForm,
    QuarterForm,
)
from .models import CareerProfile, CaseloadEntry, EmployerContact, FidelityReview, JobStart
from .report import quarter_of, quarter_report
from .selectors import caseload_rows, caseload_sizes, specialists_for
from .tables import CaseloadTable, ContactTable, FidelityReviewTable

STUDY = "manage_study"
HEALTH = "view_health_data"


def _get_entry_for_user(request: HttpRequest, pk: int) -> CaseloadEntry:
    """A caseload entry of the current site (404 for anyone else's)."""
    return get_object_or_404(
        CaseloadEntry.objects.select_related("participant", "specialist", "site"), pk=pk, site=request.site
    )


def _get_job_for_user(request: HttpRequest, pk: int) -> JobStart:
    return get_object_or_404(
        JobStart.objects.select_related("entry__participant", "entry__site"), pk=pk, entry__site=request.site
    )


def _apply(form, action):
    """Run the service `action(cleaned_data)` for a valid form and return what it returns; None when
    the form is invalid or a rule is broken (the message then stands on the form at its field)."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except DagsverketError as error:
        form_error(form, error)
        return None


def _default_to_own(request: HttpRequest, data) -> None:
    """A job specialist's lists start with their own people; a manager's with everyone at the site."""
    if "specialist" in data or has_perm(request.user, "manage_site"):
        return
    if specialists_for(request.site).filter(pk=request.user.pk).exists():
        data["specialist"] = str(request.user.pk)


# --- the caseload -----------------------------------------------------------------------------------


@require_GET
@permission_required(STUDY)
def caseload(request: HttpRequest) -> HttpResponse:
    """People on IPS at the site: one's own caseload first, any specialist's by the filter."""
    today = timezone.localdate()
    data = request.GET.copy()
    _default_to_own(request, data)
    data.setdefault("status", "open")
    filterset = CaseloadFilter(data, queryset=caseload_rows(site=request.site, day=today), site=request.site)
    rows = filterset.qs if filterset.is_valid() else CaseloadEntry.objects.none()
    table = CaseloadTable(rows)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "ips/caseload.html",
        {
            "filter": filterset,
            "table": table,
            "sizes": caseload_sizes(site=request.site, day=today),
            "limit": metrics.CASELOAD_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(STUDY)
def caseload_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (participant_id := request.GET.get("participant", "")).isdigit():
        initial["participant"] = participant_id
    form = CaseloadEntryForm(request.POST or None, initial=initial, site=request.site, user=request.user)

    def create(data):
        return services.caseload_entry_create(site=request.site, by=request.user, **data)

    if request.method == "POST" and (entry := _apply(form, create)):
        messages.success(request, _("%(name)s is on the IPS caseload.") % {"name": entry.participant.name})
        return redirect("ips:caseload_detail", pk=entry.pk)
    return render(request, "ips/caseload_new.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@permission_required(STUDY)
def participant(request: HttpRequest, participant_id: int) -> HttpResponse:
    """From the participant's page: their latest IPS entry, or the form to put them on a caseload."""
    person = get_participant_for_user(request, participant_id)
    entry = CaseloadEntry.objects.filter(participant=person).order_by("ended_on", "-started_on").first()
    if entry is None:
        return redirect(f"{reverse('ips:caseload_new')}?participant={person.pk}")
    return redirect("ips:caseload_detail", pk=entry.pk)


def _detail_context(request: HttpRequest, entry: CaseloadEntry, **forms) -> dict:
    today = timezone.localdate()
    show_profile = has_perm(request.user, HEALTH)
    profile = None
    if show_profile:
        profile = CareerProfile.objects.filter(entry=entry).first()
        if profile is not None:
            log_access(
                user=request.user, participant=entry.participant, what="ips_career_profile", path=request.path
            )
    contacts = list(
        EmployerContact.objects.filter(entry=entry).select_related("specialist").order_by("-date", "-pk")
    )
    jobs = list(JobStart.objects.filter(entry=entry).order_by("-started_on", "-pk"))
    client = metrics.Client(
        entry.started_on, entry.ended_on, [c.date for c in contacts], [j.as_metric() for j in jobs]
    )
    return {
        "entry": entry,
        "show_profile": show_profile,
        "profile": profile,
        "contacts": contacts,
        "jobs": jobs,
        "days_to_contact": metrics.days_to_first_contact(client),
        "days_to_job": metrics.days_to_first_job(client),
        "working": metrics.is_working(client, today),
        "contact_target": metrics.FIRST_CONTACT_TARGET_DAYS,
        "end_form": forms.get("end_form") or CaseloadEndForm(),
        "count_form": JobCountForm(initial={"four_paid_hours_on": today}),
        "job_end_form": JobEndForm(initial={"ended_on": today}),
        **forms,
    }


@require_GET
@permission_required(STUDY)
def caseload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    return render(request, "ips/caseload_detail.html", _detail_context(request, entry))


@require_POST
@permission_required(STUDY)
def caseload_end(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    form = CaseloadEndForm(request.POST)
    if _apply(
        form,
        lambda data: services.caseload_entry_end(
            entry=entry, ended_on=data["ended_on"], reason=data["end_reason"], by=request.user
        ),
    ):
        messages.success(request, _("%(name)s has left IPS.") % {"name": entry.participant.name})
        return redirect("ips:caseload_detail", pk=entry.pk)
    return render(
        request, "ips/caseload_detail.html", _detail_context(request, entry, end_form=form), status=400
    )


@require_http_methods(["GET", "POST"])
@permission_required(STUDY, HEALTH)
def caseload_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """The career profile: work history, preferences, goals, strengths, barriers (reading is logged)."""
    entry = _get_entry_for_user(request, pk)
    profile = CareerProfile.objects.filter(entry=entry).first()
    if request.method == "GET" and profile is not None:
        log_access(
            user=request.user, participant=entry.participant, what="ips_career_profile", path=request.path
        )
    initial = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} if profile else {}
    form = CareerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.career_profile_save(entry=entry, by=request.user, **form.cleaned_data)
        messages.success(request, _("The career profile is saved."))
        return redirect("ips:caseload_detail", pk=entry.pk)
    return render(
        request, "ips/profile_form.html", {"entry": entry, "form": form}, status=400 if form.errors else 200
    )


# --- jobs -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(STUDY)
def caseload_job_new(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    form = JobStartForm(request.POST or None)

    def create(data):
        return services.job_start_create(entry=entry, by=request.user, **data)

    if request.method == "POST" and (made := _apply(form, create)):
        job, created = made
        if created:
            messages.success(
                request, _("The job at %(employer)s is recorded.") % {"employer": job.employer_name}
            )
        return redirect("ips:caseload_detail", pk=entry.pk)
    return render(
        request, "ips/job_form.html", {"entry": entry, "form": form}, status=400 if form.errors else 200
    )


@require_POST
@permission_required(STUDY)
def job_count(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day 4 paid hours were reached: from then on the job counts as a job start."""
    job = _get_job_for_user(request, pk)
    form = JobCountForm(request.POST)
    if _apply(
        form,
        lambda data: services.job_start_count(
            job=job, four_paid_hours_on=data["four_paid_hours_on"], by=request.user
        ),
    ):
        messages.success(request, _("The job counts as a job start."))
        return redirect("ips:caseload_detail", pk=job.entry_id)
    return render(request, "ips/job_change.html", {"job": job, "form": form, "action": "count"}, status=400)


@require_POST
@permission_required(STUDY)
def job_end(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    form = JobEndForm(request.POST)
    if _apply(
        form,
        lambda data: services.job_end(
            job=job, ended_on=data["ended_on"], reason=data["end_reason"], by=request.user
        ),
    ):
        messages.success(request, _("The end of the job is recorded."))
        return redirect("ips:caseload_detail", pk=job.entry_id)
    return render(request, "ips/job_change.html", {"job": job, "form": form, "action": "end"}, status=400)


# --- employer contacts ------------------------------------------------------------------------------


@require_GET
@permission_required(STUDY)
def contact_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    _default_to_own(request, data)
    queryset = EmployerContact.objects.filter(site=request.site).select_related(
        "specialist", "entry__participant"
    )
    filterset = ContactFilter(data, queryset=queryset, site=request.site)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    table = ContactTable(rows)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "ips/contact_list.html", {"filter": filterset, "table": table})


@require_http_methods(["GET", "POST"])
@permission_required(STUDY)
def contact_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (entry_id := request.GET.get("entry", "")).isdigit():
        initial["entry"] = entry_id
    form = EmployerContactForm(request.POST or None, initial=initial, site=request.site, user=request.user)

    def create(data):
        return services.employer_contact_create(site=request.site, by=request.user, **data)

    if request.method == "POST" and (made := _apply(form, create)):
        contact, created = made
        if created:
            messages.success(
                request, _("The contact with %(employer)s is recorded.") % {"employer": contact.employer_name}
            )
        if contact.entry_id:
            return redirect("ips:caseload_detail", pk=contact.entry_id)
        return redirect("ips:contact_list")
    return render(request, "ips/contact_form.html", {"form": form}, status=400 if form.errors else 200)


# --- fidelity reviews -------------------------------------------------------------------------------


@require_GET
@permission_required(STUDY)
def fidelity_list(request: HttpRequest) -> HttpResponse:
    """The site's fidelity reviews, newest first, 50 a page."""
    table = FidelityReviewTable(FidelityReview.objects.filter(site=request.site))
    paginate(request, table)
    return render(request, "ips/fidelity_list.html", {"table": table})


@require_http_methods(["GET", "POST"])
@permission_required(STUDY)
def fidelity_new(request: HttpRequest) -> HttpResponse:
    form = FidelityReviewForm(request.POST or None)

    def create(data):
        return services.fidelity_review_create(
            site=request.site,
            reviewed_on=data["reviewed_on"],
            reviewers=data["reviewers"],
            notes=data["notes"],
            scores=form.scores(),
            nonce=data["nonce"],
            by=request.user,
        )

    if request.method == "POST" and (made := _apply(form, create)):
        return redirect("ips:fidelity_detail", pk=made[0].pk)
    return render(request, "ips/fidelity_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@permission_required(STUDY)
def fidelity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(FidelityReview, pk=pk, site=request.site)
    scores = {score.item: score.score for score in review.scores.all()}
    items = [(number, section, title, scores.get(number)) for number, section, title in ITEMS]
    return render(request, "ips/fidelity_detail.html", {"review": review, "items": items})


# --- the quarterly supervisor report ----------------------------------------------------------------


def _report_for(request: HttpRequest):
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if request.GET:
        if not form.is_valid():
            return form, None
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    return form, quarter_report(site=request.site, year=year, quarter=quarter, today=today)


@require_GET
@permission_required(STUDY)
def report(request: HttpRequest) -> HttpResponse:
    form, result = _report_for(request)
    return render(
        request,
        "ips/report.html",
        {"form": form, "report": result, "query": request.GET.urlencode()},
        status=400 if result is None else 200,
    )


@require_GET
@permission_required(STUDY)
def report_pdf(request: HttpRequest) -> HttpResponse:
    from dagsverket.pdf import render_pdf

    form, result = _report_for(request)
    if result is None:
        return render(request, "ips/report.html", {"form": form, "report": None}, status=400)
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        html = render_to_string(
            "ips/pdf/report.html",
            {"report": result, "printed": timezone.localtime(), "limit": metrics.CASELOAD_LIMIT},
        )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ips-{result.year}-q{result.quarter}.pdf"'
    return response
