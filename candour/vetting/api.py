"""Vetting API: the published vetting figures, for outside scripts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from candour.core.api import requires
from candour.core.roles import Capability
from candour.transparency.stats.query import parse_date
from candour.vetting import services
from candour.vetting.figures import StatsUsageError

router = Router(tags=["vetting"])


@router.get("/counts", auth=requires(Capability.VIEW_VETTING))
def counts(request: HttpRequest, date_from: str, date_to: str, by: str = "year") -> dict[str, Any]:
    """Applications, decisions and refusals by reason per period for the caller's forces
    (``by``: month, year or financial_year, then one of force, level, kind), counted by the
    statistics engine with small numbers withheld (``CANDOUR_SUPPRESSION_THRESHOLD``; a row's
    ``suppressed`` lists the counts it withholds). Bad usage is a 422 with a sentence."""
    try:
        start, end = parse_date(date_from), parse_date(date_to)
        if start is None or end is None:
            raise StatsUsageError("date_from and date_to are both needed, e.g. 2023-01-01.")
        return services.vetting_counts_for(
            request.user,  # type: ignore[arg-type]
            start,
            end,
            by=by,
            suppress=settings.SUPPRESSION_THRESHOLD,
            channel="api",
        )
    except StatsUsageError as error:
        raise HttpError(422, str(error)) from None
