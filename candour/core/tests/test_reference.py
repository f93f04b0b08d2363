"""Reference data has one home each, the CSVs in candour/reference/, and everything that names
a flag, a category or a force reads them."""

import re
from pathlib import Path

import pytest

from candour.cases.models import Category, Flag, FlagCode
from candour.core import reference
from candour.core.models import Force
from candour.transparency.stats.sources.cases import FLAG_PHRASES, NO_FLAG

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_flag_has_a_lower_case_code_a_label_and_a_phrase():
    rows = reference.read_rows("flags.csv")
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) > 0
    for row in rows:
        assert re.fullmatch(r"[a-z][a-z_]*", row["code"]), row
        assert row["label"].strip() and row["phrase"].strip(), row


def test_the_flag_choices_are_the_flags_file():
    rows = reference.read_rows("flags.csv")
    assert FlagCode.choices == [(row["code"], row["label"]) for row in rows]


def test_sentences_name_each_flag_by_its_phrase_from_the_flags_file():
    for row in reference.read_rows("flags.csv"):
        assert FLAG_PHRASES[row["code"]] == row["phrase"]
    assert set(FLAG_PHRASES) == {*FlagCode.values, NO_FLAG}


def test_categories_default_only_to_flags_that_exist():
    flags = set(reference.FLAGS)
    for row in reference.read_rows("categories.csv"):
        assert set(filter(None, row["default_flags"].split(";"))) <= flags, row["code"]


@pytest.mark.django_db
def test_the_database_holds_exactly_the_reference_files():
    assert set(Flag.objects.values_list("code", "label")) == set(reference.FLAGS.items())
    categories = {row["code"] for row in reference.read_rows("categories.csv")}
    assert set(Category.objects.values_list("code", flat=True)) >= categories
    forces = {row["code"] for row in reference.read_rows("forces.csv")}
    assert set(Force.objects.values_list("code", flat=True)) >= forces


def test_the_interchange_formats_list_every_flag():
    cases_section = (DOCS / "formats.md").read_text().split("## 2.")[0]
    flags_row = next(line for line in cases_section.splitlines() if line.startswith("| `flags`"))
    assert set(re.findall(r"`([a-z_]+)`", flags_row)) - {"flags"} == set(reference.FLAGS)
