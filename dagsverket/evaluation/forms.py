"""Forms of the evaluation area: they turn query strings and posts into Python values."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Site
from .downloads import FORMATS
from .exporters import StatisticsExporter
from .models import DateCoarsening, EvaluationProject


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
    release_months = forms.IntegerField(
        label=_("Shortest release (months)"),
        min_value=1,
        max_value=24,
        initial=3,
        required=False,
        help_text=_(
            "Exports and dashboards cover whole blocks of this length, aligned to the project's start."
        ),
    )
    age_reference_on = forms.DateField(
        label=_("Ages counted on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the project's first day."),
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=get_user_model().objects.filter(groups__name="evaluator").order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_release_months(self):
        return self.cleaned_data.get("release_months") or 3


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
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=EvaluationProject.objects.none(), required=False, empty_label=None
    )
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

    def __init__(self, *args, projects=None, project_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_required = project_required
        if projects is not None:
            self.fields["project"].queryset = projects
        if not project_required:
            self.fields["project"].empty_label = _("No project (raw figures)")

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is None and self.project_required:
            raise forms.ValidationError(_("Choose one of your projects."))
        if project is not None:
            return self._clean_on_grid(data, project)
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or (end - datetime.timedelta(days=364))
        if start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (end - start).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data

    def _clean_on_grid(self, data, project):
        from ..services import DagsverketError
        from .grid import blocks_for_period, default_period

        start, end = data.get("start"), data.get("end")
        if start is None and end is None:
            period = default_period(project, timezone.localdate())
            if period is None:
                raise forms.ValidationError(_("The project's period is shorter than one release block."))
            start, end = period
        try:
            blocks_for_period(project, start or end, end or start)
        except DagsverketError as error:
            raise forms.ValidationError(error.message) from error
        data["start"], data["end"] = start or end, end or start
        return data
