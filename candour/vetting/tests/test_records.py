"""A data-wash record's fields have one home, candour/vetting/records.py: the readers, the
comparisons, the generator, the review page and the interchange formats all follow it."""

import csv
import re
from pathlib import Path

import pytest

from candour.vetting import records
from candour.vetting.datawash import DataWashInputError, run_datawash
from candour.vetting.datawash.comparisons import OPTIONAL_FIELDS
from candour.vetting.datawash.generator import generate

DOCS = Path(__file__).resolve().parents[3] / "docs"


def header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_the_interchange_formats_list_the_shared_fields_in_order():
    section = (DOCS / "formats.md").read_text().split("## 3.")[1].split("## 4.")[0]
    listed = next(line for line in section.splitlines() if line.startswith("`forenames"))
    assert tuple(re.findall(r"[a-z_]+", listed)) == records.SHARED_FIELDS


def test_the_generator_writes_every_shared_field(tmp_path):
    files = generate(tmp_path, workforce_size=10, national_size=50, seed=2)
    assert set(records.SHARED_FIELDS) <= set(header(files.workforce))
    assert set(records.SHARED_FIELDS) <= set(header(files.national))


@pytest.mark.parametrize("missing", records.SHARED_FIELDS)
def test_a_file_without_a_shared_field_is_refused_naming_it(tmp_path, missing):
    columns = ["person_ref", *(f for f in records.SHARED_FIELDS if f != missing)]
    (tmp_path / "w.csv").write_text(",".join(columns) + "\n", encoding="utf-8")
    (tmp_path / "n.csv").write_text(
        ",".join(["record_id", *records.SHARED_FIELDS]) + "\n", encoding="utf-8"
    )
    with pytest.raises(DataWashInputError, match=f"has no column {missing}"):
        run_datawash(tmp_path / "w.csv", tmp_path / "n.csv", tmp_path / "out.csv")


def test_the_comparisons_treat_the_optional_fields_as_optional():
    assert OPTIONAL_FIELDS == frozenset(records.OPTIONAL_FIELDS)
    assert not set(records.OPTIONAL_FIELDS) & set(records.SHARED_FIELDS)


def test_the_review_page_names_each_field_in_words():
    assert records.label("date_of_birth") == "Date of birth"
    assert records.label("ni_number") == "NI number"
    assert records.RECORD_FIELDS[: len(records.SHARED_FIELDS)] == records.SHARED_FIELDS
