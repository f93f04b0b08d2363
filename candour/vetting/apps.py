from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "candour.vetting"
    label = "vetting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.vetting import signals  # noqa: F401
