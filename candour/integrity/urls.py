from django.urls import path

from candour.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.flag_queue, name="queue"),
    path("people/<int:pk>/flags/<str:fingerprint>/", views.flag_detail, name="flag"),
]
