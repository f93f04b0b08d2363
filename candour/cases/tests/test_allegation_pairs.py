"""Case.allegation_pairs: each case's category and flag pairs, kept on its row by every path that
writes allegations (the services, the bulk add, the import), so the case list's category + flag
filter reads it (candour/cases/search.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from candour.cases import search, services
from candour.cases.models import Allegation, Case, allegation_pairs_of, pair_key
from candour.cases.tests.test_import_cases import row, run_import, write
from candour.core.roles import Role
from candour.factories import (
    AllegationFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    force,
)

pytestmark = pytest.mark.django_db


def stored_pairs_are_right() -> None:
    """Every case's stored pairs are what its allegations say."""
    stored = dict(Case.objects.values_list("pk", "allegation_pairs"))
    assert stored, "no cases to check"
    assert stored == allegation_pairs_of(stored)


def test_the_import_writes_each_new_cases_pairs(tmp_path: Path) -> None:
    rows = [
        row(case_ref="CO/1", allegation_ref="A1", category="sexual_assault", flags="sexual;vawg"),
        row(case_ref="CO/1", allegation_ref="A2", category="use_of_force", flags="vawg"),
        row(case_ref="CO/2", allegation_ref="A1", category="use_of_force", flags=""),
    ]
    run_import("cases", str(write(tmp_path / "cases.csv", rows)))
    stored_pairs_are_right()
    assert Case.objects.get(ref="CO/1").allegation_pairs == [
        "sexual_assault sexual",
        "sexual_assault vawg",
        "use_of_force vawg",
    ]
    assert Case.objects.get(ref="CO/2").allegation_pairs == []


def test_a_reimport_updates_the_pairs_of_the_cases_it_changes_only(tmp_path: Path) -> None:
    first = [
        row(case_ref="CO/1", allegation_ref="A1", category="sexual_assault", flags="sexual"),
        row(case_ref="CO/1", allegation_ref="A2", category="use_of_force", flags="vawg"),
        row(case_ref="CO/2", allegation_ref="A1", category="use_of_force", flags="vawg"),
    ]
    run_import("cases", str(write(tmp_path / "first.csv", first)))
    # CO/1: A1 is not in the file (kept as it is), A2 changes category and flags, A3 is new;
    # CO/3 is a new case; CO/2 is not in the file at all.
    second = [
        row(
            case_ref="CO/1",
            allegation_ref="A2",
            category="discrimination_race",
            flags="discrimination",
        ),
        row(case_ref="CO/1", allegation_ref="A3", category="use_of_force", flags="sexual;vawg"),
        row(case_ref="CO/3", allegation_ref="A1", category="sexual_assault", flags="vawg"),
    ]
    run_import("cases", str(write(tmp_path / "second.csv", second)))
    stored_pairs_are_right()
    assert Case.objects.get(ref="CO/1").allegation_pairs == [
        "discrimination_race discrimination",
        "sexual_assault sexual",
        "use_of_force sexual",
        "use_of_force vawg",
    ]
    assert Case.objects.get(ref="CO/2").allegation_pairs == ["use_of_force vawg"]
    # Flags taken off an allegation take its pairs off the case.
    third = [row(case_ref="CO/3", allegation_ref="A1", category="sexual_assault", flags="")]
    run_import("cases", str(write(tmp_path / "third.csv", third)))
    assert Case.objects.get(ref="CO/3").allegation_pairs == []
    stored_pairs_are_right()


def test_a_dry_run_writes_no_pairs(tmp_path: Path) -> None:
    first = [row(case_ref="CO/1", allegation_ref="A1", category="sexual_assault", flags="sexual")]
    run_import("cases", str(write(tmp_path / "first.csv", first)))
    changed = [row(case_ref="CO/1", allegation_ref="A1", category="sexual_assault", flags="vawg")]
    run_import("cases", str(write(tmp_path / "changed.csv", changed)), "--dry-run")
    assert Case.objects.get(ref="CO/1").allegation_pairs == ["sexual_assault sexual"]


def test_the_services_keep_the_pairs() -> None:
    case = CaseFactory(ref="CAM/S1")
    allegation = services.add_allegation(
        case, ref="A1", category="sexual_assault", flags=["sexual", "vawg"], by=None
    )
    case.refresh_from_db()
    assert case.allegation_pairs == ["sexual_assault sexual", "sexual_assault vawg"]
    services.set_flags(allegation, ["domestic_abuse"], by=None)
    case.refresh_from_db()
    assert case.allegation_pairs == ["sexual_assault domestic_abuse"]
    stored_pairs_are_right()


@dataclass
class Part:
    person: None = None
    role: str = "officer"
    sex: str = "male"
    rank: str = "constable"
    iopc_referral: str = ""
    investigation: str = ""
    severity: str = ""
    proceedings: str = ""
    outcome: str = ""
    outcome_date: dt.date | None = None
    finding: str = ""


@dataclass
class Said:
    ref: str
    category: str
    flags: list[str]
    subjects: list[Part] = field(default_factory=lambda: [Part()])


@dataclass
class Matter:
    ref: str
    allegations: list[Said]
    force: str = "cambridgeshire"
    case_type: str = "complaint"
    received_date: dt.date = dt.date(2022, 3, 1)


def test_the_bulk_add_writes_the_pairs_with_the_cases() -> None:
    services.add_cases_in_bulk(
        [
            Matter(
                "CAM/B1", [Said("A1", "use_of_force", ["vawg"]), Said("A2", "sexual_assault", [])]
            ),
            Matter("CAM/B2", [Said("A1", "sexual_assault", ["sexual", "vawg"])]),
        ],
        by=None,
    )
    assert Case.objects.get(ref="CAM/B1").allegation_pairs == ["use_of_force vawg"]
    stored_pairs_are_right()


def test_the_pairs_and_the_allegations_find_the_same_cases() -> None:
    # On PostgreSQL the category + flag filter reads the pairs; the allegations' way (SQLite's,
    # and the one with a subject) must give the same cases, scoped the same way.
    me = PersonFactory(ref="P-ME")
    user = UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"], person=me)
    for ref in ("CAM/A", "CAM/B"):
        AllegationFactory(case__ref=ref, flags=["domestic_abuse"])
    AllegationFactory(case__ref="CAM/OTHER-FLAG", flags=["sexual"])
    split = CaseFactory(ref="CAM/SPLIT")
    AllegationFactory(case=split, flags=["domestic_abuse"], category_id="use_of_force")
    AllegationFactory(case=split)
    mine = AllegationFactory(case__ref="CAM/MINE", flags=["domestic_abuse"])
    mine.subjects.create(subject=me, subject_role="officer")
    AllegationFactory(
        case__ref="MET/A", case__force=force("metropolitan"), flags=["domestic_abuse"]
    )
    filters = search.CaseFilters(category="sexual_harassment", flag="domestic_abuse")
    found = search.filter_cases(services.cases_for(user), filters)
    by_allegations = services.cases_for(user).filter(
        search._with_allegations(search._matching_allegations(filters))  # type: ignore[arg-type]
    )
    assert sorted(found.values_list("ref", flat=True)) == ["CAM/A", "CAM/B"]
    assert sorted(by_allegations.values_list("ref", flat=True)) == ["CAM/A", "CAM/B"]
    assert search._reads_pairs(found, filters) == (connection.vendor == "postgresql")


def test_pair_key_is_what_the_plan_writes(tmp_path: Path) -> None:
    run_import("cases", str(write(tmp_path / "c.csv", [row(flags="vawg")])))
    allegation = Allegation.objects.get()
    assert Case.objects.get().allegation_pairs == [pair_key(allegation.category_id, "vawg")]
