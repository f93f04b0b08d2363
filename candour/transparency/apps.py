from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "candour.transparency"
    label = "transparency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core.interchange import importers
        from candour.transparency.interchange import import_figures

        importers.register("figures", import_figures)
