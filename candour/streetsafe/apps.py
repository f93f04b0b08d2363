from django.apps import AppConfig


class StreetsafeConfig(AppConfig):
    name = "candour.streetsafe"
    label = "streetsafe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core.interchange import importers
        from candour.streetsafe.interchange import import_streetsafe

        importers.register("streetsafe", import_streetsafe)
