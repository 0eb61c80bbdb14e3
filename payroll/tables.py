"""The payroll lists as django-tables2 tables: sortable, 50 rows a page, amounts as kroner."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Payslip
from .templatetags.payroll_tags import nok


class MoneyColumn(tables.Column):
    """An amount in kroner (`1 234,50`), right-aligned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return nok(value)


class YearSummaryTable(tables.Table):
    """Per worker paid by the employer in the year (rows of `reports.year_summary`)."""

    name = tables.TemplateColumn(
        "{% load people %}{% who name=record.participant__name full_name=record.participant__full_name "
        "birth_year=record.participant__birth_year pk=record.participant_id %}",
        verbose_name=_("Name"),
        order_by=("participant__name", "participant_id"),
    )
    days = tables.Column(verbose_name=_("Days paid"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    gross = MoneyColumn(verbose_name=_("Gross"))
    holiday = MoneyColumn(verbose_name=_("Holiday pay"))
    tax = MoneyColumn(verbose_name=_("Tax withheld"))
    net = MoneyColumn(verbose_name=_("Net pay"))
    pdf = tables.TemplateColumn(
        "<a href=\"{% url 'payroll:year_report_worker_pdf' year=table.year pk=record.participant_id %}\">"
        "PDF</a>",
        verbose_name="",
        orderable=False,
    )

    class Meta:
        attrs = {"class": "table"}
        order_by = ("name",)
        empty_text = _("Nothing was paid this year.")

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year


class PayslipTable(tables.Table):
    """A participant's paid payslips and reversals, newest first."""

    date = tables.DateColumn(verbose_name=_("Date"), format="d.m.Y")
    kind = tables.Column(verbose_name=_("Kind"))
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    gross = MoneyColumn(verbose_name=_("Gross"))
    tax = MoneyColumn(verbose_name=_("Tax withheld"))
    net = MoneyColumn(verbose_name=_("Net pay"))
    pdf = tables.TemplateColumn(
        "<a href=\"{% url 'payroll:payslip_pdf' pk=record.pk %}\">PDF</a>"
        "{% if perms.dagsverket.manage_site %} · "
        "<a href=\"{% url 'record_history' 'payroll' 'payslip' record.pk %}\">{{ history }}</a>{% endif %}",
        extra_context={"history": _("History")},
        verbose_name="",
        orderable=False,
    )

    class Meta:
        model = Payslip
        fields = ("date", "kind", "site", "gross", "tax", "net", "pdf")
        attrs = {"class": "table"}
        order_by = ("-date",)
        empty_text = _("None yet.")
