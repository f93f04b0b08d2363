"""A statistics download quotes a label a spreadsheet could run as a formula (a category label
is reference data an administrator edits) and keeps counts as numbers (docs/interchange.md,
"Formulas and control characters")."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from candour.cases.models import Category
from candour.factories import AllegationFactory

pytestmark = pytest.mark.django_db

LABEL = '=HYPERLINK("http://example.com/x","open")'


@pytest.fixture
def planted_label():  # type: ignore[no-untyped-def]
    for _ in range(6):
        AllegationFactory(category_id="sexual_assault")
    Category.objects.filter(code="sexual_assault").update(label=LABEL)


def stats(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", "--by", "category", "--count", "allegations", *args, stdout=out)
    return out.getvalue()


def test_the_csv_download_quotes_the_label_and_keeps_the_count(planted_label):  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(stats("--format", "csv"))))

    planted = next(r for r in rows if r["category"] == "sexual_assault")
    assert (planted["category_label"], planted["value"]) == ("'" + LABEL, "6")


def test_the_xlsx_download_holds_the_label_as_text_not_a_formula(planted_label, tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    stats("--format", "xlsx", "--out", str(path))

    sheet = load_workbook(path)["statistics"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "sexual_assault")
    label, value = row[header.index("category_label")], row[header.index("value")]
    assert (label.value, label.data_type) == ("'" + LABEL, "s")
    assert (value.value, value.data_type) == (6, "n")
