from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "candour.integrity"
    label = "integrity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from candour.core.roles import Capability
        from candour.core.scoping import Scope, register

        # Decisions on flags: the counter-corruption analysts of the person's force, never
        # about themselves (docs/early-warning.md).
        register(
            "integrity.flagdecision",
            Scope((Capability.VIEW_INTELLIGENCE,), force="person__force", own="person"),
        )
