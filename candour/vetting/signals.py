"""A plain ORM save or delete of a vetting application (the admin, a shell, a test) marks the
``vetting`` source changed (``candour.core.changes``), so the vetting figures never count from a
store older than the table. ``QuerySet.update`` sends no signal: ``decide_vetting`` marks itself
(``candour/vetting/services.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from candour.core import changes
from candour.vetting.models import VettingApplication


def vetting_changed(sender: Any, **kwargs: Any) -> None:
    changes.changed(changes.VETTING)


post_save.connect(vetting_changed, sender=VettingApplication, dispatch_uid="changes-save-vetting")
post_delete.connect(
    vetting_changed, sender=VettingApplication, dispatch_uid="changes-delete-vetting"
)
