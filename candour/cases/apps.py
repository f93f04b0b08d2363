from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "candour.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.cases import services, signals  # noqa: F401
        from candour.core.interchange import importers

        importers.register("cases", services.import_cases)
        importers.register("workforce", services.import_workforce)
