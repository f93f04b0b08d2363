"""The counting store gives exactly what the oracle (``stats/oracle.py``: the case tables joined
with the ORM, written from the counting rules rather than from the declaration) gives, cells,
totals and margins, on generated records, for every dimension, pair of dimensions, count and
filter; and it is kept in step with the case tables (refresh by force and by case, the staleness
guard, a rolled-back refresh, the import, the demo loader and ``candour refresh-stats``).

Every comparison costs a few queries of each engine, so the generated examples each check a
sample of the tables Hypothesis draws, and one fixed, varied set of records checks every table.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.models import Person
from candour.factories import AllegationFactory, AllegationSubjectFactory, CaseFactory
from candour.transparency.stats import CASES, DIMENSION_CODES, StatsQuery, run
from candour.transparency.stats.freshness import fingerprint, is_fresh
from candour.transparency.stats.models import StatState
from candour.transparency.stats.sql import store_columns
from candour.transparency.stats.store import current_store as current_store_of
from candour.transparency.stats.store import file_prefix, refresh_stat_rows, store_rows

COLUMNS = [name for name, _ in store_columns(CASES)]


def current_store() -> Any:
    return current_store_of(CASES)


FORCES = ["cambridgeshire", "norfolk", "suffolk"]
CATEGORIES = ["sexual_harassment", "sexual_assault", "honesty_and_integrity", "use_of_force"]
FLAGS = ["sexual", "domestic_abuse", "vawg", "dishonesty"]
SEXES = ["male", "female", "unknown", ""]
ROLES = ["officer", "staff", ""]
OUTCOMES = ["no_further_action", "written_warning", ""]
PROCEEDINGS = ["none", "management_action", ""]
DAY0 = dt.date(2018, 1, 1)

dates = st.integers(min_value=0, max_value=4 * 365).map(lambda d: DAY0 + dt.timedelta(days=d))
subjects = st.fixed_dictionaries(
    {
        "person": st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
        "subject_sex": st.sampled_from(SEXES),
        "subject_role": st.sampled_from(ROLES),
        "outcome": st.sampled_from(OUTCOMES),
        "proceedings": st.sampled_from(PROCEEDINGS),
        "severity": st.sampled_from(["misconduct", ""]),
        "outcome_date": st.one_of(st.none(), dates),
    }
)
allegations = st.fixed_dictionaries(
    {
        "category": st.sampled_from(CATEGORIES),
        "flags": st.sets(st.sampled_from(FLAGS), max_size=3),
        "subjects": st.lists(subjects, max_size=3),
    }
)
cases = st.fixed_dictionaries(
    {
        "force": st.sampled_from(FORCES),
        "case_type": st.sampled_from(["complaint", "conduct_matter"]),
        "received": dates,
        "schedule_3": st.sampled_from([None, False, True]),
        "finalised_after": st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
        "allegations": st.lists(allegations, max_size=3),
    }
)
queries = st.fixed_dictionaries(
    {
        "count": st.sampled_from(["cases", "allegations", "officers"]),
        "by": st.lists(st.sampled_from(DIMENSION_CODES), min_size=0, max_size=2, unique=True),
        "forces": st.lists(st.sampled_from(FORCES), max_size=2, unique=True),
        "date_field": st.sampled_from(["received_date", "outcome_date", "finalised_date"]),
        "date_from": st.one_of(st.none(), dates),
        "date_to": st.one_of(st.none(), dates),
        "flags": st.lists(st.sampled_from([*FLAGS, "corruption"]), max_size=2, unique=True),
        "case_type": st.sampled_from(["", "complaint"]),
    }
)


def build(data: list[dict[str, Any]]) -> None:
    """Write generated records straight to the case tables (people are shared within a force,
    so officers repeat across allegations and cases)."""
    people: dict[tuple[str, int], Person] = {}
    for n, spec in enumerate(data):
        case = Case.objects.create(
            force_id=spec["force"],
            ref=f"C{n}",
            case_type=spec["case_type"],
            received_date=spec["received"],
            schedule_3=spec.get("schedule_3"),
            finalised_on=None
            if spec.get("finalised_after") is None
            else spec["received"] + dt.timedelta(days=spec["finalised_after"]),
        )
        for m, a in enumerate(spec["allegations"]):
            allegation = Allegation.objects.create(
                case=case, ref=f"A{m}", category_id=a["category"]
            )
            allegation.flags.set(a["flags"])
            seen: set[Any] = set()
            for s in a["subjects"]:
                key = (spec["force"], s["person"]) if s["person"] is not None else None
                if key in seen:  # one row per subject per allegation (and one unidentified)
                    continue
                seen.add(key)
                person = None
                if key is not None:
                    person = people.get(key) or Person.objects.create(
                        force_id=key[0], ref=f"P{key[1]}"
                    )
                    people[key] = person
                AllegationSubject.objects.create(
                    allegation=allegation,
                    subject=person,
                    subject_sex=s["subject_sex"],
                    subject_role=s["subject_role"],
                    outcome=s["outcome"],
                    proceedings=s["proceedings"],
                    severity=s["severity"],
                    outcome_date=s["outcome_date"],
                )


def as_plain(result: Any) -> tuple[Any, ...]:
    cells = {key: cell.value for key, cell in result.cells.items()}
    margins = (
        [{key: cell.value for key, cell in margin.items()} for margin in result.margins]
        if result.margins is not None
        else None
    )
    return cells, result.total.value, margins


def assert_same(query: StatsQuery) -> None:
    join = as_plain(run(query, margins=True, engine="oracle"))
    flat = as_plain(run(query, margins=True, engine="store"))
    assert flat == join, query


def make_query(spec: dict[str, Any]) -> StatsQuery:
    start, end = spec["date_from"], spec["date_to"]
    if start and end and start > end:
        start, end = end, start
    return StatsQuery(
        count=spec["count"],
        by=tuple(spec["by"]),
        forces=tuple(spec["forces"]),
        date_from=start,
        date_to=end,
        date_field=spec["date_field"],
        flags=tuple(spec["flags"]),
        case_type=spec["case_type"],
    )


COUNTS = ("cases", "allegations", "officers")
TABLES = [(d,) for d in DIMENSION_CODES] + list(itertools.combinations(DIMENSION_CODES, 2))
# Tables whose date, or whose filter on themes, changes what the store counts from.
VARIANTS = (("flag",), ("year", "outcome"), ("subject_sex",), ("quarter", "days_to_finalise"))


def assert_variants_same(count: str) -> None:
    for by in VARIANTS:
        assert_same(StatsQuery(count=count, by=by, date_field="outcome_date"))
        assert_same(StatsQuery(count=count, by=by, date_field="finalised_date"))
        assert_same(StatsQuery(count=count, by=by, flags=("sexual", "vawg")))


class StoreEqualsOracle(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.lists(cases, max_size=8), asked=st.lists(queries, min_size=1, max_size=12))
    def test_random_queries_on_random_records(self, data, asked):  # type: ignore[no-untyped-def]
        build(data)
        refresh_stat_rows()
        for spec in asked:
            assert_same(make_query(spec))

    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        data=st.lists(cases, min_size=1, max_size=8),
        tables=st.lists(st.sampled_from(TABLES), min_size=1, max_size=12, unique=True),
    )
    def test_dimensions_and_pairs_for_every_count(self, data, tables):  # type: ignore[no-untyped-def]
        build(data)
        refresh_stat_rows()
        for count in COUNTS:
            assert_same(StatsQuery(count=count))
            for by in tables:
                assert_same(StatsQuery(count=count, by=by))
            assert_variants_same(count)


def varied_records(seed: int, size: int) -> list[dict[str, Any]]:
    """Records of the strategy's shape, drawn with a fixed seed: every value of every field
    (blank ones included), shared officers, cases without allegations, allegations without
    subjects."""
    rng = random.Random(seed)

    def day() -> dt.date:
        return DAY0 + dt.timedelta(days=rng.randrange(4 * 365))

    def subject() -> dict[str, Any]:
        return {
            "person": rng.choice([None, *range(6)]),
            "subject_sex": rng.choice(SEXES),
            "subject_role": rng.choice(ROLES),
            "outcome": rng.choice(OUTCOMES),
            "proceedings": rng.choice(PROCEEDINGS),
            "severity": rng.choice(["misconduct", ""]),
            "outcome_date": rng.choice([None, day()]),
        }

    def allegation() -> dict[str, Any]:
        return {
            "category": rng.choice(CATEGORIES),
            "flags": set(rng.sample(FLAGS, rng.randrange(4))),
            "subjects": [subject() for _ in range(rng.randrange(4))],
        }

    return [
        {
            "force": rng.choice(FORCES),
            "case_type": rng.choice(["complaint", "conduct_matter"]),
            "received": day(),
            "schedule_3": rng.choice([None, False, True]),
            "finalised_after": rng.choice([None, 0, 1, 4, 10, 11, 16, 60, 61, 120, 200, 360, 400]),
            "allegations": [allegation() for _ in range(rng.randrange(4))],
        }
        for _ in range(size)
    ]


@pytest.mark.django_db
def test_every_dimension_and_pair_for_every_count_on_varied_records() -> None:
    build(varied_records(seed=2026, size=24))
    refresh_stat_rows()
    for count in COUNTS:
        assert_same(StatsQuery(count=count))
        for by in TABLES:
            assert_same(StatsQuery(count=count, by=by))
        assert_variants_same(count)


# ---------------------------------------------------------------------------------------------
# Kept in step


def rows_now() -> list[tuple[Any, ...]]:
    return store_rows(COLUMNS)


@pytest.fixture
def records() -> None:
    for n, force in enumerate(["cambridgeshire", "norfolk"]):
        case = CaseFactory(force_id=force, ref=f"R{n}")
        AllegationSubjectFactory(allegation=AllegationFactory(case=case, flags=["sexual"]))
        AllegationFactory(case=case)  # an allegation with no subject yet
        CaseFactory(force_id=force, ref=f"E{n}")  # a case with no allegation yet


@pytest.mark.django_db
def test_rows_cover_subjects_allegations_without_subjects_and_empty_cases(records) -> None:  # type: ignore[no-untyped-def]
    refresh_stat_rows()
    levels = [row[0] for row in store_rows(["level"], "force = 'norfolk'")]
    assert levels == [0, 1, 2]
    cases = {row[0] for row in store_rows(["case_id"])}
    allegations = {row[0] for row in store_rows(["allegation_id"], "level >= 1")}
    assert cases == set(Case.objects.values_list("id", flat=True))
    assert allegations == set(Allegation.objects.values_list("id", flat=True))


@pytest.mark.django_db
def test_refreshing_a_force_or_some_cases_gives_the_full_rebuild(records) -> None:  # type: ignore[no-untyped-def]
    refresh_stat_rows()
    full = rows_now()
    AllegationSubject.objects.filter(allegation__case__force_id="norfolk").update(
        outcome="written_warning"
    )
    refresh_stat_rows(force_codes=["norfolk"])
    after_force = rows_now()
    assert after_force != full
    refresh_stat_rows()
    assert rows_now() == after_force
    AllegationSubject.objects.update(subject_sex="female")
    refresh_stat_rows(case_ids=list(Case.objects.values_list("id", flat=True)))
    by_case = rows_now()
    refresh_stat_rows()
    assert rows_now() == by_case
    assert {row[0] for row in store_rows(["subject_sex"], "level = 2")} == {"female"}


@pytest.mark.django_db
def test_an_empty_or_stale_table_is_rebuilt_before_counting(records) -> None:  # type: ignore[no-untyped-def]
    assert current_store() is None
    assert run(StatsQuery(count="cases")).total.value == 4  # built on first use
    assert is_fresh()
    CaseFactory(ref="NEW")
    assert not is_fresh()
    assert run(StatsQuery(count="cases")).total.value == 5
    Case.objects.get(ref="NEW").delete()
    assert run(StatsQuery(count="cases")).total.value == 4
    store = current_store()
    assert store is not None
    store.unlink()  # the store deleted behind the engine's back (or a new app server)
    assert not is_fresh()
    assert run(StatsQuery(count="cases")).total.value == 4
    assert current_store() not in (None, store)


@pytest.mark.django_db
def test_the_flat_table_can_be_switched_off(records, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STATS_FLAT_TABLE = False
    assert run(StatsQuery(count="allegations")).total.value == 4
    assert current_store() is None


@pytest.mark.django_db
def test_refresh_stats_command_rebuilds_and_reports(records) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("refresh-stats", stdout=out)
    assert len(store_rows()) == 6
    assert "6 statistics rows" in out.getvalue()
    assert StatState.objects.get().fingerprint == fingerprint()


@pytest.mark.django_db
def test_a_cases_import_leaves_the_store_in_step_and_an_unchanged_one_keeps_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from candour.cases.interchange.cases import COLUMNS

    header = ",".join(COLUMNS)
    values = {
        "force": "suffolk",
        "case_ref": "S1",
        "case_type": "complaint",
        "received_date": "2021-05-04",
        "allegation_ref": "A1",
        "category": "sexual_harassment",
        "flags": "sexual",
        "subject_ref": "OFF1",
    }
    line = ",".join(values.get(column, "") for column in COLUMNS)
    (tmp_path / "cases.csv").write_text(f"{header}\n{line}\n", encoding="utf-8")
    call_command("import", "cases", str(tmp_path / "cases.csv"), stdout=io.StringIO())
    assert is_fresh()  # the import refreshed the rows in its own transaction
    assert store_rows(["force", "flag_sexual", "level"]) == [("suffolk", True, 2)]
    store = current_store()
    call_command("import", "cases", str(tmp_path / "cases.csv"), stdout=io.StringIO())
    assert current_store() == store  # nothing changed: the same store, no rebuild
    changed = line.replace("sexual_harassment,sexual", "sexual_harassment,")
    (tmp_path / "cases.csv").write_text(f"{header}\n{changed}\n", encoding="utf-8")
    call_command("import", "cases", str(tmp_path / "cases.csv"), stdout=io.StringIO())
    assert current_store() != store
    assert store_rows(["force", "flag_sexual", "level"]) == [("suffolk", False, 2)]


@pytest.mark.django_db
def test_the_demo_loader_leaves_the_table_in_step() -> None:
    from candour.core.demo.load import load_demo

    load_demo(scale=0.02, first_work=False)
    assert is_fresh()
    assert len(store_rows(["level"], "level = 2")) == AllegationSubject.objects.count()


@pytest.mark.django_db
def test_deleting_an_older_case_is_seen_by_the_counts_check(records, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STATS_FRESH_CHECK_SECONDS = 0  # compare the row counts on every query
    assert run(StatsQuery(count="cases")).total.value == 4
    Case.objects.filter(ref="R0").delete()  # not the newest: the newest ids stay the same
    assert run(StatsQuery(count="cases")).total.value == 3


@pytest.mark.django_db(transaction=True)
def test_a_refresh_rolled_back_leaves_the_old_store_current(reference_data, records) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    refresh_stat_rows()
    before = current_store()
    with pytest.raises(RuntimeError), transaction.atomic():
        CaseFactory(ref="GONE")
        refresh_stat_rows()
        raise RuntimeError("the import failed after refreshing")
    assert current_store() == before
    assert is_fresh()
    assert run(StatsQuery(count="cases")).total.value == 4


@pytest.mark.django_db
def test_values_with_quotes_commas_and_new_lines_reach_the_store_unchanged(records) -> None:  # type: ignore[no-untyped-def]
    awkward = 'o\'brien, "acting"\nrank'
    AllegationSubject.objects.update(subject_rank=awkward)
    refresh_stat_rows()
    assert {row[0] for row in store_rows(["subject_rank"], "level = 2")} == {awkward}
    assert_same(StatsQuery(count="allegations", by=("subject_rank",)))


@pytest.mark.django_db
def test_a_store_of_an_older_layout_is_rebuilt_whole_not_patched(records) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    refresh_stat_rows()
    old = current_store()
    assert old is not None
    legacy = old.with_name("stats-legacy.duckdb")  # a store written before layouts were named
    with duckdb.connect(str(legacy)) as db:
        db.execute("CREATE TABLE stat_rows (case_id BIGINT)")
    StatState.objects.update(store=legacy.name)
    refresh_stat_rows(force_codes=["norfolk"])
    assert current_store().name.startswith(file_prefix(CASES))
    assert len(store_rows()) == 6
