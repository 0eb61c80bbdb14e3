"""The evaluation area: projects, exports, dashboard and report. Never a name on any page here."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from ..access import has_perm, permission_required
from ..errors import form_error
from ..services import DagsverketError
from .charts import chart_svg
from .dashboard import dashboard_figures, release_dashboard
from .downloads import FORMATS, export_busy, export_response
from .exporters import AttendanceExporter, PersonPeriodExporter, StatisticsExporter
from .forms import DashboardForm, ExportForm, ProjectForm
from .models import EvaluationProject, ExportLog
from .selectors import projects_for_user
from .services import evaluation_project_create, export_log_record


def _get_project_for_user(request: HttpRequest, project_id) -> EvaluationProject:
    """The project if this user may export for it; 404 otherwise, so other projects stay unknown."""
    project = projects_for_user(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


@require_GET
@permission_required("export_evaluation", site=False)
def evaluation_home(request: HttpRequest) -> HttpResponse:
    """The evaluator's start page: their projects, the exports and the log of exports."""
    projects = list(projects_for_user(request.user))
    log = ExportLog.objects.filter(project__in=projects).select_related("project", "user")[:20]
    today = timezone.localdate()
    return render(
        request,
        "dagsverket/evaluation/home.html",
        {
            "projects": projects,
            "log": log,
            "formats": list(FORMATS),
            "today": today,
            "can_register": has_perm(request.user, "manage_site"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("export_evaluation", "manage_site", site=False)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation_project_create(by=request.user, **form.cleaned_data)
            except DagsverketError as error:
                form.add_error(error.field, error.message)
            else:
                return redirect("evaluation_home")
        status = 400
    return render(request, "dagsverket/evaluation/project_form.html", {"form": form}, status=status)


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "dagsverket/evaluation/export_error.html", {"form": form}, status=400)
    data = form.cleaned_data
    project = _get_project_for_user(request, data["project"])
    common = {"project": project, "start": data["start"], "end": data["end"]}
    if kind == "attendance":
        exporter = AttendanceExporter(site=data["site"], **common)
    elif kind == "person_period":
        exporter = PersonPeriodExporter(core_group_days=data["core_group_days"] or 4, **common)
    else:
        exporter = StatisticsExporter(by=data["by"] or "none", **common)
    try:
        exporter.prepare()
    except DagsverketError as error:
        if error.code == "k_anonymity":
            # A refusal is logged like an export: who asked for what, for which project, and why not.
            # (Bad input, such as a period off the grid, writes nothing.)
            export_log_record(
                user=request.user,
                project=project,
                kind=exporter.kind,
                parameters={**exporter.parameters(), "format": data["format"], "refused": error.code},
                row_count=None,
            )
        form_error(form, error)
        return render(request, "dagsverket/evaluation/export_error.html", {"form": form}, status=400)
    fmt = data["format"]
    try:
        return export_response(
            user=request.user,
            project=project,
            exporter=exporter,
            fmt=fmt,
            codebook=data["codebook"],
            name=f"{kind}-{project.pk}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}",
            parameters={
                **exporter.parameters(),
                "format": fmt,
                "codebook": data["codebook"],
                "notes": exporter.notes,
            },
        )
    except DagsverketError as error:  # busy: too many big exports running
        return export_busy(request, form, error)


@require_GET
@permission_required("export_evaluation", site=False)
def export_attendance(request: HttpRequest) -> HttpResponse:
    """One row per visit, pseudonymised; streams."""
    return _export(request, "attendance")


@require_GET
@permission_required("export_evaluation", site=False)
def export_person_period(request: HttpRequest) -> HttpResponse:
    """Per pseudonym and month."""
    return _export(request, "person_period")


@require_GET
@permission_required("export_evaluation", site=False)
def export_statistics(request: HttpRequest) -> HttpResponse:
    """Suppressed counts per site and month."""
    return _export(request, "statistics")


def _dashboard_form(request: HttpRequest) -> DashboardForm:
    """Evaluators must choose one of their projects; managers may also look at the raw figures."""
    manager = request.user.is_superuser or has_perm(request.user, "manage_site")
    projects = projects_for_user(request.user)
    data = request.GET
    if not manager and not data.get("project") and (first := projects.first()) is not None:
        # An evaluator opening the dashboard lands on their first project, on its latest block.
        data = data.copy()
        data["project"] = str(first.pk)
    return DashboardForm(data, projects=projects, project_required=not manager)


def _board(request: HttpRequest, kind: str):
    form = _dashboard_form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    project = data.get("project")
    if project is None:
        board = dashboard_figures(
            start=data["start"], end=data["end"], site=data.get("site"), suppressed=False
        )
    else:
        board = release_dashboard(
            project=project, start=data["start"], end=data["end"], site=data.get("site")
        )
        site = data.get("site")
        export_log_record(
            user=request.user,
            project=project,
            kind=kind,
            parameters={
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
                "site": site.pk if site else None,
                "lang": data.get("lang") or "",
            },
            row_count=None,
        )
    for series in board.series:
        series.svg = chart_svg(series.points, title=series.title, kind=series.kind) if series.points else ""
    return form, board


@require_GET
@permission_required("export_evaluation", site=False)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts and charts for a site and period; evaluators see suppressed counts."""
    form, board = _board(request, "dashboard")
    status = 200 if board is not None else 400
    return render(
        request, "dagsverket/evaluation/dashboard.html", {"form": form, "board": board}, status=status
    )


@require_GET
@permission_required("export_evaluation", site=False)
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The evaluation report for a period as PDF, in Norwegian or English."""
    form = _dashboard_form(request)
    if not form.is_valid():
        return render(
            request, "dagsverket/evaluation/dashboard.html", {"form": form, "board": None}, status=400
        )
    language = form.cleaned_data.get("lang") or translation.get_language() or "nb"
    with translation.override(language):
        _form, board = _board(request, "report_pdf")
        from .report import render_report_pdf

        pdf = render_report_pdf(board, language=language, generated=timezone.localtime())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="evaluation-{board.start:%Y%m%d}-{board.end:%Y%m%d}.pdf"'
    )
    return response
