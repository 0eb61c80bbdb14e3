"""Views of the jobs app: the day board, the lottery, assignments, hours, customers, tasks, invoices."""

import csv
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from dagsverket.access import has_perm, permission_required
from dagsverket.days import day_from_query
from dagsverket.errors import form_error
from dagsverket.lists import filtered_rows, paginate
from dagsverket.models import Readiness, Visit
from dagsverket.selectors import excluded_participant_ids
from dagsverket.templatetags.people import names_as_listed

from . import imports, invoicing, services
from . import pdf as jobs_pdf
from .errors import JobsError
from .filters import CustomerFilter, DrawFilter, TaskFilter
from .forms import (
    AssignForm,
    CorrectionForm,
    CustomerForm,
    DrawForm,
    ExceptionHoursForm,
    GuaranteeForm,
    HoursForm,
    ImportForm,
    InvoiceBasisForm,
    MoveForm,
    PlacesForm,
    TaskForm,
)
from .models import Assignment, Customer, EarnedGuarantee, LotteryDraw, LotteryEntry, Outcome, Task
from .selectors import PERSON_AS_LISTED, current_draw, day_place_counts, day_tasks, lottery_pool
from .services import ASSIGNABLE_OUTCOMES
from .tables import CustomerTable, DrawTable, TaskTable


def any_permission_required(*codenames: str) -> Callable:
    """Like dagsverket.access.permission_required, but one of the permissions is enough."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(has_perm(request.user, name) for name in codenames):
                raise PermissionDenied
            if request.site is None:
                return render(request, "dagsverket/no_site.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _get_task_for_site(request, pk) -> Task:
    task = Task.objects.filter(pk=pk, site=request.site).select_related("site", "customer").first()
    if task is None:
        raise Http404
    return task


def _get_assignment_for_site(request, pk) -> Assignment:
    assignment = (
        Assignment.objects.filter(pk=pk, task__site=request.site)
        .select_related("task", "participant", "visit")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


# --- the day board ----------------------------------------------------------------------------------


def _board_context(request, day, chosen_visit_id=None):
    site = request.site
    tasks = list(day_tasks(site=site, day=day))
    visits = list(
        Visit.objects.active()
        .filter(site=site, date=day)
        .select_related("participant")
        .order_by("arrived_at", "pk")
    )
    excluded = excluded_participant_ids([v.participant_id for v in visits], day)
    draw = current_draw(site=site, day=day)
    entries = {}
    if draw is not None:
        entries = {e.visit_id: e for e in draw.entries.all()}
    assigned_count = {}
    for task in tasks:
        task.free = task.workers_max - len(task.active_assignments)
        for a in task.active_assignments:
            assigned_count[a.visit_id] = assigned_count.get(a.visit_id, 0) + 1
    counts = day_place_counts(site=site, day=day, assigned=len(assigned_count))
    ready = [
        v
        for v in visits
        if v.readiness in (Readiness.READY, Readiness.LIGHT) and v.participant_id not in excluded
    ]
    available, waiting, not_drawn = [], [], []
    for visit in ready:
        entry = entries.get(visit.pk)
        visit.entry = entry
        visit.task_count = assigned_count.get(visit.pk, 0)
        if draw is None or (entry is not None and entry.outcome in ASSIGNABLE_OUTCOMES):
            available.append(visit)
        elif entry is None or entry.outcome == Outcome.WAITING:
            waiting.append(visit)
        else:
            not_drawn.append(visit)
    is_today = day == timezone.localdate()
    chosen = next((v for v in available if v.pk == chosen_visit_id), None) if is_today else None
    for task in tasks:
        task.can_take_chosen = bool(
            chosen
            and task.free > 0
            and not task.is_signed_off
            and (chosen.readiness != Readiness.LIGHT or task.light_duty)
            and all(a.visit_id != chosen.pk for a in task.active_assignments)
        )
    return {
        "day": day,
        "tasks": tasks,
        "draw": draw,
        "counts": counts,
        "ready_count": len(ready),
        "needs_draw": draw is None and len(ready) > counts.places,
        "available": available,
        "unassigned": [v for v in available if not v.task_count],
        "waiting": waiting,
        "not_drawn": not_drawn,
        "chosen": chosen,
        "is_today": is_today,
        "can_assign": is_today
        and (has_perm(request.user, "manage_jobs") or has_perm(request.user, "use_checkin")),
        "can_draw": is_today and has_perm(request.user, "use_checkin"),
        "can_sign_off": has_perm(request.user, "manage_jobs"),
    }


def _board(request: HttpRequest, day) -> HttpResponse:
    try:
        chosen = int(request.GET.get("visit", "") or 0) or None
    except ValueError:
        chosen = None
    context = _board_context(request, day, chosen)
    context["pager_url"] = request.resolver_match.view_name
    return render(request, "jobs/today.html", context)


@require_GET
@permission_required("manage_jobs")
@day_from_query
def today(request: HttpRequest, day) -> HttpResponse:
    """The work leader's start page, the day board: tasks as columns with free places, crews with
    their work leader, and who is waiting for work. Tap a person, then a task, to assign.
    `?day=` shows another day, to read: people are assigned on the day itself."""
    return _board(request, day)


@require_GET
@any_permission_required("manage_jobs", "use_checkin")
@day_from_query
def board(request: HttpRequest, day) -> HttpResponse:
    """The same day board for the front desk, which assigns too (the work leader's start page stays
    theirs alone)."""
    return _board(request, day)


@require_GET
@any_permission_required("manage_jobs", "use_checkin")
@day_from_query
def crews_pdf(request: HttpRequest, day) -> HttpResponse:
    """The day's crews per task as one PDF for the work leaders: names, addresses and times."""
    from .pdf import crews_pdf as render_crews

    response = HttpResponse(
        render_crews(site=request.site, day=day, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="crews-{day.isoformat()}.pdf"'
    return response


def _to_board(request: HttpRequest) -> HttpResponse:
    return redirect("jobs:today" if has_perm(request.user, "manage_jobs") else "jobs:board")


def _board_error(request, error: JobsError) -> HttpResponse:
    context = _board_context(request, timezone.localdate())
    context["error"] = error.message
    return render(request, "jobs/today.html", context, status=400)


def _bad_input(request, message=None) -> HttpResponse:
    return _board_error(request, JobsError(message or _("Please check the input."), code="bad_input"))


@require_POST
@any_permission_required("manage_jobs", "use_checkin")
def assign(request: HttpRequest) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _bad_input(request)
    task = Task.objects.filter(pk=form.cleaned_data["task"], site=request.site).first()
    visit = Visit.objects.filter(pk=form.cleaned_data["visit"], site=request.site).first()
    if task is None or visit is None:
        return _bad_input(request, _("Choose a task and a person from this site."))
    try:
        services.assignment_create(task=task, visit=visit, by=request.user)
    except JobsError as error:
        return _board_error(request, error)
    return _to_board(request)


@require_POST
@any_permission_required("manage_jobs", "use_checkin")
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_site(request, pk)
    try:
        services.assignment_remove(assignment=assignment, by=request.user)
    except JobsError as error:
        return _board_error(request, error)
    return _to_board(request)


@require_POST
@any_permission_required("manage_jobs", "use_checkin")
def assignment_move(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_site(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _bad_input(request)
    task = Task.objects.filter(pk=form.cleaned_data["task"], site=request.site).first()
    if task is None:
        return _bad_input(request, _("Choose a task from this site."))
    try:
        services.assignment_move(assignment=assignment, task=task, by=request.user)
    except JobsError as error:
        return _board_error(request, error)
    return _to_board(request)


# --- hours and sign-off -----------------------------------------------------------------------------


def _crew(task):
    return list(
        task.assignments.active().select_related("participant").prefetch_related("corrections").order_by("pk")
    )


def _hours_page(
    request, task, *, error=None, form_for=None, form=None, crew_form=None, exception_forms=None, status=200
):
    rows = []
    crew = _crew(task)
    for a in crew:
        initial = {"starts_at": a.starts_at, "ends_at": a.ends_at, "break_minutes": a.break_minutes}
        if form_for == a.pk and form is not None:
            row_form = form
        elif task.is_signed_off:
            row_form = CorrectionForm(initial=initial, prefix=f"a{a.pk}")
        else:
            row_form = HoursForm(initial=initial, prefix=f"a{a.pk}")
        rows.append((a, row_form))
    context = {"task": task, "rows": rows, "error": error, "warnings": services.task_warnings(task)}
    if crew and not task.is_signed_off:
        first = crew[0]
        same = {"starts_at": first.starts_at, "ends_at": first.ends_at, "break_minutes": first.break_minutes}
        context["crew_form"] = crew_form or HoursForm(initial=same, prefix="crew")
        forms = exception_forms or {}
        context["exceptions"] = [
            (a, forms.get(a.pk) or ExceptionHoursForm(initial=same, prefix=f"x{a.pk}")) for a in crew
        ]
    return render(request, "jobs/task_hours.html", context, status=status)


@require_GET
@permission_required("manage_jobs")
def task_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """A crew's hours: start, end and breaks per person; sign-off; corrections after sign-off."""
    return _hours_page(request, _get_task_for_site(request, pk))


@require_POST
@permission_required("manage_jobs")
def assignment_hours(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_site(request, pk)
    task = assignment.task
    signed = task.is_signed_off
    form = (CorrectionForm if signed else HoursForm)(request.POST, prefix=f"a{assignment.pk}")
    if not form.is_valid():
        return _hours_page(request, task, form_for=assignment.pk, form=form, status=400)
    data = form.cleaned_data
    try:
        if signed:
            services.hours_correct(assignment=assignment, by=request.user, **data)
        else:
            services.assignment_set_hours(assignment=assignment, by=request.user, **data)
    except JobsError as error:
        form_error(form, error)
        return _hours_page(request, task, form_for=assignment.pk, form=form, status=400)
    messages.success(request, _("Hours saved."))
    return redirect("jobs:task_hours", pk=task.pk)


@require_POST
@permission_required("manage_jobs")
def task_crew_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The same start, end and breaks for the whole crew, then other hours for whoever differs."""
    task = _get_task_for_site(request, pk)
    crew_form = HoursForm(request.POST, prefix="crew")
    exception_forms, exceptions = {}, {}
    for a in _crew(task):
        form = ExceptionHoursForm(request.POST, prefix=f"x{a.pk}")
        exception_forms[a.pk] = form
        if form.is_valid() and form.cleaned_data["differs"]:
            data = form.cleaned_data
            exceptions[a.pk] = (data["starts_at"], data["ends_at"], data["break_minutes"])
    bad_rows = any(not form.is_valid() for form in exception_forms.values())
    if not crew_form.is_valid() or bad_rows:
        return _hours_page(request, task, crew_form=crew_form, exception_forms=exception_forms, status=400)
    try:
        saved = services.crew_hours_set(
            task=task, by=request.user, exceptions=exceptions, **crew_form.cleaned_data
        )
    except JobsError as error:
        crew_form.add_error(None, error.message)
        return _hours_page(request, task, crew_form=crew_form, exception_forms=exception_forms, status=400)
    messages.success(request, _("Hours saved for %(count)s people.") % {"count": len(saved)})
    return redirect("jobs:task_hours", pk=task.pk)


@require_POST
@permission_required("manage_jobs")
def task_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign off a task's hours: the first post shows what is signed off, the second (with
    `confirm`) signs off. After it, hours change only by a correction with a reason."""
    task = _get_task_for_site(request, pk)
    if request.POST.get("confirm") != "yes":
        crew = _crew(task)
        return render(
            request,
            "jobs/task_sign_off.html",
            {
                "task": task,
                "crew": crew,
                "total": sum((a.hours for a in crew), Decimal("0")),
                "warnings": services.task_warnings(task),
            },
        )
    try:
        services.task_sign_off(task=task, by=request.user)
    except JobsError as error:
        return _hours_page(request, task, error=error.message, status=400)
    messages.success(request, _("Hours signed off."))
    return redirect("jobs:task_hours", pk=task.pk)


# --- the lottery ------------------------------------------------------------------------------------


def _lottery_page(
    request, *, day=None, error=None, places_form=None, draw_form=None, guarantee_form=None, status=200
):
    today = timezone.localdate()
    day = day or today
    site = request.site
    draw = current_draw(site=site, day=day)
    counts = day_place_counts(site=site, day=day)
    # The pool once: its counts, and its people (by name) for the guarantee form's list.
    pool, out = lottery_pool(site=site, day=day, with_names=True)
    return render(
        request,
        "jobs/lottery.html",
        {
            "day": day,
            "draw": draw,
            "entries": _explained_entries(request, draw) if draw else [],
            "earlier": LotteryDraw.objects.filter(site=site, current=False).order_by("-date", "-ran_at")[:20],
            "counts": counts,
            # A draw keeps the places it was drawn for; the page says so when they have changed since.
            "drawn_places_differ": draw is not None
            and (draw.places, draw.light_places) != (counts.places, counts.light_places),
            "pool_size": len(pool),
            "not_assessed": sum(1 for visit in out if visit.pool_reason == "not_ready"),
            "excluded_count": sum(1 for visit in out if visit.pool_reason == "excluded"),
            "rules": services.lottery_rules_for(site),
            "places_form": places_form
            or PlacesForm(
                initial={
                    "places": counts.places if counts.manual else None,
                    "light_places": counts.light_places if counts.manual else None,
                }
            ),
            "draw_form": draw_form or DrawForm(),
            "guarantee_form": guarantee_form or GuaranteeForm(),
            "today_visits": _listed(request, sorted(pool + out, key=lambda visit: visit.participant.name)),
            "guarantees": EarnedGuarantee.objects.filter(participant__site=site, used_in__isnull=True)
            .select_related("participant")
            .order_by("earned_on"),
            "error": error,
            "is_today": day == today,
            # The places and the draw are the day's own: another day is there to be read.
            "can_draw": day == today and has_perm(request.user, "use_checkin"),
        },
        status=status,
    )


def _listed(request, rows):
    """Each row's person as `{% who %}` lists them, on `row.person_as_listed`: a long list is
    named in Python, not through a template tag per row."""
    for row, name in zip(rows, names_as_listed(request, [row.participant for row in rows]), strict=True):
        row.person_as_listed = name
    return rows


def _explained_entries(request, draw):
    from .explain import explain

    # The table shows the person as listed and the entry's own fields; a pool of 200 full
    # participant and visit rows cost more to build than the draw itself.
    entries = list(
        draw.entries.select_related("participant")
        .only(*[field.name for field in LotteryEntry._meta.concrete_fields], *PERSON_AS_LISTED)
        .order_by("outcome", "position", "waiting_position", "pk")
    )
    weights = {}  # a few weights, again and again: each is put in words once
    for entry in entries:
        entry.explanation = explain(entry, draw.rules)
        if entry.weight not in weights:
            weights[entry.weight] = floatformat(entry.weight, 1)
        entry.weight_as_shown = weights[entry.weight]
    order = {
        o: i
        for i, o in enumerate(
            [Outcome.DRAWN, Outcome.FROM_WAITING, Outcome.WAITING, Outcome.NOT_DRAWN, Outcome.NOT_ELIGIBLE]
        )
    }
    entries.sort(key=lambda e: (order.get(e.outcome, 9), e.position or 0, e.waiting_position or 0))
    return _listed(request, entries)


@require_GET
@any_permission_required("use_checkin", "manage_jobs")
@day_from_query
def lottery(request: HttpRequest, day) -> HttpResponse:
    """The day's places and the draw: one tap to draw, then everyone's outcome with the reason.
    `?day=` shows another day's draw."""
    return _lottery_page(request, day=day)


@require_POST
@permission_required("use_checkin")
def lottery_draw(request: HttpRequest) -> HttpResponse:
    form = DrawForm(request.POST)
    if not form.is_valid():
        return _lottery_page(request, draw_form=form, status=400)
    try:
        services.lottery_draw(
            site=request.site, day=timezone.localdate(), by=request.user, reason=form.cleaned_data["reason"]
        )
    except JobsError as error:
        form.add_error("reason" if error.field == "reason" else None, error.message)
        return _lottery_page(request, draw_form=form, status=400)
    messages.success(request, _("The lottery has been drawn."))
    return redirect("jobs:lottery")


@require_POST
@permission_required("use_checkin")
def day_places_set(request: HttpRequest) -> HttpResponse:
    form = PlacesForm(request.POST)
    if not form.is_valid():
        return _lottery_page(request, places_form=form, status=400)
    try:
        services.day_places_set(
            site=request.site, day=timezone.localdate(), by=request.user, **form.cleaned_data
        )
    except JobsError as error:
        form_error(form, error)
        return _lottery_page(request, places_form=form, status=400)
    messages.success(request, _("Places saved."))
    return redirect("jobs:lottery")


@require_GET
@permission_required("view_participants")
def draw_list(request: HttpRequest) -> HttpResponse:
    """Every draw at the site, newest first, for anyone on staff to re-open."""
    filterset = DrawFilter(
        request.GET or None, queryset=LotteryDraw.objects.filter(site=request.site).select_related("ran_by")
    )
    rows, status = filtered_rows(filterset)
    table = DrawTable(rows)
    paginate(request, table)
    return render(request, "jobs/draw_list.html", {"filter": filterset, "table": table}, status=status)


@require_GET
@permission_required("view_participants")
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A past draw, re-opened: pool, rules, seed, order, and why each person was or was not drawn."""
    draw = LotteryDraw.objects.filter(pk=pk, site=request.site).select_related("ran_by").first()
    if draw is None:
        raise Http404
    others = (
        LotteryDraw.objects.filter(site=request.site, date=draw.date).exclude(pk=draw.pk).order_by("ran_at")
    )
    return render(
        request,
        "jobs/draw_detail.html",
        {
            "draw": draw,
            "entries": _explained_entries(request, draw),
            "others": others,
            "back": reverse("jobs:lottery"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_site")
def lottery_rules(request: HttpRequest) -> HttpResponse:
    """The site's fairness rules, each switchable with its number."""
    from .forms import LotteryRulesForm

    rules = services.lottery_rules_for(request.site)
    form = LotteryRulesForm(request.POST or None, instance=rules)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "jobs/lottery_rules.html", {"form": form}, status=400)
        try:
            services.lottery_rules_save(
                site=request.site,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.LOTTERY_RULE_FIELDS},
            )
        except JobsError as error:
            form_error(form, error)
            return render(request, "jobs/lottery_rules.html", {"form": form}, status=400)
        messages.success(request, _("Lottery rules saved."))
        return redirect("jobs:lottery")
    return render(request, "jobs/lottery_rules.html", {"form": form})


# --- customers, tasks, import -----------------------------------------------------------------------


def _get_customer_for_site(request, pk) -> Customer:
    customer = Customer.objects.filter(pk=pk, site=request.site).first()
    if customer is None:
        raise Http404
    return customer


@require_GET
@permission_required("manage_jobs")
def customer_list(request: HttpRequest) -> HttpResponse:
    filterset = CustomerFilter(request.GET or None, queryset=Customer.objects.filter(site=request.site))
    table = CustomerTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "jobs/customer_list.html", {"table": table, "filter": filterset})


@require_http_methods(["GET", "POST"])
@permission_required("manage_jobs")
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    customer = _get_customer_for_site(request, pk) if pk else None
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.customer_save(
                    site=request.site, by=request.user, customer=customer, **_customer_data(form)
                )
            except JobsError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Customer saved."))
                return redirect("jobs:customer_list")
        return render(request, "jobs/customer_form.html", {"form": form, "customer": customer}, status=400)
    return render(request, "jobs/customer_form.html", {"form": form, "customer": customer})


def _customer_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.CUSTOMER_FIELDS}


IMPORT_SESSION_KEY = "jobs_customer_import"


@require_http_methods(["GET", "POST"])
@permission_required("manage_jobs")
def customer_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file, see a preview with row errors, then confirm: all rows or none."""
    if request.method == "GET":
        return render(request, "jobs/customer_import.html", {"form": ImportForm()})
    if request.POST.get("confirm"):
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored:
            return render(
                request,
                "jobs/customer_import.html",
                {"form": ImportForm(), "error": _("Upload the file again.")},
                status=400,
            )
        dataset = tablib.Dataset().load(stored, format="json")
        result = imports.customer_import(site=request.site, by=request.user, dataset=dataset, dry_run=False)
        if result.has_errors() or result.has_validation_errors():
            return render(
                request, "jobs/customer_import.html", _import_context(ImportForm(), result), status=400
            )
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("%(count)s customers imported.") % {"count": len(dataset)})
        return redirect("jobs:customer_list")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "jobs/customer_import.html", {"form": form}, status=400)
    try:
        dataset = imports.load_dataset(form.cleaned_data["file"])
    except Exception:  # any unreadable file is the user's input, not a crash
        form.add_error("file", _("This file could not be read as CSV or Excel (.xlsx)."))
        return render(request, "jobs/customer_import.html", {"form": form}, status=400)
    if "name" not in (dataset.headers or []):
        form.add_error("file", _("The file needs a header row with at least a “name” column."))
        return render(request, "jobs/customer_import.html", {"form": form}, status=400)
    result = imports.customer_import(site=request.site, by=request.user, dataset=dataset, dry_run=True)
    context = _import_context(form, result)
    if result.has_errors() or result.has_validation_errors():
        return render(request, "jobs/customer_import.html", context, status=400)
    request.session[IMPORT_SESSION_KEY] = dataset.export("json")
    context["can_confirm"] = True
    return render(request, "jobs/customer_import.html", context)


def _import_context(form, result) -> dict:
    errors = []
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append((number, str(error.error)))
    for row in result.invalid_rows:
        for field, messages_ in row.error_dict.items():
            errors.append((row.number, f"{field}: {' '.join(str(m) for m in messages_)}"))
    rows = [(row.import_type, row.object_repr) for row in result.rows if not row.errors]
    return {"form": form, "preview": rows, "row_errors": errors}


@require_GET
@permission_required("manage_jobs")
def task_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Task.objects.filter(site=request.site).select_related("customer").order_by("-date", "starts_at")
    )
    filterset = TaskFilter(request.GET or None, queryset=queryset)
    table = TaskTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "jobs/task_list.html", {"table": table, "filter": filterset})


@require_http_methods(["GET", "POST"])
@permission_required("manage_jobs")
def task_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    task = _get_task_for_site(request, pk) if pk else None
    initial = {} if task else {"date": timezone.localdate()}
    form = TaskForm(request.POST or None, instance=task, site=request.site, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = {
                name: form.cleaned_data[name] for name in services.TASK_FIELDS if name in form.cleaned_data
            }
            try:
                if task is None:
                    created = services.task_create(
                        site=request.site,
                        by=request.user,
                        repeat_weekdays=form.cleaned_data["repeat_weekdays"],
                        repeat_until=form.cleaned_data["repeat_until"],
                        **data,
                    )
                    for warning in services.task_warnings(created[0]):
                        messages.warning(request, warning)
                else:
                    services.task_update(
                        task=task, by=request.user, reason=form.cleaned_data["reason"], **data
                    )
            except JobsError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Task saved."))
                return redirect("jobs:task_list")
        return render(request, "jobs/task_form.html", {"form": form, "task": task}, status=400)
    return render(request, "jobs/task_form.html", {"form": form, "task": task})


# --- invoice basis ----------------------------------------------------------------------------------


@require_GET
@permission_required("manage_jobs")
def invoice(request: HttpRequest) -> HttpResponse:
    """The invoice basis per customer and month, as a page, CSV or PDF."""
    form = InvoiceBasisForm(request.GET or None, site=request.site)
    if not request.GET:
        return render(request, "jobs/invoice.html", {"form": form})
    if not form.is_valid():
        return render(request, "jobs/invoice.html", {"form": form}, status=400)
    basis = invoicing.invoice_basis(customer=form.cleaned_data["customer"], month=form.cleaned_data["month"])
    name = f"fakturagrunnlag-{basis.customer.pk}-{basis.month:%Y-%m}"
    output = request.GET.get("format", "html")
    if output == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        for row in invoicing.invoice_rows(basis):
            writer.writerow(row)
        return response
    context = {"form": form, "basis": basis, "site_obj": request.site, "query": request.GET.urlencode()}
    if output == "pdf":
        pdf = jobs_pdf.invoice_pdf(basis=basis, site=request.site, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "jobs/invoice.html", context)


@require_POST
@permission_required("manage_jobs")
def invoice_mark(request: HttpRequest) -> HttpResponse:
    """Mark the month's done tasks of the customer as invoiced."""
    form = InvoiceBasisForm(request.POST, site=request.site)
    if not form.is_valid():
        return render(request, "jobs/invoice.html", {"form": form}, status=400)
    try:
        count = services.tasks_mark_invoiced(
            customer=form.cleaned_data["customer"], month=form.cleaned_data["month"], by=request.user
        )
    except JobsError as error:
        form.add_error(None, error.message)
        return render(request, "jobs/invoice.html", {"form": form}, status=400)
    messages.success(request, _("%(count)s tasks marked as invoiced.") % {"count": count})
    month = form.cleaned_data["month"]
    return redirect(
        f"{reverse('jobs:invoice')}?customer={form.cleaned_data['customer'].pk}&month={month:%Y-%m}"
    )


@require_POST
@permission_required("use_checkin")
def guarantee_grant(request: HttpRequest) -> HttpResponse:
    """Record an unpaid helping task today: it earns a guaranteed place at the next draw."""
    form = GuaranteeForm(request.POST)
    if not form.is_valid():
        return _lottery_page(request, guarantee_form=form, status=400)
    visit = (
        Visit.objects.filter(pk=form.cleaned_data["visit"], site=request.site, date=timezone.localdate())
        .select_related("participant")
        .first()
    )
    if visit is None:
        form.add_error("visit", _("Choose a person who came today."))
        return _lottery_page(request, guarantee_form=form, status=400)
    try:
        services.earned_guarantee_grant(
            participant=visit.participant, day=visit.date, reason=form.cleaned_data["reason"], by=request.user
        )
    except JobsError as error:
        form.add_error("reason", error.message)
        return _lottery_page(request, guarantee_form=form, status=400)
    messages.success(request, _("Guaranteed place recorded."))
    return redirect("jobs:lottery")
