"""What people and police do with StreetSafe: file a report, record an action in an area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from candour.core import audit
from candour.core.models import Force, User
from candour.streetsafe.cells import RESOLUTIONS, finest_cell, is_cell
from candour.streetsafe.models import ActionKind, AreaAction, Report, Source
from candour.streetsafe.reasons import reason_mask


def file_report(
    *,
    force: Force | str,
    occurred_on: dt.date,
    time_of_day: str,
    latitude: float,
    longitude: float,
    reasons: Iterable[str],
    age_band: str = "",
    sex: str = "",
    targeted: str = "",
) -> Report:
    """Store one report from the public page: only what the person chose to tell. Nothing is
    audited or logged about who sent it (docs/streetsafe.md "What is stored")."""
    latitude, longitude = round(latitude, 6), round(longitude, 6)
    return Report.objects.create(
        force_id=force.code if isinstance(force, Force) else force,
        occurred_on=occurred_on,
        time_of_day=time_of_day,
        latitude=latitude,
        longitude=longitude,
        cell=finest_cell(latitude, longitude),
        reasons=reason_mask(reasons),
        age_band=age_band,
        sex=sex,
        targeted=targeted,
        source=Source.WEB,
    )


class ActionRefused(ValueError):
    """The action cannot be recorded; the message is the sentence for the user."""


def record_action(
    *,
    force: Force | str,
    area: str,
    kind: str,
    done_on: dt.date,
    by: User | None,
    channel: str = "web",
) -> AreaAction:
    if not is_cell(area) or not any(is_cell(area, r) for r in RESOLUTIONS):
        raise ActionRefused(f"'{area}' is not an area Candour shows.")
    if kind not in ActionKind.values:
        raise ActionRefused(f"'{kind}' is not a kind of action.")
    if done_on > dt.date.today():
        raise ActionRefused("The day the action was done must be today or in the past.")
    import h3

    with transaction.atomic():
        action = AreaAction.objects.create(
            force_id=force.code if isinstance(force, Force) else force,
            area=area,
            resolution=h3.get_resolution(area),
            kind=kind,
            done_on=done_on,
            recorded_by=by,
        )
        audit.record(by, "create", action, force_code=action.force_id, channel=channel)
    return action
