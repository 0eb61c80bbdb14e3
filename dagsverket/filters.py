import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Readiness, Visit, normalise_name


def date_filter(field_name: str, lookup_expr: str, label) -> django_filters.DateFilter:
    """One end of a period, with the browser's date picker."""
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def yes_no_filter(label) -> django_filters.BooleanFilter:
    """Yes, no, or both ("All"), instead of django-filter's "Unknown" for both."""
    return django_filters.BooleanFilter(
        label=label, widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
    )


class AttendanceFilter(django_filters.FilterSet):
    date_from = date_filter("date", "gte", _("From"))
    date_to = date_filter("date", "lte", _("To"))
    site = django_filters.ModelChoiceFilter(label=_("Site"), queryset=None, empty_label=_("All my sites"))
    participant = django_filters.CharFilter(label=_("Participant"), method="filter_participant")
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        method="filter_outcome",
        choices=[*Readiness.choices, ("undone", _("Undone"))],
        empty_label=_("All"),
    )

    class Meta:
        model = Visit
        fields = []

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = sites

    def filter_participant(self, queryset, name, value):
        for word in normalise_name(value).split():
            queryset = queryset.filter(
                Q(participant__search_name__startswith=word)
                | Q(participant__search_name__contains=" " + word)
            )
        return queryset

    def filter_outcome(self, queryset, name, value):
        if value == "undone":
            return queryset.filter(undone_at__isnull=False)
        return queryset.active().filter(readiness=value)
