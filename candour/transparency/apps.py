from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "candour.transparency"
    label = "transparency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core import changes
        from candour.core.interchange import draft, importers
        from candour.transparency.interchange import import_figures
        from candour.transparency.interchange.figures import draft_layout
        from candour.transparency.stats.store import refresh_after_bulk_write

        importers.register("figures", import_figures)
        draft.register_layout(draft_layout())
        changes.on_bulk_write(changes.CASES, refresh_after_bulk_write)
