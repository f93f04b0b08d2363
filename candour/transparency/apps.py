from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "candour.transparency"
    label = "transparency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core import changes
        from candour.core.interchange import importers
        from candour.transparency.interchange import import_figures
        from candour.transparency.stats.store import refresh_after_bulk_write

        importers.register("figures", import_figures)
        changes.on_bulk_write(changes.CASES, refresh_after_bulk_write)
