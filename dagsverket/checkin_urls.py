from django.urls import path

from .views import checkin as checkin_views

urlpatterns = [
    path("", checkin_views.board, name="checkin"),
    path("day/", checkin_views.board_day, name="checkin_day"),
    path("search/", checkin_views.search, name="checkin_search"),
    path("in/", checkin_views.check_in, name="checkin_in"),
    path("new/", checkin_views.register_and_check_in, name="checkin_new"),
    path("visit/<int:pk>/readiness/", checkin_views.readiness, name="checkin_readiness"),
    path("visit/<int:pk>/undo/", checkin_views.undo, name="checkin_undo"),
    path("sync/", checkin_views.sync, name="checkin_sync"),
    path("people/", checkin_views.offline_people, name="checkin_people"),
    path("worker.js", checkin_views.service_worker, name="checkin_worker"),
    path("lock/", checkin_views.lock, name="checkin_lock"),
    path("locked/", checkin_views.locked, name="checkin_locked"),
    path("pin/", checkin_views.pin, name="checkin_pin"),
]
