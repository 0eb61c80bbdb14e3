"""The jobs app's list filters (django-filter), beside its tables in `tables.py`."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dagsverket.filters import date_filter

from .models import Customer, LotteryDraw, Sector, Task, TaskStatus


class CustomerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)

    class Meta:
        model = Customer
        fields = ["name", "sector"]


class TaskFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(label=_("date"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)

    class Meta:
        model = Task
        fields = ["date", "status"]


class DrawFilter(django_filters.FilterSet):
    date_from = date_filter("date", "gte", _("From"))
    date_to = date_filter("date", "lte", _("To"))

    class Meta:
        model = LotteryDraw
        fields = []
