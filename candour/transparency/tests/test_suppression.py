"""Disclosure control on real query results."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.factories import AllegationSubjectFactory, CaseFactory, force
from candour.transparency.stats import StatsQuery, compute
from candour.transparency.suppression import suppress_1d

pytestmark = pytest.mark.django_db


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    hidden, total_hidden = suppress_1d([10, 3, 7, 20], 40, 5)
    assert hidden == [False, True, True, False]
    assert total_hidden is False


def test_no_small_cell_no_suppression() -> None:
    assert suppress_1d([10, 0, 7], 17, 5) == ([False, False, False], False)


def test_a_small_total_is_withheld_too() -> None:
    assert suppress_1d([2, 1], 3, 5) == ([True, True], True)


def test_nothing_is_withheld_without_a_threshold() -> None:
    case = CaseFactory(received_date=dt.date(2020, 1, 1))
    AllegationSubjectFactory(allegation__case=case)
    result = compute(StatsQuery(count="cases", by=("year",)))
    assert result.cells[(2020,)].value == 1 and not result.cells[(2020,)].suppressed


def test_two_dimension_query_withholds_rows_and_columns_in_pairs() -> None:
    for code, n_2019, n_2020 in [("norfolk", 2, 9), ("suffolk", 8, 7), ("essex", 12, 10)]:
        for n, year in [(n_2019, 2019), (n_2020, 2020)]:
            for _ in range(n):
                AllegationSubjectFactory(
                    allegation__case=CaseFactory(
                        force=force(code), received_date=dt.date(year, 6, 1)
                    )
                )
    result = compute(StatsQuery(count="cases", by=("force", "year")), suppress=5)
    hidden = {key for key, cell in result.cells.items() if cell.suppressed}
    assert ("norfolk", 2019) in hidden
    for position in (0, 1):
        for value in {key[position] for key in hidden}:
            assert sum(1 for key in hidden if key[position] == value) >= 2
    assert all(cell.value is None for cell in result.cells.values() if cell.suppressed)
    assert result.total.value == 48
