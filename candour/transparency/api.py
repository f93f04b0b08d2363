"""Statistics over the API: the same JSON as ``candour stats --format json``, counted over the
caller's forces only (capability VIEW_STATISTICS)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from candour.core import scoping
from candour.core.api import requires
from candour.core.roles import Capability
from candour.transparency import services
from candour.transparency.stats import StatsQuery, StatsUsageError
from candour.transparency.stats.output import to_json

router = Router(tags=["transparency"])


class StatsParams(Schema):
    by: str
    source: str = "cases"
    count: str = ""
    force: list[str] = []
    date_from: str | None = None
    date_to: str | None = None
    date: str = ""
    flag: list[str] = []
    case_type: str = ""
    suppress: int | None = None
    show_small: bool = False
    per: int | None = None


@router.get(
    "/stats",
    summary="Counts of cases, allegations or officers (docs/cli.md, candour stats)",
    description=(
        "Query parameters as the command's options: by=year,flag, source, count, force "
        "(repeat), from, to, date, flag (repeat), case_type, suppress, per. Counted over your "
        "forces only. Small numbers are withheld at the configured threshold unless you ask "
        "show_small=true or a lower suppress, which needs the capability see_small_numbers "
        "(403 otherwise) and is audited. A query the command would refuse (exit 2) is refused "
        "here with 422 and the same sentence."
    ),
    auth=requires(Capability.VIEW_STATISTICS),
)
def stats(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    user = request.user
    try:
        query = StatsQuery.parse(
            source=params.source,
            count=params.count,
            by=params.by,
            forces=params.force,
            date_from=request.GET.get("from") or params.date_from,
            date_to=request.GET.get("to") or params.date_to,
            date=params.date,
            flags=params.flag,
            case_type=params.case_type,
        )
    except StatsUsageError as exc:
        raise HttpError(422, str(exc)) from None
    query = replace(query, forces=scoping.counting_forces(user, query.forces))
    if params.suppress is not None and params.suppress < 1:
        raise HttpError(422, "suppress needs a threshold of 1 or more, e.g. suppress=5.")
    try:
        suppress = services.publishing_threshold(
            user,  # type: ignore[arg-type]
            params.suppress,
            show_small=params.show_small,
        )
        result = services.count_for(
            user,  # type: ignore[arg-type]
            query,
            suppress=suppress,
            per=params.per,
            channel="api",
        )
    except StatsUsageError as exc:
        raise HttpError(422, str(exc)) from None
    return to_json(result)
