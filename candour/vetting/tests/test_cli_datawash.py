"""``candour datawash`` as docs/cli.md fixes it: exit 0 with the §3 file and a summary, 1 with a
sentence for a bad input file, 2 for bad usage or a missing file; never a traceback. And the
Candour extension ``--force F --load`` that fills the review queue."""

import csv
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.factories import PersonFactory, force
from candour.vetting.datawash.generator import generate
from candour.vetting.models import CandidateMatch, DataWashRun

CANDOUR = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "candour"
HEADER = ["person_ref", "record_id", "match_probability", "match_weight", "reasons"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):  # type: ignore[no-untyped-def]
    return generate(tmp_path_factory.mktemp("wash"), workforce_size=80, national_size=800, seed=5)


def candour(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CANDOUR_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [str(CANDOUR), "datawash", *args], capture_output=True, text=True, env=env, timeout=600
    )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_it_writes_candidate_pairs_and_a_summary(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    result = candour(
        "--workforce",
        str(files.workforce),
        "--national",
        str(files.national),
        "--out",
        str(out),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "candidate pair" in result.stdout and str(out) in result.stdout
    assert "\x1b[" not in result.stdout  # no progress bar when output is not a terminal
    rows = read(out)
    assert list(rows[0]) == HEADER
    truth = {(r["person_ref"], r["record_id"]) for r in read(files.truth)}
    found = {(r["person_ref"], r["record_id"]) for r in rows}
    assert len(found & truth) >= 0.9 * len(truth)


def test_a_missing_file_exits_2(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = candour(
        "--workforce",
        str(tmp_path / "nope.csv"),
        "--national",
        str(files.national),
        "--out",
        str(tmp_path / "out.csv"),
        tmp_path=tmp_path,
    )
    assert result.returncode == 2
    assert "nope.csv does not exist" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--threshold", "1.5"],
        ["--engine", "sqlite"],
        ["--rule-outs", "maybe"],
        ["--colour", "blue"],
        ["--load"],
    ],
)
def test_bad_usage_exits_2(files, tmp_path, args) -> None:  # type: ignore[no-untyped-def]
    result = candour(
        "--workforce",
        str(files.workforce),
        "--national",
        str(files.national),
        "--out",
        str(tmp_path / "out.csv"),
        *args,
        tmp_path=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_bad_input_file_exits_1_with_a_sentence(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "workforce.csv"
    bad.write_text("person_ref,forenames,surname\nW1,Ann,Smith\n")
    result = candour(
        "--workforce",
        str(bad),
        "--national",
        str(files.national),
        "--out",
        str(tmp_path / "out.csv"),
        tmp_path=tmp_path,
    )
    assert result.returncode == 1
    assert "has no column" in result.stderr and "date_of_birth" in result.stderr
    assert "Traceback" not in result.stderr


def test_call_command_raises_command_errors_with_the_contracts_codes(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "workforce.csv"
    bad.write_text(
        "person_ref,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"
        "W1,Ann,Smith,,1990-01-01,F,,\n,Bob,Smith,,31/31/1990,M,,\n"
    )
    with pytest.raises(CommandError) as failed:
        call_command(
            "datawash",
            workforce=str(bad),
            national=str(files.national),
            out=str(tmp_path / "out.csv"),
        )
    assert failed.value.returncode == 1 and "has no person_ref" in str(failed.value)
    with pytest.raises(CommandError) as missing:
        call_command(
            "datawash",
            workforce=str(tmp_path / "gone.csv"),
            national=str(files.national),
            out=str(tmp_path / "out.csv"),
        )
    assert missing.value.returncode == 2


def test_the_spark_engine_without_the_spark_extra_says_how_to_install_it(
    files, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if pyspark were not installed
    with pytest.raises(CommandError) as failed:
        call_command(
            "datawash",
            workforce=str(files.workforce),
            national=str(files.national),
            out=str(tmp_path / "out.csv"),
            engine="spark",
        )
    assert failed.value.returncode == 2
    assert "pip install 'candour[spark]'" in str(failed.value)
    assert "make install EXTRAS=spark" in str(failed.value)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_load_fills_the_forces_review_queue_and_leaves_the_output_unchanged(
    files, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    linked = read(files.truth)[0]["person_ref"]
    person = PersonFactory(force=force("norfolk"), ref=linked)
    plain, loaded = tmp_path / "plain.csv", tmp_path / "loaded.csv"
    common = {"workforce": str(files.workforce), "national": str(files.national)}
    call_command("datawash", out=str(plain), **common)
    call_command("datawash", out=str(loaded), force="norfolk", load=True, **common)
    assert plain.read_text() == loaded.read_text()
    run = DataWashRun.objects.get()
    rows = read(loaded)
    assert run.candidates_loaded == len(rows) == CandidateMatch.objects.filter(run=run).count()
    assert run.force_id == "norfolk" and run.summary["candidate_pairs"] == len(rows)
    mine = CandidateMatch.objects.filter(person_ref=linked).first()
    assert mine is not None and mine.person == person
    assert mine.workforce_record["surname"] and mine.national_record["surname"]
    assert all(c.status == "pending" for c in CandidateMatch.objects.all())


def fixed_m_levels(model: dict) -> list[str]:
    """The levels whose m probability the run fixed instead of learning, as field: label."""
    return [
        f"{comparison['output_column_name']}: {level['label_for_charts']}"
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("fix_m_probability")
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_rule_outs_on_rule_twins_out_and_off_learns_them_and_the_run_records_which(
    files, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    hard = {(r["person_ref"], r["record_id"]) for r in read(files.hard_non_matches)}
    assert hard, "the generated files should hold twins or fathers and sons"
    common = {"workforce": str(files.workforce), "national": str(files.national)}
    on, off = tmp_path / "on.csv", tmp_path / "off.csv"
    call_command("datawash", out=str(on), force="norfolk", load=True, **common)
    call_command("datawash", out=str(off), force="norfolk", load=True, rule_outs="off", **common)
    runs = {Path(run.out_file).name: run for run in DataWashRun.objects.all()}
    assert runs["on.csv"].rule_outs and runs["on.csv"].summary["rule_outs"] is True
    assert not runs["off.csv"].rule_outs and runs["off.csv"].summary["rule_outs"] is False
    # On: a wholly different first name and birth dates ten years or more apart are fixed as all but
    # conclusive, so no twin or father and son is a candidate.
    assert fixed_m_levels(runs["on.csv"].summary["model"]) == [
        "forenames: different ({l}/{r})",
        "dob: 10 or more years apart ({l}/{r})",
    ]
    assert not {(r["person_ref"], r["record_id"]) for r in read(on)} & hard
    # Off: both are learned like any other level.
    assert fixed_m_levels(runs["off.csv"].summary["model"]) == []


def test_the_summary_says_whether_the_rule_outs_were_on() -> None:
    from candour.vetting.management.commands.datawash import summary_paragraph

    assert "household rule-outs off" in summary_paragraph({"rule_outs": False})
    assert "household rule-outs on" in summary_paragraph({"rule_outs": True})
    text = summary_paragraph(
        {
            "malformed_values": {
                "national": {"date_of_birth": {"cells": 3, "read_in_part": 2, "first_rows": [2]}}
            }
        }
    )
    assert "national file has 3 date_of_birth values that could not be read" in text
