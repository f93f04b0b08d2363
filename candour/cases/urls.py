from django.urls import path

from candour.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("work/", views.work_queue, name="work_queue"),
    path("people/", views.person_search, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
