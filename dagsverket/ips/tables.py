import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .fidelity import fidelity_band
from .models import CaseloadEntry, EmployerContact, FidelityReview


def _person(user) -> str:
    return user.get_full_name() or user.username


class CaseloadTable(tables.Table):
    participant = tables.LinkColumn(
        "ips:caseload_detail",
        args=[tables.A("pk")],
        accessor="participant__name",
        verbose_name=_("participant"),
    )
    specialist = tables.Column(verbose_name=_("employment specialist"), order_by=("specialist__first_name",))
    started_on = tables.DateColumn(verbose_name=_("IPS start"), format="j.n.Y")
    first_contact = tables.Column(
        verbose_name=_("first contact (days)"),
        accessor="first_contact_on",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    first_job = tables.Column(
        verbose_name=_("first job (days)"),
        accessor="first_job_on",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    working_now = tables.BooleanColumn(verbose_name=_("working"), yesno=(_("yes"), _("no")))
    ended_on = tables.DateColumn(verbose_name=_("left IPS"), format="j.n.Y")

    class Meta:
        model = CaseloadEntry
        fields = (
            "participant",
            "specialist",
            "started_on",
            "first_contact",
            "first_job",
            "working_now",
            "ended_on",
        )
        attrs = {"class": "table"}
        order_by = ("-started_on",)
        empty_text = _("No one on this caseload.")

    def render_specialist(self, value):
        return _person(value)

    def render_first_contact(self, value, record):
        return (value - record.started_on).days

    def render_first_job(self, value, record):
        return (value - record.started_on).days


class ContactTable(tables.Table):
    date = tables.DateColumn(verbose_name=_("date"), format="j.n.Y")
    employer_name = tables.Column(verbose_name=_("employer"))
    organisation_number = tables.Column(verbose_name=_("organisation number"))
    face_to_face = tables.BooleanColumn(verbose_name=_("face to face"), yesno=(_("yes"), _("no")))
    entry = tables.Column(verbose_name=_("on behalf of"), accessor="entry__participant__name", default="—")
    specialist = tables.Column(verbose_name=_("employment specialist"), order_by=("specialist__first_name",))
    notes = tables.Column(verbose_name=_("purpose and notes"), orderable=False)

    class Meta:
        model = EmployerContact
        fields = (
            "date",
            "employer_name",
            "organisation_number",
            "face_to_face",
            "entry",
            "specialist",
            "notes",
        )
        attrs = {"class": "table"}
        order_by = ("-date",)
        empty_text = _("No employer contacts.")

    def render_specialist(self, value):
        return _person(value)

    def render_entry(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("ips:caseload_detail", args=[record.entry_id]), value
        )


class FidelityReviewTable(tables.Table):
    # The primary key breaks ties so that a page boundary never repeats or skips a review.
    reviewed_on = tables.DateColumn(
        verbose_name=_("Review date"),
        format="j.n.Y",
        linkify=("ips:fidelity_detail", [tables.A("pk")]),
        order_by=("reviewed_on", "pk"),
    )
    reviewers = tables.Column(verbose_name=_("Reviewers"))
    total = tables.Column(
        verbose_name=_("Total score"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    band = tables.Column(verbose_name=_("Band"), accessor="total", order_by=("total",))

    class Meta:
        model = FidelityReview
        fields = ("reviewed_on", "reviewers", "total", "band")
        attrs = {"class": "table"}
        order_by = ("-reviewed_on",)
        empty_text = _("No fidelity reviews yet.")

    def render_band(self, value):
        return fidelity_band(value).label
