"""What every list screen shares: a filter that refuses bad input with 400, and 50 rows a page."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet
from django_tables2 import RequestConfig, Table

PER_PAGE = 50


def filtered_rows(filterset: FilterSet) -> tuple[QuerySet, int]:
    """The filter's rows and the page's status: no rows and 400 when a filter value is invalid."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none(), 400
    return filterset.qs, 200


def paginate(request: HttpRequest, table: Table) -> None:
    """Sorting and pages from the query string; a bad page number shows the first or last page."""
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
