"""The query engine counts cases, allegations and distinct officers apart (interchange §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    force,
)
from candour.transparency.stats import StatsQuery, StatsUsageError, compute, run

pytestmark = pytest.mark.django_db


def rows(result) -> dict:  # type: ignore[no-untyped-def]
    return {key: cell.value for key, cell in result.cells.items()}


@pytest.fixture
def story():  # type: ignore[no-untyped-def]
    """Two officers in Cambridgeshire: Alice in two sexual-misconduct cases (one allegation also
    flagged domestic abuse), Bob in one case with two allegations; one unidentified subject;
    and one Norfolk case."""
    alice = PersonFactory(ref="ALICE", sex="female")
    bob = PersonFactory(ref="BOB")
    c1 = CaseFactory(ref="C1", received_date=dt.date(2019, 3, 31))
    c2 = CaseFactory(ref="C2", received_date=dt.date(2019, 4, 1), case_type="conduct_matter")
    c3 = CaseFactory(ref="C3", received_date=dt.date(2020, 6, 1))
    a1 = AllegationFactory(case=c1, ref="A1", flags=["sexual", "domestic_abuse"])
    a2 = AllegationFactory(case=c2, ref="A1", flags=["sexual"])
    a3 = AllegationFactory(case=c3, ref="A1", category__code="sexual_harassment")
    a4 = AllegationFactory(case=c3, ref="A2", flags=["dishonesty"])
    AllegationSubjectFactory(
        allegation=a1, subject=alice, subject_sex="female", outcome="written_warning"
    )
    AllegationSubjectFactory(allegation=a2, subject=alice, subject_sex="female", outcome="")
    AllegationSubjectFactory(
        allegation=a3, subject=bob, subject_sex="", outcome="no_further_action"
    )
    AllegationSubjectFactory(
        allegation=a4, subject=bob, subject_sex="unknown", outcome="no_further_action"
    )
    AllegationSubjectFactory(allegation=a4, subject=None, subject_sex="", subject_role="")
    norfolk = CaseFactory(ref="N1", force=force("norfolk"), received_date=dt.date(2020, 1, 1))
    AllegationSubjectFactory(allegation__case=norfolk, subject__ref="CAROL")


def test_it_counts_cases_allegations_and_officers_apart(story):  # type: ignore[no-untyped-def]
    cambs = ("cambridgeshire",)
    assert run(StatsQuery(count="cases", forces=cambs)).total.value == 3
    assert run(StatsQuery(count="allegations", forces=cambs)).total.value == 4
    assert run(StatsQuery(count="officers", forces=cambs)).total.value == 2


def test_an_officer_in_several_themes_counts_once_in_the_total(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="officers", by=("flag",), forces=("cambridgeshire",)))
    assert rows(result) == {
        ("sexual",): 1,
        ("domestic_abuse",): 1,
        ("dishonesty",): 1,
        ("none",): 1,
    }
    assert result.total.value == 2


def test_flag_filter_keeps_allegations_with_any_of_the_flags(story):  # type: ignore[no-untyped-def]
    query = StatsQuery(
        count="allegations", forces=("cambridgeshire",), flags=("sexual", "dishonesty")
    )
    assert run(query).total.value == 3
    cases = StatsQuery(count="cases", forces=("cambridgeshire",), flags=("dishonesty",))
    assert run(cases).total.value == 1


def test_blank_and_recorded_unknown_are_one_not_known_row(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="allegations", by=("subject_sex",), forces=("cambridgeshire",)))
    # A3 (blank) and A4 (recorded unknown, and a blank unidentified subject) are "unknown".
    assert rows(result) == {("female",): 2, ("unknown",): 2}


def test_open_matters_appear_under_outcome_not_known(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="officers", by=("outcome",), forces=("cambridgeshire",)))
    assert rows(result)[("unknown",)] == 1
    assert rows(result)[("no_further_action",)] == 1


def test_financial_year_runs_april_to_march(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="cases", by=("financial_year",), forces=("cambridgeshire",)))
    assert rows(result) == {(2018,): 1, (2019,): 1, (2020,): 1}
    calendar = run(StatsQuery(count="cases", by=("year",), forces=("cambridgeshire",)))
    assert rows(calendar) == {(2019,): 2, (2020,): 1}


def test_cases_count_by_the_month_they_were_received(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="cases", by=("month",), forces=("cambridgeshire",)))
    assert rows(result) == {("2019-03",): 1, ("2019-04",): 1, ("2020-06",): 1}
    for engine in ("store", "oracle"):
        by_outcome = run(
            StatsQuery(count="officers", by=("month",), date_field="outcome_date"),
            engine=engine,
        )
        assert set(rows(by_outcome)) == {("unknown",)}  # no outcome dates in the story


def test_period_is_inclusive_on_received_date(story):  # type: ignore[no-untyped-def]
    query = StatsQuery(
        count="cases",
        forces=("cambridgeshire",),
        date_from=dt.date(2019, 3, 31),
        date_to=dt.date(2019, 4, 1),
    )
    assert run(query).total.value == 2


def test_period_can_be_on_outcome_date(story):  # type: ignore[no-untyped-def]
    from candour.cases.models import AllegationSubject

    AllegationSubject.objects.filter(subject__ref="ALICE", outcome="written_warning").update(
        outcome_date=dt.date(2021, 2, 2)
    )
    query = StatsQuery(
        count="officers", by=("year",), date_field="outcome_date", date_from=dt.date(2021, 1, 1)
    )
    assert rows(run(query)) == {(2021,): 1}
    # Without a period, rows with no outcome date yet count under "unknown".
    everyone = run(StatsQuery(count="officers", by=("year",), date_field="outcome_date"))
    assert everyone.cells[("unknown",)].value == 3


def test_two_dimensions_fill_absent_combinations_with_zero(story):  # type: ignore[no-untyped-def]
    result = run(StatsQuery(count="cases", by=("force", "year")))
    assert rows(result) == {
        ("cambridgeshire", 2019): 2,
        ("cambridgeshire", 2020): 1,
        ("norfolk", 2019): 0,
        ("norfolk", 2020): 1,
    }


def test_forces_and_case_type_filter(story):  # type: ignore[no-untyped-def]
    assert run(StatsQuery(count="cases", forces=("norfolk",))).total.value == 1
    assert run(StatsQuery(count="cases", case_type="conduct_matter")).total.value == 1


def test_unknown_dimension_is_refused_in_a_sentence() -> None:
    with pytest.raises(StatsUsageError, match="'colour' is not a dimension"):
        StatsQuery(by=("colour",))


def test_rates_use_people_in_post_in_the_rows_year(story):  # type: ignore[no-untyped-def]
    for n in range(8):  # in post throughout
        PersonFactory(ref=f"W{n}", in_workforce_file=True, joined_date=dt.date(2010, 1, 1))
    PersonFactory(
        ref="LEFT",
        in_workforce_file=True,
        joined_date=dt.date(2010, 1, 1),
        left_date=dt.date(2019, 12, 31),
    )
    PersonFactory(ref="NEW", in_workforce_file=True, joined_date=dt.date(2020, 1, 1))
    result = compute(
        StatsQuery(count="officers", by=("year",), forces=("cambridgeshire",)), per=1000
    )
    assert result.cells[(2019,)].workforce == 9
    assert result.cells[(2020,)].workforce == 9
    assert result.cells[(2019,)].rate == round(1 * 1000 / 9, 1)  # Alice
    assert result.total.workforce == 10
