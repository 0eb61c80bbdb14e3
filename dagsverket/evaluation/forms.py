"""Forms of the evaluation area: they turn query strings and posts into Python values."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Site
from .downloads import FORMATS
from .exporters import StatisticsExporter
from .models import DateCoarsening


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    approval_reference = forms.CharField(
        label=_("Approval reference"),
        max_length=200,
        help_text=_("Ethics committee (REK) or data-protection officer reference."),
    )
    starts_on = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Period until and including"), widget=forms.DateInput(attrs={"type": "date"})
    )
    requires_research_consent = forms.BooleanField(
        label=_("Row-level data needs research consent"), required=False, initial=True
    )
    date_coarsening = forms.ChoiceField(
        label=_("Dates in exports"), choices=DateCoarsening.choices, initial=DateCoarsening.WEEK
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=get_user_model().objects.filter(groups__name="evaluator").order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ExportForm(forms.Form):
    project = forms.IntegerField(label=_("Project"))
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("Until and including"))
    format = forms.ChoiceField(label=_("Format"), choices=[(key, key) for key in FORMATS], initial="csv")
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False)
    codebook = forms.BooleanField(label=_("Include the codebook (zip)"), required=False)
    core_group_days = forms.IntegerField(
        label=_("Core group: days a month"), min_value=1, max_value=31, required=False
    )
    by = forms.ChoiceField(
        label=_("Break down by"),
        choices=[(key, key) for key in StatisticsExporter.BREAKDOWNS],
        required=False,
    )


class DashboardForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.all(), required=False, empty_label=_("All sites")
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until and including"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lang = forms.ChoiceField(
        label=_("Language"), choices=[("nb", "Norsk"), ("en", "English")], required=False
    )

    def clean(self):
        data = super().clean()
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or (end - datetime.timedelta(days=364))
        if start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (end - start).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data
