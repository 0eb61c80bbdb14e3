import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dagsverket.tables import PersonColumn

from .models import Customer, LotteryDraw, Task


class CustomerTable(tables.Table):
    name = tables.LinkColumn("jobs:customer_edit", args=[tables.A("pk")], verbose_name=_("name"))

    class Meta:
        model = Customer
        fields = ("name", "sector", "organisation_number", "contact_name", "contact_phone")
        attrs = {"class": "table"}


class TaskTable(tables.Table):
    description = tables.LinkColumn("jobs:task_edit", args=[tables.A("pk")], verbose_name=_("description"))
    customer = tables.Column(verbose_name=_("customer"), accessor="customer__name")

    class Meta:
        model = Task
        fields = ("date", "description", "customer", "category", "workers_max", "status")
        attrs = {"class": "table"}


class DrawTable(tables.Table):
    """Every draw at a site; each opens the draw with its pool, rules, seed and order."""

    date = tables.DateColumn(
        verbose_name=_("Date"),
        format="j.n.Y",
        linkify=("jobs:draw_detail", [tables.A("pk")]),
        order_by=("date", "ran_at", "pk"),
    )
    ran_at = tables.DateTimeColumn(verbose_name=_("Drawn at"), format="H:i:s")
    ran_by = PersonColumn(verbose_name=_("Drawn by"), order_by=("ran_by__username",))
    places = tables.Column(verbose_name=_("Places"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    current = tables.Column(verbose_name=_("Status"), order_by=("current",))

    class Meta:
        model = LotteryDraw
        fields = ("date", "ran_at", "ran_by", "places", "current")
        attrs = {"class": "table"}
        order_by = ("-date",)
        empty_text = _("No draws yet.")

    def render_current(self, value, record):
        status = _("The day's draw") if value else _("Replaced by a later draw")
        if record.rerun_reason:
            return format_html("{} · {}", status, record.rerun_reason)
        return status
