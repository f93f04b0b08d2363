"""``candour datawash`` as spec/cli.md fixes it: exit 0 with the §3 file and a summary, 1 with a
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
        "W1,Ann,Smith,,31/31/1990,F,,\n"
    )
    with pytest.raises(CommandError) as failed:
        call_command(
            "datawash",
            workforce=str(bad),
            national=str(files.national),
            out=str(tmp_path / "out.csv"),
        )
    assert failed.value.returncode == 1 and "is not a date" in str(failed.value)
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
