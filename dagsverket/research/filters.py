import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Enrolment


class DueFilter(django_filters.FilterSet):
    """Whose follow-ups: a staff member sees their own by default, or anyone's."""

    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible staff"), queryset=None, empty_label=_("Everyone")
    )
    study = django_filters.ModelChoiceFilter(label=_("Study"), queryset=None, empty_label=_("All studies"))

    class Meta:
        model = Enrolment
        fields = []

    def __init__(self, *args, staff=None, studies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["responsible"].queryset = staff
        self.filters["study"].queryset = studies
