"""Filters of the payroll lists; a bad value is refused with 400 (`dagsverket.lists.filtered_rows`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dagsverket.filters import date_filter

from .models import Payslip


class YearSummaryFilter(django_filters.FilterSet):
    participant = django_filters.CharFilter(
        label=_("Participant"), field_name="participant__name", lookup_expr="icontains"
    )
    gross_from = django_filters.NumberFilter(label=_("Gross at least"), field_name="gross", lookup_expr="gte")

    class Meta:
        model = Payslip
        fields = []


class PayslipFilter(django_filters.FilterSet):
    date_from = date_filter("date", "gte", _("From"))
    date_to = date_filter("date", "lte", _("To"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Payslip.Kind.choices, empty_label=_("All"))

    class Meta:
        model = Payslip
        fields = []
