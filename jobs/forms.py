"""Forms of the jobs app: they turn input into Python types; the rules live in services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Customer, LotteryRules, Task
from .services import CUSTOMER_FIELDS, LOTTERY_RULE_FIELDS, TASK_FIELDS

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class AssignForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    visit = forms.IntegerField(label=_("Person"))


class MoveForm(forms.Form):
    task = forms.IntegerField(label=_("Move to task"))


class HoursForm(forms.Form):
    starts_at = forms.TimeField(label=_("Start"), widget=TIME)
    ends_at = forms.TimeField(label=_("End"), widget=TIME)
    break_minutes = forms.IntegerField(label=_("Breaks (minutes)"), min_value=0, max_value=600)


class ExceptionHoursForm(forms.Form):
    """Other hours for one person of a crew; the times count only when `differs` is ticked."""

    differs = forms.BooleanField(label=_("Other hours"), required=False)
    starts_at = forms.TimeField(label=_("Start"), widget=TIME, required=False)
    ends_at = forms.TimeField(label=_("End"), widget=TIME, required=False)
    break_minutes = forms.IntegerField(
        label=_("Breaks (minutes)"), min_value=0, max_value=600, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("differs"):
            for name in ("starts_at", "ends_at", "break_minutes"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data


class CorrectionForm(HoursForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class PlacesForm(forms.Form):
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=500, required=False)
    light_places = forms.IntegerField(
        label=_("Light-duty places"), min_value=0, max_value=500, required=False
    )


class DrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for drawing again"), max_length=300, required=False)


class LotteryRulesForm(forms.ModelForm):
    class Meta:
        model = LotteryRules
        fields = LOTTERY_RULE_FIELDS


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)
        widgets = {
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
            "price_terms": forms.Textarea(attrs={"rows": 3}),
        }

    organisation_number = forms.CharField(label=_("organisation number"), max_length=20, required=False)


class TaskForm(forms.ModelForm):
    repeat_weekdays = forms.TypedMultipleChoiceField(
        label=_("Repeat every"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_until = forms.DateField(label=_("Repeat until"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason for changing an invoiced task"), max_length=300, required=False)

    class Meta:
        model = Task
        fields = list(TASK_FIELDS)  # the fields task_create and task_update accept
        widgets = {"date": DATE, "starts_at": TIME, "ends_at": TIME}

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(site=site)
        self.fields["work_leader"].queryset = (
            get_user_model().objects.filter(sites=site).order_by("first_name")
        )
        # Model checks run in the service so their message is the service's; skip them here.
        self.instance.site = site

    def _post_clean(self):
        pass


class InvoiceBasisForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(site=site)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))


class GuaranteeForm(forms.Form):
    visit = forms.IntegerField(label=_("Person"))
    reason = forms.CharField(label=_("What they helped with"), max_length=200)
