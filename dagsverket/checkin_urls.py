from django.urls import path

from . import checkin_views

urlpatterns = [
    path("", checkin_views.board, name="checkin"),
]
