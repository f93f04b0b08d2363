"""Imports take turns (issue 10, finding 9): two at once used to deadlock on PostgreSQL, one of
them aborting with advice to run ``candour migrate``. Every import's write transaction now
waits for the one before (a PostgreSQL advisory lock; on an embedded SQLite database a lock file
beside it), says that it is waiting, and both land."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from candour.cases.models import AllegationSubject, Case
from candour.cli import database_advice
from candour.core.interchange import importers
from candour.core.models import Person

HEADER = (
    "force,case_ref,case_type,received_date,allegation_ref,category,flags,subject_ref,"
    "subject_role,subject_sex,subject_rank,iopc_referral,investigation,severity,proceedings,"
    "outcome,outcome_date\n"
)


class Stages:
    """A progress that remembers the stages it was told about."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def stage(self, description: str, total: int | None):  # type: ignore[no-untyped-def]
        self.names.append(description)
        return lambda done: None


def cases_file(path: Path, first: int, subjects: list[str]) -> Path:
    rows = [
        f"norfolk,C{first + n},complaint,2024-01-0{1 + n % 9},A1,use_of_force,,{ref},officer,"
        "male,constable,none,local,misconduct,none,,\n"
        for n in range(40)
        for ref in subjects
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_on_postgresql_both_land(tmp_path, reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite is tested below")
    # The same people in both files, new to the database: both imports insert and update them.
    one = cases_file(tmp_path / "one.csv", 0, ["PC1", "PC2", "PC3"])
    two = cases_file(tmp_path / "two.csv", 100, ["PC3", "PC2", "PC1"])
    errors: list[BaseException] = []
    results = []

    def run(path: Path) -> None:
        try:
            results.append(importers.importer("cases")(path))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(path,)) for path in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    assert sorted(r.rows_read for r in results) == [120, 120]
    assert Case.objects.filter(force_id="norfolk").count() == 80
    assert Person.objects.filter(force_id="norfolk").count() == 3
    assert AllegationSubject.objects.count() == 240


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_postgresql_lock_and_says_so(tmp_path, reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    import psycopg

    settings = connection.settings_dict
    holder = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    )
    holder.execute("SELECT pg_advisory_lock(%s)", [importers.IMPORT_LOCK])
    path = cases_file(tmp_path / "one.csv", 0, ["PC1"])
    stages = Stages()
    done = threading.Event()

    def run() -> None:
        try:
            importers.importer("cases")(path, progress=stages)
        finally:
            done.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    for _ in range(200):
        if importers.WAITING in stages.names:
            break
        time.sleep(0.05)
    assert importers.WAITING in stages.names
    assert not done.is_set()
    assert Case.objects.count() == 0  # nothing written while it waits
    holder.execute("SELECT pg_advisory_unlock(%s)", [importers.IMPORT_LOCK])
    holder.close()
    thread.join(60)
    assert done.is_set()
    assert Case.objects.filter(force_id="norfolk").count() == 40


def test_on_an_embedded_database_an_import_waits_for_the_lock_file(tmp_path, monkeypatch):
    import fcntl

    database = tmp_path / "candour.sqlite3"
    monkeypatch.setattr(importers.connection, "vendor", "sqlite", raising=False)
    monkeypatch.setitem(importers.connection.settings_dict, "NAME", str(database))
    held, release = threading.Event(), threading.Event()
    released_at: list[float] = []

    def hold() -> None:
        with open(f"{database}.import-lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            held.set()
            release.wait(10)
            released_at.append(time.monotonic())
            fcntl.flock(lock, fcntl.LOCK_UN)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    stages = Stages()
    threading.Timer(0.3, release.set).start()
    with importers._one_import_at_a_time(stages):
        entered = time.monotonic()
    holder.join(10)

    assert stages.names == [importers.WAITING]
    assert released_at and entered >= released_at[0]


def test_an_embedded_database_with_no_other_import_does_not_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(importers.connection, "vendor", "sqlite", raising=False)
    monkeypatch.setitem(importers.connection.settings_dict, "NAME", str(tmp_path / "c.sqlite3"))
    stages = Stages()
    with importers._one_import_at_a_time(stages):
        pass
    assert stages.names == []
    assert (tmp_path / "c.sqlite3.import-lock").exists()


@pytest.mark.parametrize(
    ("said", "advice"),
    [
        ("deadlock detected", "Another job was writing"),
        ("database is locked", "Another job was writing"),
        ('relation "cases_case" does not exist', "run 'candour migrate'"),
        ("no such table: cases_case", "run 'candour migrate'"),
        ('connection to server at "127.0.0.1", port 5433 failed', "Check DATABASE_URL"),
    ],
)
def test_a_database_error_gets_advice_that_fits_it(said, advice):
    assert advice in database_advice(Exception(said))
