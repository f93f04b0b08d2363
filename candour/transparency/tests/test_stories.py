"""The stories' figures, reproduced by `candour stats` from docs/examples/stories-cases.csv with
the commands listed in docs/examples/README.md. If a figure here changes, the README is wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

EXAMPLES = Path(settings.BASE_DIR).parent / "docs" / "examples"
SEVEN_YEARS = [
    "--force",
    "cambridgeshire",
    "--case-type",
    "conduct_matter",
    "--from",
    "2015-04-01",
    "--to",
    "2022-03-31",
]
PRESS_AGENCY = [
    "--case-type",
    "complaint",
    "--from",
    "2016-01-01",
    "--to",
    "2021-12-31",
    "--force",
    "cambridgeshire",
    "--force",
    "norfolk",
    "--force",
    "suffolk",
]


@pytest.fixture
def stories(db):
    call_command("import", "cases", str(EXAMPLES / "stories-cases.csv"), stdout=io.StringIO())


def stats(*args: str) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def cells(result: dict, *dimensions: str) -> dict:
    return {tuple(row[d] for d in dimensions): row["value"] for row in result["rows"]}


def test_the_example_file_is_what_make_stories_writes():
    import runpy

    rows = runpy.run_path(str(EXAMPLES / "make_stories.py"))["stories"]()
    lines = (EXAMPLES / "stories-cases.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(rows) + 1


def test_cambridgeshire_46_officers_20_sexual_24_domestic_abuse(stories):
    result = stats("--count", "officers", "--by", "flag", *SEVEN_YEARS)

    assert result["total"]["value"] == 46
    by_flag = cells(result, "flag")
    assert (by_flag[("sexual",)], by_flag[("domestic_abuse",)]) == (20, 24)


def test_one_allegation_of_sexual_assault_and_one_of_indecent_images(stories):
    by_category = cells(
        stats("--count", "allegations", "--by", "category", "--flag", "sexual", *SEVEN_YEARS),
        "category",
    )

    assert by_category[("sexual_assault",)] == 1
    assert by_category[("other_sexual_conduct",)] == 1


def test_9_disciplinary_proceedings_and_3_management_action(stories):
    by_proceedings = cells(
        stats("--count", "allegations", "--by", "proceedings", *SEVEN_YEARS), "proceedings"
    )

    disciplinary = sum(
        by_proceedings[(p,)]
        for p in ("misconduct_meeting", "gross_misconduct_hearing", "accelerated_hearing")
    )
    assert disciplinary == 9
    assert by_proceedings[("management_action",)] == 3


def test_28_allegations_with_no_further_action(stories):
    by_outcome = cells(stats("--count", "allegations", "--by", "outcome", *SEVEN_YEARS), "outcome")

    assert by_outcome[("no_further_action",)] == 28
    assert by_outcome[("management_action",)] == 3


def test_the_seven_year_period_and_case_type_matter(stories):
    everything = stats("--count", "officers", "--by", "flag", "--force", "cambridgeshire")

    assert everything["total"]["value"] != 46


def test_press_agency_claims_per_force(stories):
    claims = cells(
        stats("--count", "cases", "--by", "force,category", *PRESS_AGENCY), "force", "category"
    )

    assert claims == {
        ("cambridgeshire", "sexual_assault"): 10,
        ("norfolk", "sexual_assault"): 9,
        ("suffolk", "sexual_assault"): 14,
    }


def test_press_agency_officers_per_force(stories):
    officers = stats("--count", "officers", "--by", "force", *PRESS_AGENCY)

    assert cells(officers, "force") == {("cambridgeshire",): 15, ("norfolk",): 9, ("suffolk",): 18}


def test_cambridgeshire_9_men_4_women_2_unknown_and_norfolk_7_men_2_unknown(stories):
    by_sex = cells(
        stats("--count", "officers", "--by", "force,subject_sex", *PRESS_AGENCY),
        "force",
        "subject_sex",
    )

    assert (
        by_sex[("cambridgeshire", "male")],
        by_sex[("cambridgeshire", "female")],
        by_sex[("cambridgeshire", "unknown")],
    ) == (9, 4, 2)
    assert (by_sex[("norfolk", "male")], by_sex[("norfolk", "unknown")]) == (7, 2)
    assert by_sex.get(("norfolk", "female"), 0) == 0


def test_published_figures_load_beside_them(stories):
    out = io.StringIO()
    call_command("import", "figures", str(EXAMPLES / "published-figures.csv"), stdout=out)

    assert "0 updated" in out.getvalue() and "created" in out.getvalue()
