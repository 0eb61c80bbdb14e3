from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.today, name="today"),
    path("board/", views.board, name="board"),
    path("crews.pdf", views.crews_pdf, name="crews_pdf"),
    path("assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("assignments/<int:pk>/move/", views.assignment_move, name="assignment_move"),
    path("assignments/<int:pk>/hours/", views.assignment_hours, name="assignment_hours"),
    path("tasks/<int:pk>/hours/", views.task_hours, name="task_hours"),
    path("tasks/<int:pk>/crew-hours/", views.task_crew_hours, name="task_crew_hours"),
    path("tasks/<int:pk>/sign-off/", views.task_sign_off, name="task_sign_off"),
    path("lottery/", views.lottery, name="lottery"),
    path("lottery/draw/", views.lottery_draw, name="lottery_draw"),
    path("lottery/places/", views.day_places_set, name="day_places_set"),
    path("lottery/rules/", views.lottery_rules, name="lottery_rules"),
    path("lottery/guarantee/", views.guarantee_grant, name="guarantee_grant"),
    path("lottery/draws/", views.draw_list, name="draw_list"),
    path("lottery/<int:pk>/", views.draw_detail, name="draw_detail"),
]
urlpatterns += [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_edit, name="customer_new"),
    path("customers/<int:pk>/", views.customer_edit, name="customer_edit"),
    path("customers/import/", views.customer_import, name="customer_import"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_edit, name="task_new"),
    path("tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("invoice/", views.invoice, name="invoice"),
    path("invoice/mark/", views.invoice_mark, name="invoice_mark"),
]
