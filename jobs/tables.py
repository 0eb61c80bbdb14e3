import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Customer, Sector, Task, TaskStatus


class CustomerTable(tables.Table):
    name = tables.LinkColumn("jobs:customer_edit", args=[tables.A("pk")], verbose_name=_("name"))

    class Meta:
        model = Customer
        fields = ("name", "sector", "organisation_number", "contact_name", "contact_phone")
        attrs = {"class": "table"}


class CustomerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)

    class Meta:
        model = Customer
        fields = ["name", "sector"]


class TaskTable(tables.Table):
    description = tables.LinkColumn("jobs:task_edit", args=[tables.A("pk")], verbose_name=_("description"))
    customer = tables.Column(verbose_name=_("customer"), accessor="customer__name")

    class Meta:
        model = Task
        fields = ("date", "description", "customer", "category", "workers_max", "status")
        attrs = {"class": "table"}


class TaskFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(label=_("date"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)

    class Meta:
        model = Task
        fields = ["date", "status"]
