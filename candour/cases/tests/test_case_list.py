"""The case list: search and filters, each narrowing the cases of the user's forces only."""

import datetime as dt

import pytest
from django.urls import reverse

from candour.core.roles import Role
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    force,
)

pytestmark = pytest.mark.django_db


def listed(client, **query) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("cases:list"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_filters_by_type_and_received_date(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    CaseFactory(ref="CAM/OLD", received_date=dt.date(2019, 1, 5))
    CaseFactory(ref="CAM/NEW", received_date=dt.date(2024, 6, 1))
    CaseFactory(ref="CAM/DSI", case_type="dsi_matter", received_date=dt.date(2024, 7, 1))
    body = listed(client, received_from="2024-01-01", case_type="complaint")
    assert "CAM/NEW" in body and "CAM/OLD" not in body and "CAM/DSI" not in body
    assert "1 case found" in body


def test_category_and_flag_must_be_on_the_same_allegation(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    both = AllegationFactory(case__ref="CAM/BOTH", flags=["domestic_abuse"])
    split = CaseFactory(ref="CAM/SPLIT")
    AllegationFactory(case=split, flags=["domestic_abuse"], category_id="use_of_force")
    AllegationFactory(case=split)
    body = listed(client, category="sexual_harassment", flag="domestic_abuse")
    assert both.case.ref in body and "CAM/SPLIT" not in body


@pytest.mark.parametrize("few", [1, 2_000])
def test_allegation_filters_find_the_same_cases_however_many_match(monkeypatch, few: int) -> None:
    # Up to FEW_ALLEGATIONS matching allegations have their cases found from the allegations'
    # side, more by testing each case (candour.cases.search): both ways give the same cases,
    # scoped the same way.
    from candour.cases import search, services
    from candour.factories import UserFactory

    monkeypatch.setattr(search, "FEW_ALLEGATIONS", few)
    me = PersonFactory(ref="P-ME")
    user = UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"], person=me)
    for ref in ("CAM/A", "CAM/B"):
        AllegationFactory(case__ref=ref, flags=["domestic_abuse"])
    AllegationFactory(case__ref="CAM/OTHER-FLAG", flags=["sexual"])
    AllegationFactory(
        case__ref="MET/A", case__force=force("metropolitan"), flags=["domestic_abuse"]
    )
    AllegationSubjectFactory(
        allegation=AllegationFactory(case__ref="CAM/ABOUT-ME", flags=["domestic_abuse"]), subject=me
    )

    def found(**filters: str) -> set[str]:
        cases = search.filter_cases(services.cases_for(user), search.CaseFilters(**filters))
        return set(cases.values_list("ref", flat=True))

    assert found(category="sexual_harassment", flag="domestic_abuse") == {"CAM/A", "CAM/B"}
    assert found(category="use_of_force", flag="sexual") == set()


def test_search_finds_a_case_by_reference_or_a_subject_by_collar_number_or_name(
    client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    officer = PersonFactory(ref="P-77", name="Jane Marple", collar_number="4411")
    AllegationSubjectFactory(allegation__case__ref="CAM/MARPLE", subject=officer)
    CaseFactory(ref="CAM/OTHER")
    for text in ["cam/marple", "4411", "Marple", "jane", "p-77"]:
        body = listed(client, q=text)
        assert "CAM/MARPLE" in body and "CAM/OTHER" not in body, text
    assert "CAM/MARPLE" in listed(client, subject="P-77")


def test_never_lists_another_forces_cases_even_when_asked(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    CaseFactory(ref="NOR/1", force=force("norfolk"))
    body = listed(client, force="norfolk")
    assert "NOR/1" not in body
    assert "Select a valid choice" in body


def test_a_bad_date_is_a_field_error_and_the_rest_still_filters(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    CaseFactory(ref="CAM/DSI", case_type="dsi_matter")
    CaseFactory(ref="CAM/C")
    body = listed(
        client,
        received_from_day="31",
        received_from_month="2",
        received_from_year="2024",
        case_type="dsi_matter",
    )
    assert "Error: Cases" in body
    assert 'href="#id_received_from_0"' in body and "The start date must be a real date." in body
    assert "CAM/DSI" in body and "CAM/C<" not in body


def test_an_end_date_before_the_start_is_refused(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    body = listed(client, received_from="2024-05-01", received_to="2024-01-01")
    assert "The end date must be the same as or after the start date." in body


def test_the_list_pages_and_keeps_the_filters(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    for n in range(51):
        CaseFactory(ref=f"CAM/P{n:02d}", case_type="conduct_matter")
    body = listed(client, case_type="conduct_matter")
    assert "51 cases found" in body and "Page 1 of 2" in body
    assert "case_type=conduct_matter&amp;page=2" in body


def test_the_list_takes_as_many_queries_for_thirty_cases_as_for_one(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    AllegationSubjectFactory(allegation__case__ref="CAM/Q0")
    with CaptureQueriesContext(connection) as one:
        listed(client)
    for n in range(1, 30):
        AllegationSubjectFactory(allegation__case__ref=f"CAM/Q{n}")
    with CaptureQueriesContext(connection) as thirty:
        body = listed(client)
    assert body.count('class="candour-results__item"') == 30
    assert len(thirty) == len(one)


def test_a_subject_never_sees_a_case_about_themselves(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    me = PersonFactory(ref="P-ME")
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"], person=me)
    AllegationSubjectFactory(allegation__case__ref="CAM/ABOUT-ME", subject=me)
    assert "CAM/ABOUT-ME" not in listed(client)
    assert "CAM/ABOUT-ME" not in listed(client, q="P-ME")
