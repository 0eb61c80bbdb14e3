"""Forms of the IPS log. They return Python values; the rules live in `services.py`."""

import uuid
from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dagsverket.models import Participant
from dagsverket.referrals.forms import DateInput

from .fidelity import ITEMS, SCORE_MAX, SCORE_MIN
from .models import CaseloadEndReason, CaseloadEntry, EmployerContact, JobEndReason, JobType
from .selectors import specialists_for


class SpecialistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class NonceForm(forms.Form):
    """A form that carries a one-time token so a repeated submit returns the first row."""

    nonce = forms.CharField(max_length=64, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("nonce", uuid.uuid4().hex)


class CaseloadEntryForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Participant"), queryset=Participant.objects.none())
    specialist = SpecialistChoiceField(label=_("Employment specialist"), queryset=None)
    started_on = forms.DateField(label=_("IPS start (referral)"), widget=DateInput())

    def __init__(self, *args, site, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(site=site, merged_into__isnull=True)
        specialists = specialists_for(site)
        self.fields["specialist"].queryset = specialists
        if not self.is_bound:
            self.initial.setdefault("started_on", timezone.localdate())
            self.initial.setdefault("specialist", user.pk)


class CaseloadEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Left IPS on"), widget=DateInput(), initial=timezone.localdate)
    end_reason = forms.ChoiceField(label=_("Reason for leaving"), choices=CaseloadEndReason.choices)


class CareerProfileForm(forms.Form):
    work_history = forms.CharField(
        label=_("Work history"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    preferences = forms.CharField(
        label=_("Job preferences"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    strengths = forms.CharField(
        label=_("Strengths"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    barriers = forms.CharField(
        label=_("Barriers and support needed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class EmployerContactForm(NonceForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    employer_name = forms.CharField(label=_("Employer"), max_length=200)
    organisation_number = forms.CharField(
        label=_("Organisation number"), max_length=20, required=False, help_text=_("Optional: 9 digits.")
    )
    face_to_face = forms.TypedChoiceField(
        label=_("Face to face"),
        choices=[("1", _("Yes, met in person")), ("0", _("No, by phone, e-mail or other"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    entry = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=CaseloadEntry.objects.none(),
        required=False,
        empty_label=_("General job development (no one person)"),
    )
    specialist = SpecialistChoiceField(label=_("Employment specialist"), queryset=None)
    notes = forms.CharField(label=_("Purpose and notes"), max_length=300, required=False)

    def __init__(self, *args, site, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = (
            CaseloadEntry.objects.filter(site=site, ended_on__isnull=True)
            .select_related("participant")
            .order_by("participant__name")
        )
        self.fields["specialist"].queryset = specialists_for(site)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("specialist", user.pk)


class JobStartForm(NonceForm):
    employer_name = forms.CharField(label=_("Employer"), max_length=200)
    organisation_number = forms.CharField(
        label=_("Organisation number"), max_length=20, required=False, help_text=_("Optional: 9 digits.")
    )
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), max_digits=5, decimal_places=2, min_value=0, max_value=80
    )
    hourly_wage = forms.DecimalField(
        label=_("Hourly wage (NOK)"), max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )
    job_type = forms.ChoiceField(label=_("Job type"), choices=JobType.choices, initial=JobType.COMPETITIVE)
    four_paid_hours_on = forms.DateField(
        label=_("4 paid hours reached on"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "The job counts as a job start from this day. Leave empty until 4 paid hours are worked."
        ),
    )


class JobCountForm(forms.Form):
    four_paid_hours_on = forms.DateField(label=_("4 paid hours reached on"), widget=DateInput())


class JobEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day in the job"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("Reason the job ended"), choices=JobEndReason.choices)


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class FidelityReviewForm(NonceForm):
    reviewed_on = forms.DateField(label=_("Review date"), widget=DateInput())
    reviewers = forms.CharField(label=_("Reviewers"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, _section, title in ITEMS:
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {title}", choices=SCORE_CHOICES, coerce=int
            )
        if not self.is_bound:
            self.initial.setdefault("reviewed_on", timezone.localdate())

    def item_fields(self):
        for number, section, _title in ITEMS:
            yield section, self[f"item_{number}"]

    def scores(self) -> dict[int, int]:
        return {number: self.cleaned_data[f"item_{number}"] for number, _section, _title in ITEMS}


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(str(q), str(q)) for q in range(1, 5)], coerce=int
    )


STATUS_CHOICES = [("open", _("On the caseload")), ("ended", _("Left IPS")), ("all", _("All"))]


class CaseloadFilter(django_filters.FilterSet):
    specialist = django_filters.ModelChoiceFilter(
        label=_("Employment specialist"), queryset=None, empty_label=_("Everyone")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    name = django_filters.CharFilter(label=_("Name"), method="filter_name")

    class Meta:
        model = CaseloadEntry
        fields = ["specialist", "status", "name"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["specialist"].queryset = specialists_for(site)
        self.filters["specialist"].field.label_from_instance = lambda u: u.get_full_name() or u.username

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(ended_on__isnull=True)
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset

    def filter_name(self, queryset, name, value):
        from dagsverket.models import normalise_name

        words = normalise_name(value).split()[:5]
        for word in words:
            queryset = queryset.filter(participant__search_name__contains=word)
        return queryset


class ContactFilter(django_filters.FilterSet):
    specialist = django_filters.ModelChoiceFilter(
        label=_("Employment specialist"), queryset=None, empty_label=_("Everyone")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=DateInput()
    )
    face_to_face = django_filters.BooleanFilter(label=_("Face to face"))

    class Meta:
        model = EmployerContact
        fields = ["specialist", "date_from", "date_to", "face_to_face"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["specialist"].queryset = specialists_for(site)
        self.filters["specialist"].field.label_from_instance = lambda u: u.get_full_name() or u.username
