from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "candour.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.cases import signals  # noqa: F401
