"""The case pages in Chromium: axe-core finds nothing, the Content-Security-Policy is never
broken, and nothing scrolls sideways on a 375 px phone screen."""

import pytest

from candour.conftest import axe_violations, sign_in_with_two_factor
from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scrolls_sideways(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_case_pages_pass_axe_and_fit_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    officer = PersonFactory(ref="P-LONGREFERENCE-000123", name="Samuel Vimes", collar_number="177")
    part = AllegationSubjectFactory(
        allegation__case__ref="CAM/2024/000123456",
        allegation__flags=["domestic_abuse"],
        subject=officer,
    )
    case = part.allegation.case
    sign_in_with_two_factor(page, "ivy", then="/cases/")
    paths = [
        "/cases/",
        "/cases/?q=Vimes&received_from=not-a-date",
        f"/cases/{case.pk}/",
        f"/cases/people/{officer.pk}/",
        "/cases/people/?q=vimes",
        "/cases/work/",
        "/dashboard/",
    ]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(path)
            assert axe_violations(page) == [], (width, path)
            assert not scrolls_sideways(page), (width, path)
    assert page.csp_violations == []


def test_searching_by_collar_number_leads_to_the_person_and_back_to_the_case(page) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    officer = PersonFactory(ref="P-5", name="Fred Colon", collar_number="5150")
    AllegationSubjectFactory(allegation__case__ref="CAM/COLON", subject=officer)
    sign_in_with_two_factor(page, "ivy", then="/cases/")
    page.get_by_role("textbox", name="Search").fill("5150")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="CAM/COLON").click()
    page.get_by_role("link", name="5150 Fred Colon (P-5)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "5150 Fred Colon (P-5)"
    assert page.get_by_role("link", name="CAM/COLON").is_visible()
