from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from candour.core import api
from candour.core import views as core_views

admin.site.site_header = "Candour administration"
admin.site.site_title = "Candour"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("accessibility/", core_views.static_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy/", core_views.static_page, {"page": "privacy"}, name="privacy"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", core_views.two_factor, name="two_factor"),
    path("accounts/locked/", core_views.sign_in_locks, name="sign_in_locks"),
    path("cases/", include("candour.cases.urls")),
    path("transparency/", include("candour.transparency.urls")),
    path("vetting/", include("candour.vetting.urls")),
    path("streetsafe/", include("candour.streetsafe.urls")),
    path("integrity/", include("candour.integrity.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls()),
]
