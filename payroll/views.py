from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dagsverket.access import permission_required


@require_GET
@permission_required("manage_payroll")
def today(request: HttpRequest) -> HttpResponse:
    """The payroll start page: the day's pay at the current site."""
    return render(request, "payroll/today.html", {"today": timezone.localdate()})
