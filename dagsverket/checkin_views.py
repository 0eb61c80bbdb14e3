"""The front desk's tablet screens."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .access import permission_required
from .models import Visit


@require_GET
@permission_required("use_checkin")
def board(request: HttpRequest) -> HttpResponse:
    """Today's board for the current site: who has arrived, in arrival order."""
    today = timezone.localdate()
    visits = (
        Visit.objects.filter(site=request.site, date=today, undone_at__isnull=True)
        .select_related("participant")
        .order_by("arrived_at")
    )
    return render(request, "dagsverket/checkin_board.html", {"today": today, "visits": visits})
