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
        # System-access logs (interchange §8): the counter-corruption roles alone, never the
        # analyst's own look-ups.
        register(
            "integrity.accessevent",
            Scope((Capability.VIEW_INTELLIGENCE,), force="force", own="person"),
        )
        # Integrity-line reports: the counter-corruption analysts of the force they were sent to.
        register("integrity.integrityreport", Scope((Capability.VIEW_INTELLIGENCE,), force="force"))
        register("integrity.integritymessage", Scope(via="report"))
        # Declarations: the analysts of the person's force, never their own (which they read
        # on their own page, scoping.own_records).
        register(
            "integrity.declaration",
            Scope((Capability.VIEW_INTELLIGENCE,), force="person__force", own="person"),
        )
        from candour.core.interchange import importers
        from candour.integrity.access import import_access_log

        importers.register("access-log", import_access_log)
