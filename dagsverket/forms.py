from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .identifiers import (
    compact_bank_account,
    compact_national_id,
    validate_bank_account,
    validate_national_id,
)
from .models import Participant, ReasonCode
from .services import PARTICIPANT_FIELDS


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after the field is built, so nothing checks it; a
        # longer name would reach the lock-out table's column (255) and fail there instead.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class ParticipantForm(forms.ModelForm):
    """Registration and editing: only the name is required. Identifiers are only in the form for
    staff who may see them (payroll, manager)."""

    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Participant
        fields = PARTICIPANT_FIELDS
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "hms_card_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, show_identifiers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_identifiers:
            del self.fields["national_id"]
            del self.fields["bank_account"]
        if show_identifiers:
            for name in ("national_id", "bank_account"):
                self.fields[name].max_length = 20
                self.fields[name].validators = []
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "maxlength": 20})

    def clean_national_id(self):
        value = compact_national_id(self.cleaned_data.get("national_id", ""))
        validate_national_id(value)
        return value

    def clean_bank_account(self):
        value = compact_bank_account(self.cleaned_data.get("bank_account", ""))
        validate_bank_account(value)
        return value

    def participant_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self._meta.fields}

    def _post_clean(self):
        # Validation of the model runs in the service, which views turn into form errors.
        pass


class ExclusionForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Excluded until and including"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=ReasonCode.objects.none())

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ReasonCode.objects.filter(
            Q(site=site) | Q(site__isnull=True), kind=ReasonCode.Kind.EXCLUSION, active=True
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("New PIN (4-6 digits)"),
        min_length=4,
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
