from django.apps import AppConfig


class StreetsafeConfig(AppConfig):
    name = "candour.streetsafe"
    label = "streetsafe"
    default_auto_field = "django.db.models.BigAutoField"
