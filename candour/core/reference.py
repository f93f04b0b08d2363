"""Reference data shipped with Candour, one CSV each in ``candour/reference/``: forces
(``forces.csv``), allegation categories (``categories.csv``) and the themes that cut across
categories (``flags.csv``: code, label, and the phrase sentences use, "for sexual misconduct").

The CSVs are the one home of these codes: ``FlagCode`` (cases/models.py) and the statistics'
flag phrases are built from ``flags.csv``. Loaded into the database by data migrations and
re-loadable with ``load_forces``/``load_categories`` (idempotent); codes are keys and never
change, labels may be corrected.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# The themes an allegation may be flagged with: code -> label, and code -> phrase in sentences.
FLAGS: dict[str, str] = {row["code"]: row["label"] for row in read_rows("flags.csv")}
FLAG_PHRASES: dict[str, str] = {row["code"]: row["phrase"] for row in read_rows("flags.csv")}


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
