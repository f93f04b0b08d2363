"""The ``reasons`` column: how each field of a candidate pair agreed, in plain words.

Built from the comparison level Splink chose for each field (its ``gamma_`` value) and the words that
level carries in ``comparisons.py``, filled in with the two records' values where that helps a
reviewer, e.g. ``forenames: nickname (Bill/William); surname: previous surname (Jones)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .comparisons import FIELDS, OPTIONAL_FIELDS, Field


def _display(value: Any) -> str:
    if value is None:
        return "?"
    text = str(value)
    return text.title() if text.replace(" ", "").isalpha() else text


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [str(v) for v in value if v is not None]


def _surname_link(pair: Mapping[str, Any]) -> str:
    """Say whether a surname agreement came from a previous surname or a double-barrelled part."""
    shared = set(_as_list(pair.get("surnames_all_l"))) & set(_as_list(pair.get("surnames_all_r")))
    previous = set(_as_list(pair.get("previous_surnames_l"))) | set(
        _as_list(pair.get("previous_surnames_r"))
    )
    via_previous = sorted(shared & previous)
    if via_previous:
        return f"previous surname ({', '.join(_display(s) for s in via_previous)})"
    return (
        f"part of a double-barrelled surname "
        f"({_display(pair.get('surname_l'))}/{_display(pair.get('surname_r'))})"
    )


def _shared_places(pair: Mapping[str, Any]) -> str:
    shared = set(_as_list(pair.get("address_places_l"))) & set(
        _as_list(pair.get("address_places_r"))
    )
    return ", ".join(_display(p) for p in sorted(shared))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def shown(field: Field, pair: Mapping[str, Any]) -> bool:
    """Whether ``field`` belongs in this pair's reasons: always, except an optional field (the NI
    number) that neither record has, so files without that column read as they always have."""
    if field.name not in OPTIONAL_FIELDS:
        return True
    left_col, right_col = field.display_columns
    return not (_missing(pair.get(f"{left_col}_l")) and _missing(pair.get(f"{right_col}_r")))


def field_reason(field: Field, pair: Mapping[str, Any]) -> str:
    gamma = pair.get(f"gamma_{field.name}")
    level = field.reason_for(int(gamma)) if gamma is not None else None
    if level is None:
        return f"{field.name}: missing"
    left_col, right_col = field.display_columns
    words = level.reason.format(
        l=_display(pair.get(f"{left_col}_l")),
        r=_display(pair.get(f"{right_col}_r")),
        surname_link=_surname_link(pair) if "{surname_link}" in level.reason else "",
        street_l=_display(pair.get("address_street_l")),
        street_r=_display(pair.get("address_street_r")),
        places=_shared_places(pair) if "{places}" in level.reason else "",
    )
    return f"{field.name}: {words}"


def reasons(pair: Mapping[str, Any], fields: Sequence[Field] = FIELDS) -> str:
    """All fields' reasons for one scored pair, in the model's field order."""
    return "; ".join(field_reason(f, pair) for f in fields if shown(f, pair))
