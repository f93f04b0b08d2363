"""The table of known-as names (Bill for William, Peggy for Margaret) used by the data wash.

The table itself is data: ``data/nicknames.csv``, one row per (formal name, known-as name), with its
source noted at the top of the file. This module turns it into two look-ups:

* the *formal names* a name can stand for (``bill`` -> ``{bill, william}``), used to decide that two
  forenames are the same name ("nickname" comparison level);
* a *name family* key per name (connected names share one key), used only to block candidate pairs,
  where casting the net a little wide costs nothing but a few more comparisons.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

NICKNAMES_CSV = Path(__file__).parent / "data" / "nicknames.csv"


@cache
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """Every (formal name, known-as name) pair in the table, lower case."""
    with NICKNAMES_CSV.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return tuple(
            (row["name"].strip().lower(), row["nickname"].strip().lower())
            for row in csv.DictReader(lines)
            if row["name"].strip() and row["nickname"].strip()
        )


@cache
def formal_names() -> dict[str, tuple[str, ...]]:
    """For each name in the table, the sorted formal names it can stand for (itself included)."""
    meanings: dict[str, set[str]] = {}
    for formal, known_as in nickname_pairs():
        meanings.setdefault(formal, {formal})
        meanings.setdefault(known_as, {known_as}).add(formal)
    return {name: tuple(sorted(forms)) for name, forms in meanings.items()}


@cache
def name_families() -> dict[str, str]:
    """For each name in the table, a key shared by every name connected to it through the table."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for formal, known_as in nickname_pairs():
        a, b = root(formal), root(known_as)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {name: root(name) for name in list(parent)}


def nickname_rows() -> list[tuple[str, list[str], str]]:
    """Rows ``(name, formal names, family key)`` to load into the database as a look-up table."""
    families = name_families()
    return [(name, list(forms), families[name]) for name, forms in formal_names().items()]
