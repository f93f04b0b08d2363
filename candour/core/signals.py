"""Sign-ins and failed sign-ins go into the audit log; a plain ORM save or delete of a person
marks the ``workforce`` source changed (``candour.core.changes``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from candour.core import audit, changes
from candour.core.models import Person


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(user, "login", object_type="core.user", object_id=str(user.pk))


@receiver(user_login_failed)
def audit_failed_login(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    audit.record(
        None,
        "login_failed",
        object_type="core.user",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(post_save, sender=Person, dispatch_uid="changes-save-person")
@receiver(post_delete, sender=Person, dispatch_uid="changes-delete-person")
def workforce_changed(sender: Any, **kwargs: Any) -> None:
    changes.changed(changes.WORKFORCE)
