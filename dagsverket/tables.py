import django_tables2 as tables
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import Visit
from .words import staff_name


class PersonColumn(tables.Column):
    """A staff member by full name, or by username when no name is given."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return staff_name(value)


def label_cells(table: tables.Table) -> None:
    """Give each cell its column's name (`data-label`), for the stacked rows of a `table-stack`
    at tablet width. A table's columns are its own copies, so this changes no other table."""
    for bound in table.columns:
        column = bound.column
        td = {**column.attrs.get("td", {}), "data-label": str(bound.header)}
        column.attrs = {**column.attrs, "td": td}


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
    lottery = tables.Column(verbose_name=_("Lottery"), accessor="pk", orderable=False)
    tasks = tables.Column(verbose_name=_("Task"), accessor="pk", orderable=False)
    hours = tables.Column(
        verbose_name=_("Hours"), accessor="pk", orderable=False, attrs={"td": {"class": "num"}}
    )
    gross = tables.Column(
        verbose_name=_("Gross pay"), accessor="pk", orderable=False, attrs={"td": {"class": "num"}}
    )
    checked_in_by = PersonColumn(verbose_name=_("Checked in by"), order_by=("checked_in_by__last_name",))

    class Meta:
        model = Visit
        fields = [
            "date",
            "arrived_at",
            "participant",
            "site",
            "outcome",
            "reason",
            "lottery",
            "tasks",
            "hours",
            "gross",
        ]
        order_by = ("-date", "arrived_at")
        attrs = {"class": "table table-stack"}
        template_name = "django_tables2/table.html"

    def __init__(self, *args, show_reasons: bool = False, show_pay: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes: dict[int, dict] = {}
        if not show_reasons:
            self.columns.hide("reason")
        if not show_pay:
            self.columns.hide("gross")
        label_cells(self)

    def load_outcomes(self) -> None:
        """After pagination: what came of the visits on this page (a fixed number of queries)."""
        from .selectors import attendance_outcomes

        self.outcomes = attendance_outcomes(row.record for row in self.page.object_list)

    def _outcome(self, record, key):
        return self.outcomes.get(record.pk, {}).get(key) or "—"

    def render_lottery(self, record):
        return self._outcome(record, "lottery")

    def render_tasks(self, record):
        return self._outcome(record, "tasks")

    def render_hours(self, record):
        value = self.outcomes.get(record.pk, {}).get("hours")
        return formats.number_format(value, 2) if value is not None else "—"

    def render_gross(self, record):
        value = self.outcomes.get(record.pk, {}).get("gross")
        return formats.number_format(value, 2, force_grouping=True) if value is not None else "—"

    def render_outcome(self, record):
        if record.undone_at:
            return _("Undone")
        return record.get_readiness_display()

    def render_reason(self, record):
        return record.readiness_reason.label if record.readiness_reason else "—"
