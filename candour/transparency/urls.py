from django.urls import path

from candour.transparency import views

app_name = "transparency"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/compare/", views.compare_forces, name="compare"),
    path("statistics/iopc-return/", views.iopc_return, name="iopc_return"),
    path("foi/", views.foi, name="foi"),
    path("foi/answers/", views.foi_answers, name="foi_answers"),
    path("foi/answers/<int:pk>/", views.foi_answer, name="foi_answer"),
    path("foi/answers/<int:pk>/download.<str:fmt>", views.foi_download, name="foi_download"),
    path("public/", views.public, name="public"),
    path("public/compare/", views.public_compare_forces, name="public_compare"),
    path("public/data/<slug:slug>.csv", views.public_data, name="public_data"),
    path("public/<slug:force>/", views.public, name="public_force"),
    path("public/<slug:force>/data/<slug:slug>.csv", views.public_data, name="public_force_data"),
]
