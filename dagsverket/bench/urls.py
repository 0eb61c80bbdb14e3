"""The project's URLs plus a minimal view: the baseline every ratio is measured against."""

from django.http import HttpResponse
from django.urls import include, path

from dagsverket.access import permission_required


def empty_view(request):
    return HttpResponse("ok")


@permission_required("use_checkin")
def empty_staff_view(request):
    """The same empty answer behind what every front-desk page pays first: the session, the user,
    the sites and the permission check."""
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/empty/", empty_view),
    path("__bench__/empty-staff/", empty_staff_view),
    path("", include("dagsverket.urls")),
]
