from django.urls import path

from candour.vetting import views

app_name = "vetting"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("counts/", views.counts, name="counts"),
    path("datawash/", views.candidate_list, name="candidates"),
    path("datawash/<int:pk>/", views.candidate_detail, name="candidate"),
]
