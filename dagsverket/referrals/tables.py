"""The referral lists: follow-up, overrides for review, the agency catalogue and the access log."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import AccessLog
from ..tables import PersonColumn
from ..words import access_what
from .models import Agency, Referral


class FollowUpTable(tables.Table):
    follow_up_on = tables.DateColumn(verbose_name=_("Follow up on"), format="j.n.Y")
    participant = tables.Column(
        verbose_name=_("Participant"), linkify=lambda record: reverse("referrals:detail", args=[record.pk])
    )
    agency = tables.Column(verbose_name=_("Agency"))
    area = tables.Column(verbose_name=_("Area"))
    status = tables.Column(verbose_name=_("Status"))
    staff = PersonColumn(verbose_name=_("Staff member"))

    class Meta:
        model = Referral
        fields = ["follow_up_on", "participant", "agency", "area", "status", "staff"]
        attrs = {"class": "table"}
        orderable = False
        empty_text = _("No referrals to follow up.")


class AccessLogTable(tables.Table):
    # The primary key breaks ties so that a page boundary never repeats or skips an entry.
    at = tables.DateTimeColumn(verbose_name=_("Time"), format="j.n.Y H:i:s", order_by=("at", "pk"))
    user = PersonColumn(verbose_name=_("Read by"), order_by=("user__username",))
    what = tables.Column(verbose_name=_("What"))
    path = tables.Column(verbose_name=_("Page"))

    def render_what(self, value):
        return access_what(value)

    class Meta:
        model = AccessLog
        fields = ["at", "user", "what", "path"]
        order_by = ("-at",)
        row_attrs = {"data-entry": lambda record: record.pk}
        empty_text = _("Nobody has read sensitive data yet.")


class OverrideTable(tables.Table):
    """Referrals sent without consent; the last column marks one as reviewed."""

    sent_on = tables.DateColumn(verbose_name=_("Sent on"), format="j.n.Y", order_by=("sent_on", "pk"))
    participant = tables.Column(
        verbose_name=_("Participant"),
        accessor="participant__name",
        linkify=lambda record: reverse("referrals:detail", args=[record.pk]),
    )
    agency = tables.Column(verbose_name=_("Agency"), accessor="agency__name")
    override_reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    overridden_by = PersonColumn(verbose_name=_("By"))
    reviewed = tables.TemplateColumn(
        template_name="dagsverket/referrals/_override_reviewed.html",
        verbose_name=_("Reviewed"),
        order_by=("override_reviewed_at",),
    )

    class Meta:
        model = Referral
        fields = ["sent_on", "participant", "agency", "override_reason", "overridden_by", "reviewed"]
        row_attrs = {"data-override": lambda record: record.pk}
        empty_text = _("No referrals were sent without consent.")


class AgencyTable(tables.Table):
    name = tables.LinkColumn("referrals:agency_edit", args=[tables.A("pk")], verbose_name=_("Name"))
    type = tables.Column(verbose_name=_("Type"))
    contact = tables.Column(verbose_name=_("Contact"), accessor="pk", orderable=False)
    site = tables.Column(verbose_name=_("Site"), default=_("All sites"), order_by=("site__name",))
    active = tables.BooleanColumn(verbose_name=_("Active"), yesno=(_("yes"), _("no")))

    class Meta:
        model = Agency
        fields = ["name", "type", "contact", "site", "active"]
        order_by = ("-active", "name")
        empty_text = _("No agencies yet.")

    def render_contact(self, record):
        return " ".join(part for part in (record.contact_person, record.phone, record.email) if part) or "—"
