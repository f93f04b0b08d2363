"""candour export cases: interchange §1 that `import cases` reads back with nothing lost."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from candour.cases.interchange.cases import COLUMNS, ENUMERATIONS
from candour.cases.models import Case
from candour.core.interchange.readers import open_table
from candour.core.interchange.writers import open_writer
from candour.core.models import AuditEntry, Person
from candour.factories import AllegationFactory, AllegationSubjectFactory


def write(path: Path, rows: list[list[str]]) -> Path:
    with open_writer(path, COLUMNS) as out:
        for item in rows:
            out(item)
    return path


def table(path: Path) -> list[list[str]]:
    return [cells for _, cells in open_table(path).rows]


def export(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("export", "cases", "--out", str(path), *args, stdout=out)
    return out.getvalue()


def empty_the_database() -> None:
    Case.objects.all().delete()
    Person.objects.all().delete()


def canonical(rows: list[list[str]]) -> list[list[str]]:
    """Rows as the exporter writes them: flags sorted, in key order."""
    flags = COLUMNS.index("flags")
    out = [
        [*r[:flags], ";".join(sorted(set(filter(None, r[flags].split(";"))))), *r[flags + 1 :]]
        for r in rows
    ]
    return sorted(out, key=lambda r: (r[0], r[1], r[4], r[7]))


SAMPLE = [
    [
        "cambridgeshire",
        "CO/1",
        "complaint",
        "2021-05-04",
        "A1",
        "sexual_assault",
        "sexual;vawg",
        "P1",
        "officer",
        "male",
        "constable",
        "mandatory",
        "local",
        "gross_misconduct",
        "gross_misconduct_hearing",
        "dismissal_without_notice",
        "2022-01-10",
        "proven",
    ],
    [
        "cambridgeshire",
        "CO/1",
        "complaint",
        "2021-05-04",
        "A1",
        "sexual_assault",
        "sexual;vawg",
        "P2",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "cambridgeshire",
        "CO/1",
        "complaint",
        "2021-05-04",
        "A2",
        "impolite_language",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "norfolk",
        "00123",
        "dsi_matter",
        "2016-02-29",
        "=1",
        "use_of_force",
        "use_of_force",
        "N/1",
        "pcso",
        "unknown",
        "unknown",
        "none",
        "independent",
        "none",
        "none",
        "no_case_to_answer",
        "2016-02-29",
        "no_finding",
    ],
]


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ods"])
def test_export_then_import_into_an_empty_database_reproduces_every_row(tmp_path, suffix):
    call_command("import", "cases", str(write(tmp_path / "in.csv", SAMPLE)), stdout=io.StringIO())
    first = tmp_path / f"first{suffix}"

    assert "4 rows written" in export(first)
    assert table(first) == canonical(SAMPLE)

    empty_the_database()
    call_command("import", "cases", str(first), stdout=io.StringIO())
    second = tmp_path / f"second{suffix}"
    export(second)
    assert table(second) == table(first)


@pytest.mark.django_db
def test_export_can_be_limited_to_a_force_and_is_audited(tmp_path):
    call_command("import", "cases", str(write(tmp_path / "in.csv", SAMPLE)), stdout=io.StringIO())

    export(tmp_path / "norfolk.csv", "--force", "norfolk")

    with (tmp_path / "norfolk.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["case_ref"] for r in rows] == ["00123"]
    entry = AuditEntry.objects.filter(action="export").get()
    assert (entry.channel, entry.force_code) == ("cli", "norfolk")


@pytest.mark.django_db
def test_an_allegation_without_a_subject_is_exported_with_the_subject_left_empty(tmp_path):
    allegation = AllegationFactory(case__ref="CO/5", ref="A9", flags=["sexual"])
    AllegationSubjectFactory(
        allegation=AllegationFactory(case=allegation.case, ref="A1"), subject__ref="PX"
    )

    export(tmp_path / "out.csv")

    rows = table(tmp_path / "out.csv")
    assert [r[4] for r in rows] == ["A1", "A9"]
    assert rows[1][6:8] == ["sexual", ""]


@pytest.mark.django_db
def test_an_unknown_force_is_bad_usage(tmp_path):
    with pytest.raises(CommandError) as failure:
        export(tmp_path / "out.csv", "--force", "narnia")
    assert failure.value.returncode == 2


# --- Property: any valid set of rows survives import -> export -> import -> export. ---------

REF = st.text(alphabet="ABCXYZ0123456789/-", min_size=1, max_size=6)
DATE = st.dates(
    min_value=__import__("datetime").date(2000, 1, 1),
    max_value=__import__("datetime").date(2030, 12, 31),
)
FLAGS = st.lists(st.sampled_from(["sexual", "domestic_abuse", "vawg", "corruption"]), max_size=3)


def optional(values: frozenset[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(["", *sorted(values)])


@st.composite
def case_files(draw: st.DrawFn) -> list[list[str]]:
    """Rows that agree per case and per allegation, with unique row keys."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    cases: dict[tuple[str, str], tuple[str, str]] = {}
    allegations: dict[tuple[str, str, str], tuple[str, str]] = {}
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        force = draw(st.sampled_from(["cambridgeshire", "norfolk", "suffolk"]))
        case_ref, allegation_ref = draw(REF), draw(REF)
        subject_ref = draw(st.one_of(st.just(""), REF))
        received = draw(DATE)
        case_type, received_text = cases.setdefault(
            (force, case_ref),
            (
                draw(st.sampled_from(["complaint", "conduct_matter", "dsi_matter"])),
                received.isoformat(),
            ),
        )
        category, flags = allegations.setdefault(
            (force, case_ref, allegation_ref),
            (
                draw(st.sampled_from(["sexual_assault", "use_of_force", "honesty_and_integrity"])),
                ";".join(draw(FLAGS)),
            ),
        )
        enums = {name: draw(optional(allowed)) for name, allowed in ENUMERATIONS}
        outcome_date = draw(
            st.one_of(
                st.just(""), DATE.filter(lambda d, r=received_text: d.isoformat() >= r).map(str)
            )
        )
        rows[(force, case_ref, allegation_ref, subject_ref)] = [
            force,
            case_ref,
            case_type,
            received_text,
            allegation_ref,
            category,
            flags,
            subject_ref,
            *(enums[name] for name, _ in ENUMERATIONS if name != "finding"),
            outcome_date,
            enums["finding"],
        ]
    return list(rows.values())


class RoundTripProperty(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=case_files())
    def test_any_valid_file_survives_the_round_trip(self, rows):
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            call_command("import", "cases", str(write(tmp / "in.csv", rows)), stdout=io.StringIO())
            export(tmp / "first.csv")
            first = table(tmp / "first.csv")
            assert first == canonical(rows)

            empty_the_database()
            call_command("import", "cases", str(tmp / "first.csv"), stdout=io.StringIO())
            export(tmp / "second.csv")
            assert table(tmp / "second.csv") == first
