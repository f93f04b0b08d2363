"""Reference data shipped with Candour: forces and allegation categories (from spec/).

Loaded by data migrations and re-loadable with ``load_reference_data`` (idempotent); codes are
keys and never change, labels may be corrected.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

FLAGS = {
    "sexual": "Sexual",
    "domestic_abuse": "Domestic abuse",
    "vawg": "Violence against women and girls",
    "discrimination": "Discrimination",
    "corruption": "Corruption",
    "use_of_force": "Use of force",
    "dishonesty": "Dishonesty",
}


def read_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_forces(Force: Any) -> None:
    for row in read_rows("forces.csv"):
        Force.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "country": row["country"],
                "region": row["region"],
                "territorial": row["territorial"] == "yes",
            },
        )


def load_categories(Category: Any, Flag: Any) -> None:
    for code, label in FLAGS.items():
        Flag.objects.update_or_create(code=code, defaults={"label": label})
    for row in read_rows("categories.csv"):
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={"scheme": row["scheme"], "group": row["group"], "label": row["label"]},
        )
        flags = [f for f in row["default_flags"].split(";") if f]
        category.default_flags.set(Flag.objects.filter(code__in=flags))
