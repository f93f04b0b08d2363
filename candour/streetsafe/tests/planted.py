"""Planted data for hotspot tests: reports scattered at random over a force's area, with
clusters put where the test says. A test knows where the true hotspots are."""

from __future__ import annotations

import datetime as dt
import math
import random

from candour.streetsafe.cells import finest_cell
from candour.streetsafe.models import Report

# A 20 km square around Norwich.
CENTRE = (52.6286, 1.2924)
HALF_SIDE_KM = 10.0


def offset(origin: tuple[float, float], north_km: float, east_km: float) -> tuple[float, float]:
    lat, lng = origin
    return (
        lat + north_km / 111.2,
        lng + east_km / (111.2 * math.cos(math.radians(lat))),
    )


def scatter(rng: random.Random, count: int, origin=CENTRE, half_km=HALF_SIDE_KM):  # type: ignore[no-untyped-def]
    """``count`` positions spread evenly over a square of side 2 * half_km around origin."""
    return [
        offset(origin, rng.uniform(-half_km, half_km), rng.uniform(-half_km, half_km))
        for _ in range(count)
    ]


def cluster(rng: random.Random, count: int, origin, radius_m: float = 60.0):  # type: ignore[no-untyped-def]
    return [
        offset(origin, rng.gauss(0, radius_m / 1000), rng.gauss(0, radius_m / 1000))
        for _ in range(count)
    ]


def reports(positions, force="norfolk", reasons=2, day=dt.date(2024, 3, 1), time_of_day="evening"):  # type: ignore[no-untyped-def]
    """Write one report per position in bulk."""
    rounded = [(round(lat, 6), round(lng, 6)) for lat, lng in positions]
    Report.objects.bulk_create(
        Report(
            force_id=force,
            occurred_on=day,
            time_of_day=time_of_day,
            latitude=lat,
            longitude=lng,
            cell=finest_cell(lat, lng),
            reasons=reasons,
            source="import",
        )
        for lat, lng in rounded
    )
