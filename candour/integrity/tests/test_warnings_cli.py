"""``candour warnings`` prints interchange §9 from the same rules as the pages (docs/cli.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from candour.cli import main
from candour.core.models import AuditEntry
from candour.integrity.tests.scenarios import case_against, officer

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(
        "warnings", "--force", "cambridgeshire", "--as-of", "2026-12-01", *args, stdout=out
    )
    return out.getvalue()


@pytest.fixture
def planted():
    person, colleague = officer("P500"), officer("P501")
    officer("P502")
    officer("P503", left_date=dt.date(2020, 1, 1))
    case_against(person, received=dt.date(2026, 1, 10), ref="CAM/2026/0012")
    case_against(person, received=dt.date(2026, 5, 2), ref="CAM/2026/0031")
    case_against(person, colleague, received=dt.date(2026, 9, 20), ref="CAM/2026/0090")


def test_json_is_interchange_section_9(planted):
    printed = json.loads(run("--format", "json"))
    assert printed == {
        "force": "cambridgeshire",
        "as_of": "2026-12-01",
        "people": 3,
        "flags": [
            {
                "person_ref": "P500",
                "rule": "case_cluster",
                "raised_on": "2026-09-20",
                "explanation": (
                    "3 cases in the 12 months from 2 Dec 2025 to 1 Dec 2026 name P500 as a "
                    "subject: CAM/2026/0012 (complaint, received 10 Jan 2026), CAM/2026/0031 "
                    "(complaint, received 2 May 2026), CAM/2026/0090 (complaint, received 20 "
                    "Sep 2026)."
                ),
                "facts": [
                    {"kind": "case", "ref": "CAM/2026/0012", "date": "2026-01-10"},
                    {"kind": "case", "ref": "CAM/2026/0031", "date": "2026-05-02"},
                    {"kind": "case", "ref": "CAM/2026/0090", "date": "2026-09-20"},
                ],
            }
        ],
    }
    entry = AuditEntry.objects.get(object_type="integrity.flag")
    assert entry.channel == "cli" and entry.force_code == "cambridgeshire"


def test_csv_and_table_carry_the_same_flags(planted):
    (row,) = csv.DictReader(io.StringIO(run("--format", "csv")))
    assert row["person_ref"] == "P500" and row["rule"] == "case_cluster"
    assert row["facts"].split(";")[0] == "case:CAM/2026/0012:2026-01-10"
    table = run("--format", "table")
    assert table.startswith("1 flag for 1 of the 3 people of cambridgeshire as of 2026-12-01.")
    assert "P500    case_cluster  2026-09-20  3 cases in the 12 months" in table


def test_a_rule_not_asked_for_is_not_run(planted):
    assert json.loads(run("--rule", "co_accused_pair"))["flags"] == []


def test_bad_usage_exits_2_with_a_sentence(capsys):
    assert main(["warnings", "--force", "cambridgeshire", "--rule", "hunch"]) == 2
    assert "hunch: no such rule; use one of case_cluster" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--force", "atlantis"], "'atlantis' is not a force"),
        (["--force", "cambridgeshire", "--as-of", "01/12/2026"], "YYYY-MM-DD"),
    ],
)
def test_an_unknown_force_or_a_bad_date_is_bad_usage(args, words):
    with pytest.raises(CommandError, match=words) as refused:
        call_command("warnings", *args)
    assert refused.value.returncode == 2
