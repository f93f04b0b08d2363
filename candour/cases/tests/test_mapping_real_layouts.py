"""The shipped mappings on samples of the real published files (candour/cases/tests/data/,
README.md there names each source): Candour's figures equal a count made here, independently,
with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.models import Person

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
DATA = ROOT / "cases" / "tests" / "data"
NYC = ROOT / "cases" / "mappings" / "nyc-ccrb-allegations.yaml"
NYC_SAMPLE = DATA / "nyc-ccrb-allegations-202007271729-sample.csv"


def test_the_nyc_ccrb_mapping_reads_the_real_propublica_layout():
    with NYC_SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    distinct = list(dict.fromkeys(tuple(row.values()) for row in rows))
    unique = [dict(zip(rows[0], values, strict=True)) for values in distinct]
    officers_by_sex = Counter({row["unique_mos_id"]: row["mos_gender"] for row in unique}.values())
    cases_by_year = Counter({row["complaint_id"]: row["year_received"] for row in unique}.values())
    command_discipline = sum(
        row["board_disposition"].startswith("Substantiated (Command Discipline") for row in unique
    )
    assert (len(rows), len(unique)) == (77, 72)  # the sample holds 5 exact copies

    out = io.StringIO()
    call_command(
        "forces",
        "add",
        "nypd",
        "--name",
        "New York City Police Department",
        "--country",
        "US",
        stdout=out,
    )
    call_command("import", "cases", str(NYC_SAMPLE), "--mapping", str(NYC), stdout=out)

    text = out.getvalue()
    assert "77 rows read: 72 created, 0 updated, 0 unchanged." in text
    assert "exact duplicate rows dropped: 5" in text
    assert Case.objects.filter(force_id="nypd").count() == len({r["complaint_id"] for r in rows})
    assert Allegation.objects.filter(case__force_id="nypd").count() == len(unique)
    assert Person.objects.filter(force_id="nypd").count() == officers_by_sex.total()
    assert Counter(Person.objects.filter(force_id="nypd").values_list("sex", flat=True)) == {
        "male": officers_by_sex["M"],
        "female": officers_by_sex["F"],
    }
    assert (
        Counter(str(year) for year in Case.objects.values_list("received_date__year", flat=True))
        == cases_by_year
    )
    assert (
        AllegationSubject.objects.filter(outcome="management_action").count() == command_discipline
    )
    # The row with no allegation text: keyed by its FADO type instead.
    empty = next(row for row in rows if row["allegation"] == "")
    allegation = Allegation.objects.get(
        case__ref=empty["complaint_id"], ref=f"{empty['unique_mos_id']}/{empty['fado_type']}/1"
    )
    assert allegation.case.received_date == dt.date(
        int(empty["year_received"]), int(empty["month_received"]), 1
    )

    again = io.StringIO()
    call_command("import", "cases", str(NYC_SAMPLE), "--mapping", str(NYC), stdout=again)
    assert "77 rows read: 0 created, 0 updated, 72 unchanged." in again.getvalue()
