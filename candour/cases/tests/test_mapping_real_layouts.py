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
    # What the board found, apart from what was done: every substantiated disposition is proven.
    dispositions = Counter(row["board_disposition"] for row in unique)
    assert Counter(AllegationSubject.objects.values_list("finding", flat=True)) == +Counter(
        {
            "proven": sum(n for d, n in dispositions.items() if d.startswith("Substantiated")),
            "not_proven": dispositions["Unsubstantiated"],
            "exonerated": dispositions["Exonerated"],
            "unfounded": dispositions["Unfounded"],
        }
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


PHILADELPHIA = ROOT / "cases" / "mappings" / "philadelphia-ppd-complaints.yaml"


def test_the_philadelphia_mapping_reads_the_real_two_file_release(tmp_path):
    # The release's own file names: the mapping joins ppd_complaints.csv from the same folder.
    for name in ("ppd_complaint_disciplines", "ppd_complaints"):
        (tmp_path / f"{name}.csv").write_bytes(
            (DATA / f"philadelphia-{name}-sample.csv").read_bytes()
        )
    with (tmp_path / "ppd_complaint_disciplines.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "ppd_complaints.csv").open(newline="", encoding="utf-8") as handle:
        received = {
            row["complaint_id"]: dt.datetime.strptime(row["date_received"], "%m/%d/%y").date()
            for row in csv.DictReader(handle)
        }
    unique = [
        dict(zip(rows[0], values, strict=True))
        for values in dict.fromkeys(tuple(r.values()) for r in rows)
    ]

    def subject(row: dict[str, str]) -> str:
        if row["officer_id"]:
            return row["officer_id"]
        return f"{row['complaint_id']}-{row['officer_initials']}" if row["officer_initials"] else ""

    officers = {subject(row) for row in unique} - {""}
    cases_by_year = Counter(received[c].year for c in {row["complaint_id"] for row in unique})
    pairs = Counter(f"{r['investigative_findings']} / {r['disciplinary_findings']}" for r in unique)
    assert (len(rows), len(unique)) == (47, 44)

    out = io.StringIO()
    call_command(
        "forces",
        "add",
        "philadelphia-pd",
        "--name",
        "Philadelphia Police Department",
        "--country",
        "US",
        stdout=out,
    )
    call_command(
        "import",
        "cases",
        str(tmp_path / "ppd_complaint_disciplines.csv"),
        "--mapping",
        str(PHILADELPHIA),
        stdout=out,
    )

    assert "47 rows read: 44 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "exact duplicate rows dropped: 3" in out.getvalue()
    assert Allegation.objects.filter(case__force_id="philadelphia-pd").count() == len(unique)
    assert Person.objects.filter(force_id="philadelphia-pd").count() == len(officers)
    assert AllegationSubject.objects.filter(subject__isnull=True).count() == sum(
        subject(row) == "" for row in unique
    )
    assert Counter(Case.objects.values_list("received_date__year", flat=True)) == cases_by_year
    outcomes = Counter(AllegationSubject.objects.values_list("outcome", flat=True))
    assert outcomes["management_advice"] == pairs["Sustained Finding / Training/Counseling"]
    assert outcomes[""] == sum(n for pair, n in pairs.items() if "Pending" in pair)
    assert outcomes["not_proven"] == (
        pairs["No Sustained Findings / Not Applicable"]
        + pairs["Sustained Finding / No Guilty Findings"]
    )
    findings = Counter(AllegationSubject.objects.values_list("finding", flat=True))
    assert findings == +Counter(
        {
            "proven": sum(
                n
                for pair, n in pairs.items()
                if pair.startswith("Sustained Finding /")
                and pair != "Sustained Finding / No Guilty Findings"
                and "Pending" not in pair
            ),
            "not_proven": outcomes["not_proven"],
            "no_finding": pairs["Not Applicable / Not Applicable"],
            "": outcomes[""],
        }
    )


CHICAGO = ROOT / "cases" / "mappings" / "chicago-cpd-complaints.yaml"


def test_the_chicago_mapping_reads_the_invisible_institute_release(tmp_path):
    # The release's own file names: the mapping joins complaints.csv from the same folder.
    for name in ("accused", "complaints"):
        (tmp_path / f"{name}.csv").write_bytes((DATA / f"chicago-{name}-sample.csv").read_bytes())
    with (tmp_path / "accused.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "complaints.csv").open(newline="", encoding="utf-8") as handle:
        addresses = list(csv.DictReader(handle))
    dates = {r["cr_id"]: (r["complaint_date"][:10], r["closed_date"][:10]) for r in addresses}
    assert len(addresses) > len(dates)  # a complaint's row per address, with the same dates

    def officer(row: dict[str, str]) -> str:
        return f"{row['full_name']}/{row['birth_year']}/{row['appointed_date']}"

    officers_by_sex = Counter({officer(row): row["gender"] for row in rows}.values())
    cases_by_year = Counter(int(dates[c][0][:4]) for c in {row["cr_id"] for row in rows})
    closed_early = sum(
        dates[row["cr_id"]][1] < dates[row["cr_id"]][0] for row in rows if dates[row["cr_id"]][1]
    )
    found = Counter(row["final_finding"] for row in rows)
    assert closed_early >= 1 and found["DIS"] >= 1

    out = io.StringIO()
    call_command(
        "forces",
        "add",
        "chicago-pd",
        "--name",
        "Chicago Police Department",
        "--country",
        "US",
        stdout=out,
    )
    call_command(
        "import", "cases", str(tmp_path / "accused.csv"), "--mapping", str(CHICAGO), stdout=out
    )
    text = out.getvalue()

    assert f"{len(rows)} rows read: {len(rows)} created, 0 updated, 0 unchanged." in text
    assert f"{closed_early} outcome_date value" in text and "not_before" in text
    assert Case.objects.filter(force_id="chicago-pd").count() == len(
        dates.keys() & {r["cr_id"] for r in rows}
    )
    assert Allegation.objects.count() == len(rows)
    assert Counter(Person.objects.values_list("sex", flat=True)) == {
        "male": officers_by_sex["M"],
        "female": officers_by_sex["F"],
    }
    assert Counter(Case.objects.values_list("received_date__year", flat=True)) == cases_by_year
    findings = Counter(AllegationSubject.objects.values_list("finding", flat=True))
    assert findings == +Counter(
        {
            "proven": found["SU"],
            "not_proven": found["NS"],
            "unfounded": found["UN"],
            "exonerated": found["EX"],
            "no_finding": found["NAF"] + found["NC"],
            "": found[""] + found["DIS"],
        }
    )
    outcomes = Counter(AllegationSubject.objects.values_list("outcome", flat=True))
    sustained = Counter(row["final_discipline"] for row in rows if row["final_finding"] == "SU")
    assert outcomes["written_warning"] == sustained["100.0"]
    assert outcomes["dismissal_without_notice"] == sustained["300.0"] + sustained["400.0"]
    assert outcomes["no_case_to_answer"] == found["UN"] + found["EX"]
    assert outcomes["withdrawn"] == found["NAF"] + found["NC"]
    # No category recorded: filed under other_complaint, as the mapping's default says.
    assert Allegation.objects.filter(category_id="other_complaint").count() >= sum(
        row["complaint_category"] == "" for row in rows
    )
    assert (
        AllegationSubject.objects.filter(outcome_date__isnull=True).exclude(outcome="").count()
        >= closed_early
    )

    again = io.StringIO()
    call_command(
        "import", "cases", str(tmp_path / "accused.csv"), "--mapping", str(CHICAGO), stdout=again
    )
    assert (
        f"{len(rows)} rows read: 0 created, 0 updated, {len(rows)} unchanged." in again.getvalue()
    )
