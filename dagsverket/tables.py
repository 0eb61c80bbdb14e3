import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Visit


class AttendanceTable(tables.Table):
    """Every visit with its outcome. Reasons are shown only to roles with health-data access."""

    date = tables.DateColumn(verbose_name=_("Date"), format="d.m.Y")
    arrived_at = tables.DateTimeColumn(verbose_name=_("Came"), format="H:i", order_by=("arrived_at",))
    participant = tables.LinkColumn(
        "participant_detail",
        args=[tables.A("participant_id")],
        accessor="participant__name",
        verbose_name=_("Participant"),
        order_by=("participant__name",),
    )
    site = tables.Column(accessor="site__name", verbose_name=_("Site"))
    outcome = tables.Column(accessor="readiness", verbose_name=_("Readiness"), order_by=("readiness",))
    reason = tables.Column(
        accessor="readiness_reason", verbose_name=_("Reason"), orderable=False, empty_values=()
    )
    checked_in_by = tables.Column(accessor="checked_in_by__username", verbose_name=_("Checked in by"))

    class Meta:
        model = Visit
        fields = ["date", "arrived_at", "participant", "site", "outcome", "reason", "checked_in_by"]
        order_by = ("-date", "arrived_at")
        attrs = {"class": "table"}
        template_name = "django_tables2/table.html"

    def __init__(self, *args, show_reasons: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_reasons:
            self.columns.hide("reason")

    def render_outcome(self, record):
        if record.undone_at:
            return _("Undone")
        return record.get_readiness_display()

    def render_reason(self, record):
        return record.readiness_reason.label if record.readiness_reason else "—"
