"""Forms for consent, referrals and the agency catalogue. They return Python values; rules live in
`services.py`."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..filters import date_filter, yes_no_filter
from ..models import AccessLog, Participant, Site
from ..words import access_what
from .models import (
    Agency,
    AgencyType,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralArea,
    ReferralOutcome,
    ReferralReason,
    ReferralStatus,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def agencies_for(site: Site):
    return Agency.objects.filter(Q(site=site) | Q(site__isnull=True), active=True).order_by("name")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What is the consent for?"),
        choices=ConsentPurpose.choices,
        initial=ConsentPurpose.SHARING,
        widget=forms.RadioSelect,
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Named agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agency_types = forms.MultipleChoiceField(
        label=_("Every agency of these types"),
        choices=AgencyType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.CharField(label=_("Evaluation or research project"), max_length=200, required=False)
    share_reason = forms.BooleanField(
        label=_("May share the reason for the referral"), required=False, initial=True
    )
    share_contact_details = forms.BooleanField(label=_("May share phone and address"), required=False)
    share_attendance = forms.BooleanField(label=_("May share attendance at the program"), required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until and including"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("How was it given?"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, site: Site, initial_agency: Agency | None = None, **kwargs):
        today = timezone.localdate()
        initial = {"given_on": today, "valid_until": today + datetime.timedelta(days=365)}
        if initial_agency is not None:
            initial["agencies"] = [initial_agency.pk]
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies_for(site)


class ReferralForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    area = forms.ChoiceField(label=_("Area"), choices=ReferralArea.choices)
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=ReferralReason.objects.filter(active=True), required=False
    )
    text = forms.CharField(
        label=_("Short text"),
        max_length=300,
        required=False,
        help_text=_("Only what the agency needs; no diagnoses."),
    )
    shares_information = forms.BooleanField(
        label=_("Shares information with the agency"),
        required=False,
        initial=True,
        help_text=_("Needs the participant's consent for this agency."),
    )
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput())

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(site)
        if not self.is_bound:
            self.initial.setdefault("follow_up_on", timezone.localdate() + datetime.timedelta(days=14))


class SendForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Send without consent, because"),
        max_length=300,
        required=False,
        help_text=_("Managers only. The override is listed for review."),
    )


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("Why did the agency decline?"), max_length=300)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why is it cancelled?"), max_length=300, required=False)


class FollowUpForm(forms.Form):
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput())


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "type",
            "site",
            "contact_person",
            "phone",
            "email",
            "address",
            "on_the_system",
            "active",
        ]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(pk__in=[s.pk for s in sites])

    def validate_unique(self):
        pass  # the service checks duplicates and says so next to the name


class FollowUpFilter(django_filters.FilterSet):
    staff = django_filters.ModelChoiceFilter(
        label=_("Staff member"), queryset=get_user_model().objects.none(), empty_label=_("Everybody")
    )
    area = django_filters.ChoiceFilter(
        label=_("Area"), choices=ReferralArea.choices, empty_label=_("All areas")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (s.value, s.label) for s in (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
        ],
        empty_label=_("All open"),
    )

    class Meta:
        model = Referral
        fields = ["staff", "area", "status"]

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["staff"].queryset = site.staff.order_by("username")


class AccessLogFilter(django_filters.FilterSet):
    """One participant's access log by period, reader and what was read."""

    date_from = date_filter("at__date", "gte", _("From"))
    date_to = date_filter("at__date", "lte", _("To"))
    user = django_filters.ModelChoiceFilter(
        label=_("Read by"), queryset=get_user_model().objects.none(), empty_label=_("Everybody")
    )
    what = django_filters.ChoiceFilter(label=_("What"), choices=[], empty_label=_("All"))

    class Meta:
        model = AccessLog
        fields = []

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        entries = AccessLog.objects.filter(participant=participant)
        # Only the people and kinds of reading in this log: a list of every user would say nothing.
        self.filters["user"].queryset = (
            get_user_model().objects.filter(pk__in=entries.values("user")).order_by("username")
        )
        self.filters["user"].field.label_from_instance = lambda user: user.get_full_name() or user.username
        kinds = entries.order_by("what").values_list("what", flat=True).distinct()
        self.filters["what"].extra["choices"] = [(kind, access_what(kind)) for kind in kinds]


class OverrideFilter(django_filters.FilterSet):
    reviewed = django_filters.ChoiceFilter(
        label=_("Reviewed"),
        choices=[("no", _("Not yet reviewed")), ("yes", _("Reviewed"))],
        empty_label=_("All"),
        method="filter_reviewed",
    )

    class Meta:
        model = Referral
        fields = []

    def filter_reviewed(self, queryset, name, value):
        return queryset.filter(override_reviewed_at__isnull=value == "no")


class AgencyFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=AgencyType.choices, empty_label=_("All"))
    site = django_filters.ModelChoiceFilter(
        label=_("Site"),
        queryset=Site.objects.none(),
        empty_label=_("Any site"),
        null_label=_("All sites"),
    )
    active = yes_no_filter(_("Active"))

    class Meta:
        model = Agency
        fields = ["name", "type", "site", "active"]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = sites
