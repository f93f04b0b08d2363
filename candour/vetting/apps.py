from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "candour.vetting"
    label = "vetting"
    default_auto_field = "django.db.models.BigAutoField"
