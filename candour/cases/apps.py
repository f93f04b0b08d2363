from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "candour.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.cases import services, signals  # noqa: F401
        from candour.cases.interchange import layout, workforce
        from candour.core.interchange import draft, importers

        importers.register("cases", services.import_cases)
        importers.register("workforce", services.import_workforce)
        draft.register_layout(layout.draft_layout())
        draft.register_layout(workforce.draft_layout())
