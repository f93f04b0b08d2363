"""What was done in each published area, and the status people see ("you said, we did").

An action is recorded against an H3 cell; it counts for a published area when it is that cell,
one of its ancestors (an action over a wider area) or one of its descendants (a street in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import h3
from django.db.models import Count

from candour.streetsafe.cells import area_expression
from candour.streetsafe.hotspots import Area, HotspotQuery
from candour.streetsafe.models import FIXES, ActionKind, ActionStatus, AreaAction


@dataclass
class AreaOutcome:
    area: Area
    actions: list[AreaAction]
    place: str  # the nearest gazetteer place, e.g. "Norwich"

    @property
    def status(self) -> str:
        return status_of(action.kind for action in self.actions)

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label


def status_of(kinds: Iterable[str]) -> str:
    kinds = set(kinds)
    if kinds & FIXES:
        return ActionStatus.FIXED
    if ActionKind.PATROL in kinds:
        return ActionStatus.PATROLS
    return ActionStatus.NONE_YET


def covers(action_area: str, cell: str) -> bool:
    ours, theirs = h3.get_resolution(cell), h3.get_resolution(action_area)
    if theirs <= ours:
        return bool(h3.cell_to_parent(cell, theirs) == action_area)
    return bool(h3.cell_to_parent(action_area, ours) == cell)


def outcomes(force: str, areas: list[Area]) -> list[AreaOutcome]:
    from candour.streetsafe.gazetteer import nearest

    actions = list(AreaAction.objects.filter(force_id=force).order_by("-done_on", "-id"))
    result = []
    for area in areas:
        near = nearest(area.latitude, area.longitude)
        result.append(
            AreaOutcome(
                area=area,
                actions=[a for a in actions if covers(a.area, area.cell)],
                place=near[0].name if near else "",
            )
        )
    return result


def time_profile(query: HotspotQuery, cell: str) -> dict[str, int]:
    """Reports in one area by time-of-day band."""
    rows = (
        query.reports()
        .annotate(area=area_expression(query.resolution))
        .filter(area=h3.str_to_int(cell))
        .values("time_of_day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["time_of_day"]: row["n"] for row in rows}


def time_profiles(query: HotspotQuery, cells: list[str]) -> dict[str, dict[str, int]]:
    wanted = {h3.str_to_int(cell): cell for cell in cells}
    profiles: dict[str, dict[str, int]] = {cell: {} for cell in cells}
    rows = (
        query.reports()
        .annotate(area=area_expression(query.resolution))
        .filter(area__in=list(wanted))
        .values("area", "time_of_day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        profiles[wanted[int(row["area"])]][row["time_of_day"]] = row["n"]
    return profiles
