"""A plain ORM save or delete of case data (the admin, a shell, a test) marks the ``cases``
source changed (``candour.core.changes``), so the statistics never count from a store older
than the tables. ``QuerySet.update``, ``bulk_create`` and raw SQL send no signals: their
writers mark themselves (see ``candour/cases/services.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core import changes

CASE_MODELS = (Case, Allegation, AllegationSubject)


def case_data_changed(sender: Any, **kwargs: Any) -> None:
    changes.changed(changes.CASES)


for model in CASE_MODELS:
    post_save.connect(
        case_data_changed, sender=model, dispatch_uid=f"changes-save-{model.__name__}"
    )
    post_delete.connect(
        case_data_changed, sender=model, dispatch_uid=f"changes-delete-{model.__name__}"
    )


@receiver(m2m_changed, sender=Allegation.flags.through, dispatch_uid="changes-allegation-flags")
def allegation_flags_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        changes.changed(changes.CASES)
