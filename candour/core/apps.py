from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "candour.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core import signals  # noqa: F401
