import datetime

from django.urls import path, register_converter

from dagsverket.days import parse_day

from . import views


class DateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        # 2026-02-30 matches the pattern but is no date, and 0001-01-01 has no day before it: 404
        day = parse_day(value)
        if day is None:
            raise ValueError(value)
        return day

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


register_converter(DateConverter, "day")

app_name = "payroll"
urlpatterns = [
    path("", views.today, name="today"),
    path("<day:day>/", views.day_view, name="day"),
    path("<day:day>/prepare/", views.day_prepare, name="day_prepare"),
    path("<day:day>/payslips.pdf", views.day_pdf, name="day_pdf"),
    path("<day:day>/cash/", views.cash_box, name="cash_box"),
    path("payslip/<int:pk>/confirm/", views.payslip_confirm, name="payslip_confirm"),
    path("payslip/<int:pk>/reverse/", views.payslip_reverse, name="payslip_reverse"),
    path("payslip/<int:pk>/correct/", views.payslip_correct, name="payslip_correct"),
    path("payslip/<int:pk>/repay/", views.payslip_repay, name="payslip_repay"),
    path("payslip/<int:pk>.pdf", views.payslip_pdf, name="payslip_pdf"),
    path("participant/<int:pk>/", views.participant_pay, name="participant"),
    path("rules/", views.rules, name="rules"),
    path("reports/", views.reports_index, name="reports"),
    path("reports/<int:year>/", views.year_report, name="year_report"),
    path("reports/<int:year>.csv", views.year_report_download, {"fmt": "csv"}, name="year_report_csv"),
    path("reports/<int:year>.xlsx", views.year_report_download, {"fmt": "xlsx"}, name="year_report_xlsx"),
    path("reports/<int:year>.pdf", views.year_report_pdf, name="year_report_pdf"),
    path("reports/<int:year>/worker/<int:pk>.pdf", views.year_report_pdf, name="year_report_worker_pdf"),
    path("reports/<int:year>/<int:month>/", views.month_report, name="month_report"),
    path(
        "reports/<int:year>/<int:month>.csv",
        views.month_report_download,
        {"fmt": "csv"},
        name="month_report_csv",
    ),
    path(
        "reports/<int:year>/<int:month>.xlsx",
        views.month_report_download,
        {"fmt": "xlsx"},
        name="month_report_xlsx",
    ),
    path("reports/<int:year>/<int:month>.pdf", views.month_report_pdf, name="month_report_pdf"),
]
