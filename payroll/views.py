"""The payroll pages: the day's pay, payslip PDFs, tax cards, the cash box and the reports."""

import datetime
import uuid
from decimal import Decimal

from django.contrib import messages
from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dagsverket.access import get_participant_for_user, permission_required
from dagsverket.days import parse_day
from dagsverket.errors import form_error
from dagsverket.lists import filtered_rows, paginate
from dagsverket.models import Participant
from dagsverket.services import DagsverketError, log_access, participant_update

from . import reports, services
from .engine import frikort_nearly_used
from .exporters import MonthlyReportExporter, YearSummaryExporter, download_response
from .filters import PayslipFilter, YearSummaryFilter
from .forms import (
    CashCloseForm,
    CashMovementForm,
    ConfirmPayoutForm,
    IdentifiersForm,
    OpeningFloatForm,
    ReasonForm,
    RepaymentForm,
    TaxCardForm,
    WageRateForm,
    YearSettingsForm,
)
from .models import CashBox, Payslip, TaxCard, WageRate, YearSettings
from .pdf import payslips_pdf
from .selectors import (
    cash_expected,
    cash_payouts_total,
    day_payslips,
    employer_of,
    line_hours_by_payslip,
    repayment_outstanding,
    site_settings_for,
    wage_rate_for,
)
from .services import PayrollError
from .tables import PayslipTable, YearSummaryTable


def _get_payslip_for_user(request: HttpRequest, pk: int) -> Payslip:
    """A payslip at the user's current site, or 404."""
    return get_object_or_404(
        Payslip.objects.select_related("participant", "site").prefetch_related("lines"),
        pk=pk,
        site=request.site,
    )


def _safe_next(request: HttpRequest) -> str:
    """Where to go back to after fixing an identifier: only a payroll report page of this site."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if value.startswith("/payroll/reports/") and "//" not in value else ""


def _frikort_warning(slip: Payslip) -> bool:
    if slip.tax_card_kind != "frikort":
        return False
    return frikort_nearly_used(slip.frikort_amount, slip.frikort_left_after)


def _day_context(request: HttpRequest, day: datetime.date, **extra) -> dict:
    from .work import signed_off_work

    # The repayments into a list (`to_attr`) and the lines' hours read as values: holding a prefetch
    # in `slip.lines.all()` costs a queryset built per payslip and relation, a fifth of the page's
    # time with 60 payslips.
    slips = list(
        day_payslips(site=request.site, day=day)
        .prefetch_related(None)
        .prefetch_related(Prefetch("repayments", to_attr="repayment_list"))
    )
    line_hours = line_hours_by_payslip([slip.pk for slip in slips])
    corrected = {slip.corrects_id for slip in slips if slip.corrects_id}
    with_slip = {slip.participant_id for slip in slips if slip.kind == Payslip.Kind.REGULAR}
    work = signed_off_work(site=request.site, day=day)
    waiting = [person for person, _items in work if person.pk not in with_slip]
    corrected_at = {
        person.pk: max((item.last_corrected_at for item in items if item.last_corrected_at), default=None)
        for person, items in work
    }
    for slip in slips:
        slip.line_hours = line_hours[slip.pk]
        slip.frikort_warning = _frikort_warning(slip)
        changed = corrected_at.get(slip.participant_id)
        # hours corrected in jobs after this payslip was paid: it needs a correction here too
        slip.hours_changed = bool(
            slip.is_paid and slip.kind == Payslip.Kind.REGULAR and changed and changed > slip.paid_at
        )
        # A reversal's day: its corrections are among the day's payslips (same site and date).
        slip.owed_back = repayment_outstanding(
            slip, corrected=slip.reverses_id in corrected, repayments=slip.repayment_list
        )
        if slip.owed_back:
            slip.repayment_form = RepaymentForm(
                initial={"nonce": uuid.uuid4().hex, "amount": slip.owed_back, "method": "cash"},
                auto_id=f"id_repay_{slip.pk}_%s",
            )
        # What its ConfirmPayoutForm starts with; `{% payslip_rows %}` renders the three fields
        # (ids `id_<pk>_<field>`) without building a form for each row.
        slip.confirm_initial = {
            "nonce": uuid.uuid4().hex,
            "method": "bank" if slip.participant.bank_account else "cash",
            "shown_amount": slip.amount_due,
        }
    paid = [slip for slip in slips if slip.is_paid]
    return {
        "day": day,
        "today": timezone.localdate(),
        "payslips": slips,
        "waiting": waiting,
        "wage_rate": wage_rate_for(site=request.site, day=day),
        "paid_total": sum((slip.amount_due for slip in paid), Decimal("0")),
        "reason_form": ReasonForm(),
        **extra,
    }


@require_GET
@permission_required("manage_payroll")
def today(request: HttpRequest) -> HttpResponse:
    """The payroll start page: the day's pay at the current site; `?day=` (from the date picker)
    goes to that day's pay or, with `go=cash`, its cash box."""
    if "day" in request.GET:
        day = parse_day(request.GET.get("day"))
        if day is None:
            context = _day_context(request, timezone.localdate(), error=_("Enter a valid date."))
            return render(request, "payroll/day.html", context, status=400)
        target = "payroll:cash_box" if request.GET.get("go") == "cash" else "payroll:day"
        return redirect(target, day=day)
    return render(request, "payroll/day.html", _day_context(request, timezone.localdate()))


@require_GET
@permission_required("manage_payroll")
def day_view(request: HttpRequest, day: datetime.date) -> HttpResponse:
    return render(request, "payroll/day.html", _day_context(request, day))


@require_POST
@permission_required("manage_payroll")
def day_prepare(request: HttpRequest, day: datetime.date) -> HttpResponse:
    """Make (or refresh) draft payslips from the day's signed-off hours."""
    try:
        slips = services.payslips_prepare_day(site=request.site, day=day)
    except PayrollError as error:
        return render(
            request, "payroll/day.html", _day_context(request, day, error=error.message), status=400
        )
    messages.success(request, _("%(count)d payslips ready to check.") % {"count": len(slips)})
    return redirect("payroll:day", day=day)


def _day_refused(request: HttpRequest, slip: Payslip, form) -> HttpResponse:
    """The day's page again with the form's errors on top: 400, nothing written."""
    context = _day_context(
        request,
        slip.date,
        error=" ".join(m for errors in form.errors.values() for m in errors) or _("Check the form."),
    )
    return render(request, "payroll/day.html", context, status=400)


@require_POST
@permission_required("manage_payroll")
def payslip_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay a previewed payslip; the form's nonce makes a double tap harmless."""
    slip = _get_payslip_for_user(request, pk)
    form = ConfirmPayoutForm(request.POST)
    if form.is_valid():
        try:
            payout = services.payout_confirm(
                payslip=slip,
                method=form.cleaned_data["method"],
                nonce=form.cleaned_data["nonce"],
                shown_amount=form.cleaned_data["shown_amount"],
                by=request.user,
            )
        except PayrollError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Paid %(name)s: %(method)s.")
                % {"name": slip.participant.name, "method": payout.get_method_display()},
            )
            return redirect("payroll:day", day=slip.date)
    return _day_refused(request, slip, form)


@require_POST
@permission_required("manage_payroll")
def payslip_repay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record money the worker paid back on a payslip that was paid but not owed."""
    slip = _get_payslip_for_user(request, pk)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            services.repayment_record(payslip=slip, by=request.user, **form.cleaned_data)
        except PayrollError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The repayment was recorded."))
            return redirect("payroll:day", day=slip.date)
    return _day_refused(request, slip, form)


def _reason_post(request: HttpRequest, pk: int, action) -> HttpResponse:
    slip = _get_payslip_for_user(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        error = _("Give the reason for the correction.")
    else:
        try:
            action(payslip=slip, reason=form.cleaned_data["reason"], by=request.user)
        except PayrollError as refused:
            form_error(form, refused)
            error = refused.message  # the rule that refused it, not a missing reason
        else:
            messages.success(request, _("The payslip was reversed."))
            return redirect("payroll:day", day=slip.date)
    context = _day_context(request, slip.date, reason_form=form, error=error)
    return render(request, "payroll/day.html", context, status=400)


@require_POST
@permission_required("manage_payroll")
def payslip_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a paid payslip (the money was not owed)."""
    return _reason_post(request, pk, services.payslip_reverse)


@require_POST
@permission_required("manage_payroll")
def payslip_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a paid payslip and make a new draft from the current signed-off hours."""
    return _reason_post(request, pk, services.payslip_correct)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@permission_required("manage_payroll")
def payslip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    slip = _get_payslip_for_user(request, pk)
    return _pdf_response(
        payslips_pdf([slip], site=request.site), f"lonnsslipp-{slip.date:%Y-%m-%d}-{slip.pk}.pdf"
    )


@require_GET
@permission_required("manage_payroll")
def day_pdf(request: HttpRequest, day: datetime.date) -> HttpResponse:
    """The whole day's payslips as one document, one page per payslip."""
    slips = list(
        day_payslips(site=request.site, day=day).select_related("payout").prefetch_related("repayments")
    )
    if not slips:
        raise Http404
    return _pdf_response(payslips_pdf(slips, site=request.site), f"lonnsslipper-{day:%Y-%m-%d}.pdf")


@require_http_methods(["GET", "POST"])
@permission_required("manage_payroll", "view_national_id")
def participant_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's payroll data: national ID, bank account, tax cards and payslips this year."""
    participant = get_participant_for_user(request, pk)
    year = timezone.localdate().year
    action = request.POST.get("action", "card") if request.method == "POST" else None
    form = TaxCardForm(
        request.POST if action == "card" else None,
        initial={"year": year, "received_on": timezone.localdate()},
    )
    ids_form = IdentifiersForm(
        request.POST if action == "ids" else None,
        prefix="ids",
        initial={"national_id": participant.national_id, "bank_account": participant.bank_account},
    )
    status = 200
    if action == "card":
        if form.is_valid():
            try:
                # The card is for the employer of the site the page is opened at.
                services.tax_card_add(
                    participant=participant, site=request.site, by=request.user, **form.cleaned_data
                )
            except PayrollError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The tax card was saved."))
                return redirect("payroll:participant", pk=participant.pk)
        status = 400
    elif action == "ids":
        if ids_form.is_valid():
            try:
                # Payroll changes exactly these two fields; the change is logged by field name.
                participant_update(participant=participant, by=request.user, **ids_form.cleaned_data)
            except DagsverketError as error:
                form_error(ids_form, error)
            else:
                messages.success(request, _("The national ID number and bank account were saved."))
                return redirect(_safe_next(request) or reverse("payroll:participant", args=[pk]))
        status = 400
    elif action is not None:
        status = 400
    log_access(user=request.user, participant=participant, what="national_id_tax_card", path=request.path)
    employer = employer_of(request.site)
    paid = Payslip.objects.filter(
        participant=participant, site_id__in=employer.site_ids, paid_at__isnull=False
    ).select_related("site")
    totals = paid.filter(paid_at__year=year).aggregate(taxable=Sum("taxable"), tax=Sum("tax"), net=Sum("net"))
    filterset = PayslipFilter(request.GET or None, queryset=paid)
    rows, filter_status = filtered_rows(filterset)
    table = PayslipTable(rows)
    paginate(request, table)
    status = max(status, filter_status)
    return render(
        request,
        "payroll/participant.html",
        {
            "participant": participant,
            "employer": employer,
            "tax_cards": TaxCard.objects.filter(
                participant=participant, employer=employer.key
            ).select_related("entered_by"),
            "form": form,
            "ids_form": ids_form,
            "next": _safe_next(request),
            "year": year,
            "totals": totals,
            "filter": filterset,
            "table": table,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_payroll")
def cash_box(request: HttpRequest, day: datetime.date) -> HttpResponse:
    """The day's cash box: float, movements, cash payouts, counted closing amount."""
    forms = {
        "float": OpeningFloatForm(prefix="float"),
        "movement": CashMovementForm(prefix="movement"),
        "close": CashCloseForm(prefix="close"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in forms:
            status = 400
        else:
            form = forms[action] = type(forms[action])(request.POST, prefix=action)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if action == "float":
                        services.cash_box_open(site=request.site, day=day, by=request.user, **data)
                    elif action == "movement":
                        services.cash_movement_add(site=request.site, day=day, by=request.user, **data)
                    else:
                        services.cash_box_close(site=request.site, day=day, by=request.user, **data)
                except PayrollError as error:
                    form_error(form, error)
                else:
                    return redirect("payroll:cash_box", day=day)
            status = 400
    box = CashBox.objects.filter(site=request.site, date=day).first()
    expected = cash_expected(box) if box else -cash_payouts_total(site=request.site, day=day)
    return render(
        request,
        "payroll/cash_box.html",
        {
            "day": day,
            "box": box,
            "movements": box.movements.select_related("by") if box else [],
            "cash_payouts": cash_payouts_total(site=request.site, day=day),
            "expected": expected,
            "forms": forms,
        },
        status=status,
    )


def _month_or_404(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404


def _month_totals(rows) -> dict[str, Decimal]:
    names = ("gross", "holiday_pay", "tax", "contribution_base", "contribution")
    return {name: sum((getattr(row, name) for row in rows), Decimal("0")) for name in names}


def _without_national_id(rows) -> list:
    """The report's people who have no national ID now (a filed month's rows are as filed)."""
    missing = set(
        Participant.objects.filter(pk__in=[row.participant_id for row in rows], national_id="").values_list(
            "pk", flat=True
        )
    )
    return [row for row in rows if row.participant_id in missing]


def _month_report_rows(request: HttpRequest, year: int, month: int):
    """The month's rows as filed if it is reported, else as they are now."""
    filing = reports.filing_for(site=request.site, year=year, month=month)
    if filing is not None:
        settings = YearSettings.objects.filter(year=year).first()
        return [reports.row_from_data(row) for row in filing.rows], settings, filing
    rows, settings = reports.monthly_report(site=request.site, year=year, month=month)
    return rows, settings, None


@require_http_methods(["GET", "POST"])
@permission_required("manage_payroll")
def month_report(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's a-melding basis for the employer; payroll marks it as reported (filed)."""
    _month_or_404(year, month)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.month_file(site=request.site, year=year, month=month, by=request.user)
        except PayrollError as refused:
            error, status = refused.message, 400
        else:
            messages.success(request, _("The month is marked as reported; its figures are frozen."))
            return redirect("payroll:month_report", year=year, month=month)
    rows, settings, filing = _month_report_rows(request, year, month)
    changes = reports.changes_since_filing(site=request.site, filing=filing) if filing else []
    return render(
        request,
        "payroll/month_report.html",
        {
            "year": year,
            "month": month,
            "month_start": datetime.date(year, month, 1),
            "previous_month": datetime.date(year, month, 1) - datetime.timedelta(days=1),
            "next_month": datetime.date(year + month // 12, month % 12 + 1, 1),
            "rows": rows,
            "settings": settings,
            "filing": filing,
            "changes": changes,
            "next_open": reports.next_open_month(site=request.site, year=year, after=month)
            if changes
            else None,
            "corrections": []
            if filing
            else reports.corrections_for(site=request.site, year=year, month=month),
            "due": reports.due_date(year, month),
            "totals": _month_totals(rows),
            "missing_ids": _without_national_id(rows),
            "month_over": timezone.localdate() >= datetime.date(year + month // 12, month % 12 + 1, 1),
            "error": error,
        },
        status=status,
    )


@require_GET
@permission_required("manage_payroll", "view_national_id")
def month_report_download(request: HttpRequest, year: int, month: int, fmt: str) -> StreamingHttpResponse:
    """The month's a-melding basis as CSV or XLSX; it carries national IDs, so reading it is logged."""
    _month_or_404(year, month)
    log_access(user=request.user, participant=None, what="national_id_monthly_report", path=request.path)
    return download_response(MonthlyReportExporter(site=request.site, year=year, month=month), fmt)


@require_GET
@permission_required("manage_payroll")
def month_report_pdf(request: HttpRequest, year: int, month: int) -> HttpResponse:
    from .pdf import render_pdf

    _month_or_404(year, month)
    rows, settings, _filing = _month_report_rows(request, year, month)
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        from django.template.loader import render_to_string

        html = render_to_string(
            "payroll/pdf/month_report.html",
            {
                "totals": _month_totals(rows),
                "site": request.site,
                "month_start": datetime.date(year, month, 1),
                "rows": rows,
                "due": reports.due_date(year, month),
                "settings": settings,
            },
        )
    return _pdf_response(render_pdf(html), f"manedsrapport-{year}-{month:02d}.pdf")


@require_GET
@permission_required("manage_payroll")
def year_report(request: HttpRequest, year: int) -> HttpResponse:
    _month_or_404(year, 1)
    filterset = YearSummaryFilter(
        request.GET or None, queryset=reports.year_summary(site=request.site, year=year)
    )
    rows, status = filtered_rows(filterset)
    table = YearSummaryTable(rows, year=year)
    paginate(request, table)
    return render(
        request,
        "payroll/year_report.html",
        {
            "year": year,
            "filter": filterset,
            "table": table,
            "months": [datetime.date(year, month, 1) for month in range(1, 13)],
            "day": datetime.date(year, 1, 1),
        },
        status=status,
    )


@require_GET
@permission_required("manage_payroll")
def year_report_download(request: HttpRequest, year: int, fmt: str) -> StreamingHttpResponse:
    """The year summary as on its page, as CSV (`;`, decimal commas, a UTF-8 BOM) or XLSX."""
    _month_or_404(year, 1)
    return download_response(YearSummaryExporter(site=request.site, year=year), fmt)


@require_GET
@permission_required("manage_payroll")
def year_report_pdf(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    """The year summary as a PDF, one page per worker (one document for the batch), or one worker's."""
    from django.template.loader import render_to_string

    from .pdf import render_pdf

    _month_or_404(year, 1)
    employer = employer_of(request.site)
    statements = reports.year_statements(site=request.site, year=year, participant_id=pk)
    if pk is not None and not statements:
        # someone of the employer's sites who was not paid that year gets a page that says so
        get_object_or_404(Participant, pk=pk, site_id__in=employer.site_ids)
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        html = render_to_string(
            "payroll/pdf/year_summary.html", {"statements": statements, "year": year, "employer": employer}
        )
    name = f"arsoversikt-{year}" if pk is None else f"arsoversikt-{year}-{pk}"
    return _pdf_response(render_pdf(html), f"{name}.pdf")


@require_GET
@permission_required("manage_payroll")
def reports_index(request: HttpRequest) -> HttpResponse:
    """The months of a year with their state (open or reported); `?month=YYYY-MM` goes to one."""
    today = timezone.localdate()
    error, status, year = None, 200, today.year
    if "month" in request.GET:
        picked = parse_day(f"{request.GET.get('month')}-01")
        if picked is not None:
            return redirect("payroll:month_report", year=picked.year, month=picked.month)
        error, status = _("Choose a month."), 400
    elif "year" in request.GET:
        try:
            year = int(request.GET["year"])
        except ValueError:
            year = 0
        if not 2000 <= year <= 2100:
            error, status, year = _("Choose a year."), 400, today.year
    filed = reports.filed_months(site=request.site, year=year)
    months = [
        {
            "number": month,
            "start": datetime.date(year, month, 1),
            "due": reports.due_date(year, month),
            "filing": filed.get(month),
        }
        for month in range(1, 13)
    ]
    return render(
        request,
        "payroll/reports.html",
        {"year": year, "months": months, "day": today, "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("manage_payroll", "manage_site")
def rules(request: HttpRequest) -> HttpResponse:
    """The pay rules as data, kept by a manager: the site's wage rates and the year table."""
    settings = site_settings_for(request.site)
    wage_form = WageRateForm(
        prefix="wage",
        initial={
            "valid_from": timezone.localdate(),
            "holiday_pay_with_wage": settings.holiday_pay_with_wage,
            "charity_exempt": settings.charity_exempt,
        },
    )
    year_form = YearSettingsForm(prefix="year")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form = None
        if action == "wage":
            form = wage_form = WageRateForm(request.POST, prefix="wage")
        elif action == "year":
            form = year_form = YearSettingsForm(request.POST, prefix="year")
        if form is not None and form.is_valid():
            try:
                if action == "wage":
                    services.wage_rate_set(site=request.site, by=request.user, **form.cleaned_data)
                else:
                    services.year_settings_save(by=request.user, **form.cleaned_data)
            except PayrollError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("payroll:rules")
        status = 400
    return render(
        request,
        "payroll/rules.html",
        {
            "wage_rates": WageRate.objects.filter(site=request.site),
            "years": YearSettings.objects.all(),
            "settings": settings,
            "wage_form": wage_form,
            "year_form": year_form,
            "day": timezone.localdate(),
        },
        status=status,
    )
