import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Enrolment

STATUS_LABELS = {"due": _("Due"), "overdue": _("Overdue")}


class EnrolmentTable(tables.Table):
    participant = tables.LinkColumn(
        "research:enrolment",
        args=[tables.A("pk")],
        accessor="participant__name",
        verbose_name=_("Participant"),
        order_by=("participant__name",),
    )
    site = tables.Column(accessor="site__name", verbose_name=_("Site"))
    status = tables.Column(verbose_name=_("Status"))
    is_live = tables.BooleanColumn(verbose_name=_("Live"))
    baseline_on = tables.DateColumn(verbose_name=_("Baseline date"), format="d.m.Y")
    responsible = tables.Column(accessor="responsible__username", verbose_name=_("Responsible staff"))

    class Meta:
        model = Enrolment
        fields = ["participant", "site", "status", "is_live", "baseline_on", "responsible"]
        order_by = ("-baseline_on",)
        attrs = {"class": "table"}


class DueTable(tables.Table):
    """Rows are selectors.DueRow objects."""

    participant = tables.LinkColumn(
        "research:enrolment",
        args=[tables.A("enrolment__pk")],
        accessor="enrolment__participant__name",
        verbose_name=_("Participant"),
        orderable=False,
    )
    study = tables.Column(accessor="enrolment__study__name", verbose_name=_("Study"), orderable=False)
    wave = tables.Column(accessor="wave__name", verbose_name=_("Wave"), orderable=False)
    due_on = tables.DateColumn(
        accessor="window__due_on", verbose_name=_("Due"), format="d.m.Y", orderable=False
    )
    closes_on = tables.DateColumn(
        accessor="window__closes_on", verbose_name=_("Window closes"), format="d.m.Y", orderable=False
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    responsible = tables.Column(
        accessor="enrolment__responsible__username", verbose_name=_("Responsible staff"), orderable=False
    )

    class Meta:
        attrs = {"class": "table"}

    def render_status(self, value):
        return STATUS_LABELS.get(value, value)
