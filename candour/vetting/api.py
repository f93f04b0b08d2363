"""Vetting API: the counts the transparency engine and outside scripts read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from candour.core import audit
from candour.core.roles import Capability
from candour.vetting import services

router = Router(tags=["vetting"])


@router.get("/counts")
def counts(
    request: HttpRequest, date_from: date, date_to: date, by: str = "year"
) -> dict[str, Any]:
    """Applications, decisions and refusals by reason per period for the caller's forces
    (``by``: month, year or financial_year, then any of force, level, kind)."""
    user = request.user
    if not user.can(Capability.VIEW_VETTING):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow this.")
    try:
        result = services.vetting_counts(user.force_codes(), date_from, date_to, by=by)  # type: ignore[union-attr]
    except services.VettingError as error:
        raise HttpError(400, str(error)) from None
    audit.record(user, "list", object_type="vetting.counts", channel="api", detail={"by": by})  # type: ignore[arg-type]
    return result
