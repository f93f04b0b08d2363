"""Statistics over the API: the same JSON as ``candour stats --format json``, counted over the
caller's forces only (capability VIEW_STATISTICS)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from candour.core import audit
from candour.core.roles import Capability
from candour.transparency.stats import StatsQuery, StatsUsageError, compute
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
    per: int | None = None


@router.get(
    "/stats",
    summary="Counts of cases, allegations or officers (docs/cli.md, candour stats)",
    description=(
        "Query parameters as the command's options: by=year,flag, source, count, force "
        "(repeat), from, to, date, flag (repeat), case_type, suppress, per. Counted over your "
        "forces only. A query the command would refuse (exit 2) is refused here with 422 and "
        "the same sentence."
    ),
)
def stats(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    user = request.user
    if not user.can(Capability.VIEW_STATISTICS):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow statistics.")
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
    mine = set(user.force_codes())  # type: ignore[union-attr]
    asked = set(query.forces)
    if asked - mine:
        raise HttpError(
            403, f"You may count only your own forces; not {', '.join(sorted(asked - mine))}."
        )
    forces = tuple(sorted(asked or mine))
    if not forces:
        raise HttpError(403, "Your account has no forces, so there is nothing to count.")
    query = replace(query, forces=forces)
    if params.suppress is not None and params.suppress < 1:
        raise HttpError(422, "suppress needs a threshold of 1 or more, e.g. suppress=5.")
    try:
        result = compute(query, suppress=params.suppress, per=params.per)
    except StatsUsageError as exc:
        raise HttpError(422, str(exc)) from None
    audit.record(
        user,  # type: ignore[arg-type]
        "view",
        object_type="transparency.statistics",
        channel="api",
        detail={**query.to_json(), "suppress": params.suppress},
    )
    return to_json(result)
