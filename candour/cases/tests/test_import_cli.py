"""The real `candour import` command: exit codes and output as scripts see them (docs/cli.md).

These run `.venv/bin/candour` in a subprocess against a throw-away SQLite database of their own,
since the test database is not visible to another process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CANDOUR = str(Path(sys.executable).with_name("candour"))
HEADER = (
    "force,case_ref,case_type,received_date,allegation_ref,category,flags,subject_ref,subject_role,"
    "subject_sex,subject_rank,iopc_referral,investigation,severity,proceedings,outcome,outcome_date"
)
GOOD = "cambridgeshire,CO/1,complaint,2021-05-04,A1,sexual_assault,sexual;vawg,P1,officer,male,constable,,,,,,"
BAD = "cambridgeshire,CO/2,complaint,2021-13-04,A1,sexual_assault,sexual,P1,officer,male,constable,,,,,,"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "CANDOUR_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
    }
    subprocess.run(
        [CANDOUR, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300
    )
    return env


def candour(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CANDOUR, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_bad_file_exits_1_names_the_row_and_writes_nothing(database, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{BAD}\n", encoding="utf-8")

    failed = candour(database, "import", "cases", str(path))

    assert failed.returncode == 1
    assert (
        "Row 3, column received_date: '2021-13-04' is not a date in the form YYYY-MM-DD."
        in failed.stderr
    )
    assert "nothing was imported" in failed.stderr
    assert "Traceback" not in failed.stderr
    # The good row was not written either: a dry run of it alone would still create it.
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    dry = candour(database, "import", "cases", str(path), "--dry-run")
    assert dry.returncode == 0
    assert "1 rows read: 1 would be created" in dry.stdout


@pytest.mark.slow
def test_a_good_file_exits_0_and_prints_the_counts_quietly(database, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(f"{HEADER}\n{GOOD.replace('CO/1', 'CO/7')}\n", encoding="utf-8")

    first = candour(database, "import", "cases", str(path))
    again = candour(database, "import", "cases", str(path))

    assert (
        first.returncode == 0 and "1 rows read: 1 created, 0 updated, 0 unchanged." in first.stdout
    )
    assert (
        again.returncode == 0 and "1 rows read: 0 created, 0 updated, 1 unchanged." in again.stdout
    )
    assert "\x1b[" not in first.stdout  # no progress bars when output is not a terminal


@pytest.mark.slow
def test_bad_usage_exits_2(database, tmp_path):
    missing = candour(database, "import", "cases", str(tmp_path / "missing.csv"))
    unknown_kind = candour(database, "import", "parking", str(tmp_path / "x.csv"))
    streetsafe = candour(database, "import", "streetsafe", str(tmp_path / "x.csv"))

    assert missing.returncode == 2 and "There is no file at" in missing.stderr
    assert unknown_kind.returncode == 2
    assert streetsafe.returncode == 2 and "There is no file at" in streetsafe.stderr
