"""Finding a place with no map and no network: postcodes and place names from a small
gazetteer shipped in ``data/`` (docs/streetsafe.md "Finding a place without the map").

- ``outcodes.csv``: the 3,002 UK postcode districts (the outward code, e.g. ``NR1``) with their
  centre and post town. A full postcode is found by its district: the place is the district's
  centre, which the person then narrows down.
- ``places.csv``: the 3,636 places in the UK of 1,000 people or more, with their county and
  police force (through ``area_forces.csv``, the force of each county or unitary authority).

Both are derived from GeoNames (CC BY 4.0) by ``scripts/streetsafe-gazetteer.py``.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
OUTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s*([0-9][A-Z]{2}))?$")
NEAREST_KM = 40.0  # beyond this, no force is guessed from the nearest place


@dataclass(frozen=True)
class Place:
    name: str
    description: str  # e.g. "Norfolk" or "postcode district, Norwich"
    latitude: float
    longitude: float
    force: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}, {self.description}" if self.description else self.name


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    with open(DATA / "places.csv", encoding="utf-8") as handle:
        return tuple(
            Place(
                row["name"],
                row["county"] or row["country"],
                float(row["latitude"]),
                float(row["longitude"]),
                row["force"],
            )
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def outcodes() -> dict[str, Place]:
    with open(DATA / "outcodes.csv", encoding="utf-8") as handle:
        return {
            row["outcode"]: Place(
                row["outcode"],
                f"postcode district, {row['place']}" if row["place"] else "postcode district",
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        }


def find(text: str, limit: int = 12) -> list[Place]:
    """Places matching a postcode, a postcode district or a place name, best first."""
    query = " ".join(text.split())
    if not query:
        return []
    postcode = OUTCODE.match(query.upper())
    if postcode:
        district = outcodes().get(postcode.group(1))
        return [_with_force(district)] if district else []
    wanted = query.casefold()
    exact, starting, containing = [], [], []
    for place in places():
        name = place.name.casefold()
        if name == wanted:
            exact.append(place)
        elif name.startswith(wanted):
            starting.append(place)
        elif len(wanted) >= 3 and wanted in name:
            containing.append(place)
    return (exact + starting + containing)[:limit]


def nearest(latitude: float, longitude: float) -> tuple[Place, float] | None:
    """The gazetteer place nearest to a position, and how far it is in km."""
    best, best_km = None, math.inf
    for place in places():
        km = distance_km(latitude, longitude, place.latitude, place.longitude)
        if km < best_km:
            best, best_km = place, km
    return (best, best_km) if best is not None else None


def force_for(latitude: float, longitude: float) -> str:
    """The force of the nearest place within ``NEAREST_KM``, or "" when none is near: a guess
    the person checks (a place near a force boundary can belong to the neighbour)."""
    found = nearest(latitude, longitude)
    if found is None or found[1] > NEAREST_KM:
        return ""
    return found[0].force


def places_of(force: str) -> list[Place]:
    return sorted((p for p in places() if p.force == force), key=lambda p: p.name)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _with_force(place: Place) -> Place:
    return Place(
        place.name,
        place.description,
        place.latitude,
        place.longitude,
        force_for(place.latitude, place.longitude),
    )
