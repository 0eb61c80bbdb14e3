"""Forms of the research area; they return Python types and hold no rules of the trial."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..evaluation.downloads import FORMATS
from ..models import Participant, Site
from ..referrals.models import ConsentMethod
from .models import (
    SEX_CHOICES as MODEL_SEX_CHOICES,
)
from .models import (
    Arm,
    Benefit,
    EmploymentStatus,
    Instrument,
    StratificationFactor,
    TrialStatus,
    ValueSet,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _deviation_reason_field():
    return forms.CharField(
        label=_("Reason for a protocol deviation"),
        max_length=300,
        required=False,
        help_text=_(
            "Needed when the date is outside the wave's window, or baseline data comes after allocation."
        ),
    )


SEX_CHOICES = [("", "—"), *MODEL_SEX_CHOICES]


def _int_list(value: str, field_label) -> list[int]:
    try:
        numbers = [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise forms.ValidationError(_("Write whole numbers separated by commas.")) from None
    if not numbers or any(number < 0 or number > 200 for number in numbers):
        raise forms.ValidationError(_("Write whole numbers separated by commas."))
    return numbers


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    ethics_reference = forms.CharField(label=_("Ethics approval reference (REK)"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = forms.DateField(label=_("Approved from"), widget=DATE)
    ends_on = forms.DateField(label=_("Approved until and including"), widget=DATE)
    sites = forms.ModelMultipleChoiceField(
        label=_("Recruiting sites"), queryset=Site.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    arm_1 = forms.CharField(label=_("Arm 1"), max_length=100, initial="Selvhjelpspakke og kurs")
    arm_1_ratio = forms.IntegerField(label=_("Ratio of arm 1"), min_value=1, max_value=5, initial=1)
    arm_1_course = forms.BooleanField(label=_("Arm 1 has course sessions"), required=False, initial=True)
    arm_2 = forms.CharField(label=_("Arm 2"), max_length=100, initial="IPS")
    arm_2_ratio = forms.IntegerField(label=_("Ratio of arm 2"), min_value=1, max_value=5, initial=1)
    arm_2_ips = forms.BooleanField(
        label=_("Arm 2 delivers IPS (receipt is read from the IPS log)"), required=False, initial=True
    )
    stratification = forms.MultipleChoiceField(
        label=_("Stratification factors"),
        choices=StratificationFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[StratificationFactor.SITE, StratificationFactor.SEX, StratificationFactor.AGE_BAND],
    )
    age_band_starts = forms.CharField(
        label=_("Age bands start at"), initial="18, 35, 50", help_text=_("Ages separated by commas.")
    )
    block_multiples = forms.CharField(
        label=_("Block sizes (multiples of the ratio sum)"),
        initial="2, 3",
        help_text=_("2, 3 with a 1:1 ratio gives blocks of 4 and 6, chosen at random."),
    )
    min_block_size = forms.IntegerField(
        label=_("Smallest block size"),
        min_value=2,
        max_value=20,
        initial=4,
        help_text=_("Smaller blocks make the next allocation easier to guess."),
    )
    criteria = forms.CharField(
        label=_("Eligibility criteria"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
        initial="I rusbehandling\nØnsker ordinært arbeid\nKan svare på spørreskjema på norsk",
    )
    instruments = forms.ModelMultipleChoiceField(
        label=_("Questionnaires at each wave"),
        queryset=Instrument.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators who may export"),
        queryset=get_user_model().objects.filter(groups__name="evaluator").order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    window_days = forms.IntegerField(
        label=_("Wave window, days either side"), min_value=0, max_value=180, initial=30
    )

    def clean_age_band_starts(self):
        return _int_list(self.cleaned_data["age_band_starts"], self.fields["age_band_starts"].label)

    def clean_block_multiples(self):
        return _int_list(self.cleaned_data["block_multiples"], self.fields["block_multiples"].label)

    def clean_criteria(self):
        return [line.strip()[:300] for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


class ScreeningForm(forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Participant"), queryset=Participant.objects.none(), required=False
    )
    new_name = forms.CharField(
        label=_("…or register a new person (name or nickname)"), max_length=100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120)
    baseline_on = forms.DateField(label=_("Baseline date"), widget=DATE)
    responsible = forms.ModelChoiceField(
        label=_("Responsible staff"), queryset=get_user_model().objects.none()
    )
    consent_given_on = forms.DateField(
        label=_("Research consent given on"),
        widget=DATE,
        required=False,
        help_text=_("Fill in to record the research consent now; leave empty if it is already recorded."),
    )
    consent_method = forms.ChoiceField(
        label=_("How the consent was given"), choices=[("", "—"), *ConsentMethod.choices], required=False
    )

    def __init__(self, *args, study, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(study.criteria.all())
        self.fields["participant"].queryset = Participant.objects.filter(site=site, merged_into__isnull=True)
        self.fields["responsible"].queryset = site.staff.filter(is_active=True).order_by(
            "first_name", "username"
        )
        self.fields["responsible"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["baseline_on"].initial = timezone.localdate()
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.BooleanField(
                label=criterion.text, required=False
            )

    def criterion_fields(self):
        return [self[f"criterion_{criterion.pk}"] for criterion in self.criteria]

    def eligibility(self) -> dict[str, bool]:
        return {str(c.pk): bool(self.cleaned_data.get(f"criterion_{c.pk}")) for c in self.criteria}

    def clean(self):
        data = super().clean()
        if not data.get("participant") and not (data.get("new_name") or "").strip():
            self.add_error("participant", _("Choose a participant or register a new person."))
        if data.get("consent_given_on") and not data.get("consent_method"):
            self.add_error("consent_method", _("Choose how the consent was given."))
        return data


class ResponseForm(forms.Form):
    """One field per item: answer options as radio buttons, or a number for a score-only instrument."""

    answered_on = forms.DateField(label=_("Answered on"), widget=DATE)
    deviation_reason = _deviation_reason_field()

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["answered_on"].initial = timezone.localdate()
        for item in instrument.items.all():
            label = f"{item.number}. {item.text}"
            if instrument.score_only:
                self.fields[item.code] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=item.min_value,
                    max_value=item.max_value,
                    max_digits=8,
                    decimal_places=3,
                )
            else:
                choices = [(str(option.value), option.label) for option in item.options.all()]
                self.fields[item.code] = forms.TypedChoiceField(
                    label=label,
                    choices=choices,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )

    def item_fields(self):
        return [self[item.code] for item in self.instrument.items.all()]

    def answers(self) -> dict:
        return {item.code: self.cleaned_data.get(item.code) for item in self.instrument.items.all()}


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    employment_status = forms.ChoiceField(label=_("Employment status"), choices=EmploymentStatus.choices)
    hours_worked = forms.DecimalField(
        label=_("Hours worked, last 30 days"), min_value=0, max_value=744, decimal_places=1, required=False
    )
    income = forms.DecimalField(
        label=_("Work income, last 30 days (NOK)"),
        min_value=0,
        max_value=10_000_000,
        decimal_places=2,
        required=False,
    )
    benefits = forms.MultipleChoiceField(
        label=_("Benefits"), choices=Benefit.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    gp_contacts = forms.IntegerField(
        label=_("GP contacts, last 6 months"), min_value=0, max_value=500, required=False
    )
    specialist_contacts = forms.IntegerField(
        label=_("Specialist health-service contacts, last 6 months"),
        min_value=0,
        max_value=500,
        required=False,
    )
    emergency_contacts = forms.IntegerField(
        label=_("Emergency or inpatient admissions, last 6 months"),
        min_value=0,
        max_value=500,
        required=False,
    )
    deviation_reason = _deviation_reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class CourseSessionForm(forms.Form):
    arm = forms.ModelChoiceField(label=_("Arm"), queryset=Arm.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1, initial=3)

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arm"].queryset = study.arms.filter(has_course=True)
        self.fields["starts_at"].initial = timezone.localtime().replace(
            hour=9, minute=0, second=0, microsecond=0
        ) + datetime.timedelta(days=1)


class ResearchExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=[("long", _("Long")), ("wide", _("Wide"))])
    format = forms.ChoiceField(label=_("Format"), choices=[(name, name) for name in FORMATS])
    codebook = forms.BooleanField(label=_("Include the codebook (zip)"), required=False)


class CorrectionReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class TrialStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trial status"), choices=TrialStatus.choices)
    on = forms.DateField(label=_("From"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    data_may_be_kept = forms.TypedChoiceField(
        label=_("For a withdrawal of consent: may the data collected so far be kept?"),
        choices=[("", "—"), ("yes", _("Yes, as the consent form says")), ("no", _("No, remove it"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class WaveCloseForm(forms.Form):
    reason = forms.CharField(label=_("Why the wave will not happen"), max_length=300)


class AllocationExtendForm(forms.Form):
    stratum = forms.ChoiceField(label=_("Stratum"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, strata: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stratum"].choices = [(stratum, stratum) for stratum in strata]


class ValueSetChoiceForm(forms.Form):
    value_set = forms.ModelChoiceField(
        label=_("EQ-5D-5L value set"),
        queryset=None,
        required=False,
        empty_label=_("None (no index)"),
        help_text=_("Loaded with manage.py load_eq5d_value_set; none is bundled (EuroQol licenses them)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_set"].queryset = ValueSet.objects.order_by("name", "version")
