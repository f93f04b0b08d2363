"""docs/categories.md, where an import's "not a category code" error sends the user, lists
every category code Candour knows (candour/reference/categories.csv), and no other."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_categories_page_lists_exactly_the_shipped_codes():
    with (ROOT / "reference" / "categories.csv").open(newline="", encoding="utf-8") as handle:
        shipped = {row["code"]: row["label"] for row in csv.DictReader(handle)}
    page = (ROOT.parent / "docs" / "categories.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z0-9_]+)` \| [^|]* \| ([^|]*?) \|", page, re.MULTILINE))
    assert listed == shipped
