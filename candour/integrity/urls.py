from django.urls import path

from candour.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.flag_queue, name="queue"),
    path("people/<int:pk>/flags/<str:fingerprint>/", views.flag_detail, name="flag"),
    path("line/", views.line_report, name="line"),
    path("line/follow-up/", views.line_follow_up, name="line_follow_up"),
    path("reports/", views.line_reports, name="line_reports"),
    path("reports/<int:pk>/", views.line_report_detail, name="line_report_detail"),
    path("declarations/", views.declaration_register, name="declarations"),
    path("declarations/mine/", views.my_declarations, name="my_declarations"),
]
