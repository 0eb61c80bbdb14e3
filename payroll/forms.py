from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dagsverket.identifiers import (
    compact_bank_account,
    compact_national_id,
    validate_bank_account,
    validate_national_id,
)

from .models import PayoutMethod, Repayment, Rounding, TaxCard, WageRate

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}


class ConfirmPayoutForm(forms.Form):
    method = forms.ChoiceField(label=_("Payout method"), choices=PayoutMethod.choices)
    nonce = forms.CharField(max_length=64, widget=forms.HiddenInput)
    # What the page showed and staff hand over; the payout is refused if the amount worked out
    # again under the lock differs.
    shown_amount = forms.DecimalField(widget=forms.HiddenInput, **MONEY_FIELD)


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid back"), min_value=Decimal("0.01"), **MONEY_FIELD)
    method = forms.ChoiceField(label=_("How it was paid back"), choices=Repayment.Method.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    nonce = forms.CharField(max_length=64, widget=forms.HiddenInput)


class IdentifiersForm(forms.Form):
    """The two identifiers payroll keeps: the national ID (for the a-melding) and the bank account."""

    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account = forms.CharField(
        label=_("Bank account"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_national_id(self):
        value = compact_national_id(self.cleaned_data.get("national_id", ""))
        validate_national_id(value)
        return value

    def clean_bank_account(self):
        value = compact_bank_account(self.cleaned_data.get("bank_account", ""))
        validate_bank_account(value)
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for correction"), max_length=300)


class TaxCardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaxCard.Kind.choices)
    frikort_amount = forms.DecimalField(
        label=_("Frikort amount allotted to this employer"), required=False, min_value=0, **MONEY_FIELD
    )
    percentage = forms.DecimalField(
        label=_("Percentage"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    main_employer = forms.BooleanField(
        label=_("The program is the main employer (withholding by table)"), required=False
    )
    source = forms.CharField(label=_("Source"), max_length=100)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))


class OpeningFloatForm(forms.Form):
    opening_float = forms.DecimalField(label=_("Opening float"), min_value=0, **MONEY_FIELD)


class CashMovementForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), help_text=_("Positive: cash put in. Negative: cash taken out."), **MONEY_FIELD
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CashCloseForm(forms.Form):
    counted = forms.DecimalField(label=_("Counted at closing"), min_value=0, **MONEY_FIELD)
    explanation = forms.CharField(label=_("Explanation of the difference"), max_length=300, required=False)
    witness_username = forms.CharField(label=_("Second staff member (user name)"), max_length=150)
    witness_password = forms.CharField(label=_("Second staff member's password"), widget=forms.PasswordInput)


class YearSettingsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    frikort_limit = forms.DecimalField(label=_("Frikort limit"), min_value=0, **MONEY_FIELD)
    employer_contribution_rate = forms.DecimalField(
        label=_("Employer's contribution rate"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    charity_exemption_per_employee = forms.DecimalField(
        label=_("Charity exemption per employee"), min_value=0, **MONEY_FIELD
    )
    charity_exemption_total = forms.DecimalField(
        label=_("Charity exemption per year in total"), min_value=0, **MONEY_FIELD
    )
    reporting_threshold = forms.DecimalField(
        label=_("Reporting threshold per person and year"), min_value=0, **MONEY_FIELD
    )
    withholding_rounding = forms.ChoiceField(
        label=_("Rounding of percentage withholding"),
        choices=[("", "—"), *Rounding.choices],
        required=False,
        help_text=_("verify: whole kroner rounded down is common practice; no source confirmed it."),
    )
    holiday_pay_rate = forms.DecimalField(
        label=_("Holiday pay rate (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    holiday_pay_extra_rate = forms.DecimalField(
        label=_("Extra holiday pay for older workers (percentage points)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    holiday_pay_extra_from_age = forms.IntegerField(
        label=_("Extra holiday pay on pay earned in the year the worker turns"),
        required=False,
        min_value=0,
        max_value=100,
    )
    basic_amount = forms.DecimalField(
        label=_("Basic amount (G) on 31 December"), required=False, min_value=0, **MONEY_FIELD
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WageRateForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=WageRate.Kind.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), **MONEY_FIELD)
    holiday_pay_with_wage = forms.BooleanField(
        label=_("Pay holiday pay out with the day's wage"), required=False
    )
    charity_exempt = forms.BooleanField(
        label=_("Exempt from the employer's contribution as a charity"), required=False
    )
