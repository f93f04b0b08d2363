"""``candour stats`` as docs/cli.md says: options, JSON shape, formats, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def stats(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cases():  # type: ignore[no-untyped-def]
    for n in range(7):
        officer = PersonFactory(ref=f"OFF{n}")
        case = CaseFactory(ref=f"C{n}", received_date=dt.date(2017 + n % 3, 5, 1))
        flags = ["sexual"] if n < 3 else ["domestic_abuse"]
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=case, flags=flags), subject=officer
        )
        if n == 0:  # OFF0 is in a domestic-abuse allegation too
            AllegationSubjectFactory(
                allegation=AllegationFactory(case=case, flags=["domestic_abuse"]), subject=officer
            )


def test_json_has_the_shape_of_the_contract(cases):  # type: ignore[no-untyped-def]
    data = json.loads(
        stats(
            "--by",
            "flag",
            "--count",
            "officers",
            "--force",
            "cambridgeshire",
            "--from",
            "2016-01-01",
            "--to",
            "2022-12-31",
            "--format",
            "json",
        )
    )
    assert data == {
        "count": "officers",
        "by": ["flag"],
        "filters": {"force": ["cambridgeshire"], "from": "2016-01-01", "to": "2022-12-31"},
        "rows": [
            {"flag": "sexual", "value": 3, "suppressed": False},
            {"flag": "domestic_abuse", "value": 5, "suppressed": False},
        ],
        "total": {"value": 7, "suppressed": False},
    }


def test_nothing_is_withheld_by_default(cases):  # type: ignore[no-untyped-def]
    data = json.loads(stats("--by", "year", "--count", "cases", "--format", "json"))
    assert [row["value"] for row in data["rows"]] == [3, 2, 2]
    assert not any(row["suppressed"] for row in data["rows"])


def test_suppress_withholds_small_cells_and_enough_others(cases):  # type: ignore[no-untyped-def]
    data = json.loads(
        stats("--by", "year", "--count", "cases", "--suppress", "3", "--format", "json")
    )
    by_year = {row["year"]: row for row in data["rows"]}
    assert by_year[2018] == {"year": 2018, "value": None, "suppressed": True}
    assert by_year[2019]["suppressed"] and by_year[2019]["value"] is None
    assert by_year[2017]["value"] == 3
    assert data["total"] == {"value": 7, "suppressed": False}
    assert data["suppress"] == 3


def test_financial_years_are_written_2022_23(cases):  # type: ignore[no-untyped-def]
    data = json.loads(stats("--by", "financial_year", "--count", "cases", "--format", "json"))
    assert [row["financial_year"] for row in data["rows"]] == ["2017/18", "2018/19", "2019/20"]


def test_csv_has_codes_labels_and_a_total_row(cases):  # type: ignore[no-untyped-def]
    lines = stats("--by", "flag", "--count", "allegations", "--format", "csv").splitlines()
    assert lines[0] == "flag,flag_label,value,suppressed"
    assert "sexual,Sexual,3,false" in lines
    assert lines[-1] == "total,,8,false"


def test_per_1000_adds_rate_and_workforce(cases):  # type: ignore[no-untyped-def]
    for n in range(100):
        PersonFactory(ref=f"W{n}", in_workforce_file=True)
    data = json.loads(
        stats("--by", "year", "--count", "officers", "--per", "1000", "--format", "json")
    )
    assert data["per"] == 1000
    assert data["rows"][0] == {
        "year": 2017,
        "value": 3,
        "suppressed": False,
        "rate": 30.0,
        "workforce": 100,
    }


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheets_hold_the_same_rows(cases, tmp_path, fmt):  # type: ignore[no-untyped-def]
    path = tmp_path / f"out.{fmt}"
    stats("--by", "year", "--count", "cases", "--format", fmt, "--out", str(path))
    import pandas

    sheet = pandas.read_excel(
        path, sheet_name="statistics", engine="openpyxl" if fmt == "xlsx" else "odf"
    )
    assert list(sheet.columns) == ["year", "value", "suppressed"]
    assert sheet["value"].tolist() == [3, 2, 2, 7]


def test_table_is_plain_text_when_not_a_terminal(cases):  # type: ignore[no-untyped-def]
    text = stats("--by", "year", "--count", "cases")
    assert text.splitlines()[0].split() == ["Year", "Cases"]
    assert text.splitlines()[-1].split() == ["Total", "7"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", "colour"], "'colour' is not a dimension"),
        (["--by", "year", "--count", "people"], "not something Candour counts"),
        (
            ["--by", "year", "--force", "atlantis"],
            "'atlantis' is not a force Candour knows; add it with",
        ),
        (["--by", "year", "--from", "last year"], "is not a date"),
        (["--by", "year", "--flag", "rude"], "'rude' is not a flag"),
        (["--by", "year", "--format", "pdf"], "not an output format"),
        (["--by", "year,force,flag", "--suppress", "5"], "one or two dimensions"),
    ],
)
def test_bad_usage_exits_2_with_a_sentence(args, message):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=message) as raised:
        stats(*args)
    assert raised.value.returncode == 2


def test_the_installed_command_exits_2_on_an_unknown_dimension() -> None:
    from candour.cli import main

    assert main(["stats", "--by", "colour"]) == 2
