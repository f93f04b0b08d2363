"""H3 cells: the areas StreetSafe counts in (https://h3geo.org).

A report keeps the H3 cell of its position at the finest resolution (15, about a square metre)
as a 64-bit integer. The cell at any coarser resolution is a fixed change of bits (the
resolution field, and the digits below it set to 7), so the database works out every report's
area with two bitwise operations and counts them itself; ``area_expression`` builds that SQL.
"""

from __future__ import annotations

import h3
from django.db.models import BigIntegerField, ExpressionWrapper, F

FINEST = 15
RESOLUTIONS = range(5, 11)  # from about 250 km² down to about 15,000 m²
DEFAULT_RESOLUTION = 8  # about 0.74 km², a few streets across
_RESOLUTION_BITS = 0xF << 52


def finest_cell(latitude: float, longitude: float) -> int:
    return h3.str_to_int(h3.latlng_to_cell(latitude, longitude, FINEST))


def parent_of(cell: int, resolution: int) -> int:
    """The same arithmetic ``area_expression`` asks of the database (h3's cell_to_parent)."""
    keep, add = _parent_bits(resolution)
    return (cell & keep) | add


def _parent_bits(resolution: int) -> tuple[int, int]:
    below = (1 << (3 * (FINEST - resolution))) - 1  # digits of the finer resolutions
    keep = ((1 << 63) - 1) & ~_RESOLUTION_BITS & ~below
    return keep, (resolution << 52) | below


def area_expression(resolution: int, field: str = "cell") -> ExpressionWrapper:
    keep, add = _parent_bits(resolution)
    return ExpressionWrapper(F(field).bitand(keep).bitor(add), output_field=BigIntegerField())


def cell_id(cell: int) -> str:
    """The cell as H3's usual hexadecimal text, e.g. ``88194ec9a7fffff``."""
    return h3.int_to_str(cell)


def centre(cell: int | str) -> tuple[float, float]:
    """The area's centre (latitude, longitude), rounded to 6 places (about 10 cm)."""
    text = cell if isinstance(cell, str) else h3.int_to_str(cell)
    latitude, longitude = h3.cell_to_latlng(text)
    return round(latitude, 6), round(longitude, 6)


def boundary(cell: str) -> list[tuple[float, float]]:
    return [(round(lat, 6), round(lng, 6)) for lat, lng in h3.cell_to_boundary(cell)]


def is_cell(text: str, resolution: int | None = None) -> bool:
    try:
        valid = h3.is_valid_cell(text)
    except (TypeError, ValueError):
        return False
    return bool(valid) and (resolution is None or h3.get_resolution(text) == resolution)
