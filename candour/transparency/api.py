"""Statistics over the API: the same JSON as ``candour stats --format json``, counted over the
caller's forces only (capability VIEW_STATISTICS)."""

from __future__ import annotations

import datetime as dt
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
    count: str = "allegations"
    force: list[str] = []
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    date: str = "received_date"
    flag: list[str] = []
    case_type: str = ""
    suppress: int | None = None
    per: int | None = None


@router.get(
    "/stats",
    summary="Counts of cases, allegations or officers (spec/cli.md, candour stats)",
    description=(
        "Query parameters as the command's options: by=year,flag, count, force (repeat), "
        "from, to, date, flag (repeat), case_type, suppress, per. Counted over your forces only."
    ),
)
def stats(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    user = request.user
    if not user.can(Capability.VIEW_STATISTICS):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow statistics.")
    mine = set(user.force_codes())  # type: ignore[union-attr]
    asked = set(params.force)
    if asked - mine:
        raise HttpError(
            403, f"You may count only your own forces; not {', '.join(sorted(asked - mine))}."
        )
    forces = tuple(sorted(asked or mine))
    if not forces:
        raise HttpError(403, "Your account has no forces, so there is nothing to count.")
    date_from = _date(request, "from") or params.date_from
    date_to = _date(request, "to") or params.date_to
    try:
        query = StatsQuery(
            count=params.count,
            by=tuple(c.strip() for c in params.by.split(",") if c.strip()),
            forces=forces,
            date_from=date_from,
            date_to=date_to,
            date_field=params.date,
            flags=tuple(params.flag),
            case_type=params.case_type,
        )
        result = compute(query, suppress=params.suppress, per=params.per)
    except StatsUsageError as exc:
        raise HttpError(400, str(exc)) from None
    audit.record(
        user,  # type: ignore[arg-type]
        "view",
        object_type="transparency.statistics",
        channel="api",
        detail={**query.to_json(), "suppress": params.suppress},
    )
    return to_json(result)


def _date(request: HttpRequest, name: str) -> dt.date | None:
    """``from`` and ``to`` as in the command (``from`` is a Python keyword, so read it here)."""
    value = request.GET.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, f"'{value}' is not a date: write it as YYYY-MM-DD.") from None
