from django.urls import path

from candour.streetsafe import police_views, views

app_name = "streetsafe"

urlpatterns = [
    path("", views.start, name="start"),
    path("where/", views.where, name="where"),
    path("places/", views.places, name="places"),
    path("places/<slug:force>/", views.places, name="force_places"),
    path("map-places/", views.map_places, name="map_places"),
    path("details/", views.details, name="details"),
    path("send/", views.send, name="send"),
    path("sent/", views.sent, name="sent"),
    path("you-said-we-did/", views.said_did_index, name="said_did_index"),
    path("you-said-we-did/<slug:force>/", views.said_did, name="said_did"),
    path("police/", police_views.hotspots, name="police"),
    path("police/area/<slug:force>/<str:cell>/", police_views.area, name="police_area"),
    path("police/patrol-plan.<str:kind>", police_views.patrol_plan, name="patrol_plan"),
]
