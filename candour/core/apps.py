from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CandourAdminConfig(admin_apps.AdminConfig):
    """Django's admin with Candour's site (candour.core.adminsite)."""

    default = False
    default_site = "candour.core.adminsite.CandourAdminSite"


class CoreConfig(AppConfig):
    default = True
    name = "candour.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core import checks, signals  # noqa: F401
