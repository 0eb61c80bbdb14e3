"""The project's URLs plus a minimal view: the baseline every ratio is measured against."""

from django.http import HttpResponse
from django.urls import include, path


def empty_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/empty/", empty_view),
    path("", include("dagsverket.urls")),
]
