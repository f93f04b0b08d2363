"""The bulk-load path of a large import: indexes and foreign keys set aside and restored, keys
reserved as one block. Thresholds are lowered so that a few rows take the large-file path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from candour.cases.interchange import bulk
from candour.cases.interchange import cases as cases_module
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.cases.tests.test_import_cases import three_rows, write
from candour.core.models import Force, Person
from candour.factories import AllegationFactory, AllegationSubjectFactory, CaseFactory

pytestmark = pytest.mark.django_db

TABLES = (Person, Case, Allegation, Allegation.flags.through, AllegationSubject)


def schema() -> dict[str, dict[str, tuple]]:
    """Every index and constraint of the import's tables, as the database describes them."""
    described = {}
    with connection.cursor() as cursor:
        for model in TABLES:
            table = model._meta.db_table
            found = connection.introspection.get_constraints(cursor, table)
            described[table] = {
                name: (
                    tuple(info["columns"]),
                    info["unique"],
                    info["index"],
                    info["foreign_key"],
                    info["primary_key"],
                )
                for name, info in found.items()
            }
    return described


def run_import(path: Path) -> str:
    out = io.StringIO()
    call_command("import", "cases", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def large(monkeypatch):
    """Every import counts as large."""
    monkeypatch.setattr(cases_module, "REBUILD_FROM", 1)
    monkeypatch.setattr(bulk, "BLOCK_FROM", 1)


def test_a_large_import_restores_every_index_and_foreign_key(tmp_path, large):
    before = schema()
    assert any(info[3] for info in before["cases_allegationsubject"].values())  # has FKs
    out = run_import(write(tmp_path / "cases.csv", three_rows()))
    assert "3 rows read: 3 created" in out
    assert schema() == before
    assert AllegationSubject.objects.count() == 3
    assert sorted(
        Allegation.objects.get(case__ref="CO/1", ref="A1").flags.values_list("code", flat=True)
    ) == [
        "sexual",
        "vawg",
    ]
    # A second, ordinary import of the same file finds every row as written.
    assert "0 created, 0 updated, 3 unchanged" in run_import(tmp_path / "cases.csv")


def test_a_large_import_that_fails_while_writing_leaves_schema_and_data_as_they_were(
    tmp_path, large, monkeypatch
):
    before = schema()
    real_insert = bulk.insert_table

    def failing_insert(model, columns, table, step=None):
        if model is AllegationSubject:
            raise IntegrityError("simulated failure after the indexes were dropped")
        return real_insert(model, columns, table, step)

    monkeypatch.setattr(bulk, "insert_table", failing_insert)
    with pytest.raises(IntegrityError):
        run_import(write(tmp_path / "cases.csv", three_rows()))
    assert schema() == before
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps its foreign keys during the load"
)
def test_a_row_pointing_nowhere_fails_when_the_foreign_keys_are_added_back():
    allegation = AllegationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        with bulk.indexes_rebuilt_after(TABLES, rebuild=True):
            bulk.insert(
                AllegationSubject,
                ("allegation_id", "subject_id", *cases_module.SUBJECT_FIELDS),
                # Every code empty, then the outcome date (the last of SUBJECT_FIELDS).
                [
                    (
                        allegation.pk + 1000,
                        None,
                        *[""] * (len(cases_module.SUBJECT_FIELDS) - 1),
                        None,
                    )
                ],
            )
    assert AllegationSubject.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite reserves keys above the highest under its write lock, with no sequence",
)
def test_keys_reserved_as_a_block_are_consecutive_and_never_handed_out_again(large):
    CaseFactory()
    with transaction.atomic():
        block = bulk.allocate_ids(Case, 5)
        assert list(block) == list(range(block[0], block[0] + 5))
        assert block[0] > Case.objects.order_by("-pk").first().pk
        another = bulk.allocate_ids(Case, 3)
        assert another[0] > block[-1]
    assert CaseFactory().pk > another[-1]


def test_a_file_of_one_force_is_compared_with_that_forces_records_only(tmp_path):
    """With another force's cases in the database, existing rows are read through the force
    filter; without, whole tables are read. Both must classify rows the same way."""
    norfolk = AllegationSubjectFactory(
        allegation__case__force=Force.objects.get(code="norfolk"),
        allegation__case__ref="CO/1",  # the same references as the file, in another force
        allegation__ref="A1",
    )
    path = write(tmp_path / "cases.csv", three_rows())
    assert "3 rows read: 3 created, 0 updated, 0 unchanged" in run_import(path)
    assert "3 rows read: 0 created, 0 updated, 3 unchanged" in run_import(path)
    changed = three_rows()
    changed[0]["outcome_date"] = "2022-02-11"
    out = run_import(write(tmp_path / "changed.csv", changed))
    assert "3 rows read: 0 created, 1 updated, 2 unchanged" in out
    norfolk.refresh_from_db()
    assert norfolk.allegation.case.force_id == "norfolk"
    assert Case.objects.filter(ref="CO/1").count() == 2


def test_with_only_the_files_forces_held_every_row_is_found_again(tmp_path):
    path = write(tmp_path / "cases.csv", three_rows())
    run_import(path)
    assert set(Case.objects.values_list("force_id", flat=True)) == {"cambridgeshire"}
    changed = three_rows()
    changed[1]["flags"] = "vawg;sexual"  # the same flags in another order: unchanged
    changed[2]["subject_sex"] = "female"
    out = run_import(write(tmp_path / "changed.csv", changed))
    assert "3 rows read: 0 created, 1 updated, 2 unchanged" in out


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's planner keeps no statistics of its own"
)
def test_an_import_refreshes_the_planners_statistics_of_the_tables_it_filled(tmp_path):
    from candour.cases.tests.test_import_cases import row

    with connection.cursor() as cursor:  # the planner told the tables are empty, as after a purge
        cursor.execute("ANALYZE cases_allegationsubject")
    rows = [
        row(case_ref=f"ST/{n // 2}", allegation_ref=f"A{n % 2}", subject_ref=f"P{n % 50}")
        for n in range(1200)
    ]
    call_command("import", "cases", str(write(tmp_path / "many.csv", rows)), stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s",
            [AllegationSubject._meta.db_table],
        )
        assert cursor.fetchone()[0] >= 1200
