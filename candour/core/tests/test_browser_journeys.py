"""Journeys people take, in Chromium: signing in with two-factor enrolment, reading a case,
and an accessibility scan (axe-core) of the main pages."""

import re

import pytest

from candour.conftest import axe_violations, sign_in_with_two_factor, totp_code_from_key
from candour.core.roles import Role
from candour.factories import TEST_PASSWORD, AllegationSubjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_investigator_signs_in_enrols_and_reads_a_case(page) -> None:
    UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    case = AllegationSubjectFactory(allegation__case__ref="CAM/2021/7").allegation.case
    sign_in_with_two_factor(page, "ivy", then="/cases/")
    page.get_by_role("link", name="CAM/2021/7").click()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Complaint CAM/2021/7"
    assert page.csp_violations == []


def test_wrong_password_shows_an_error_summary(page) -> None:
    UserFactory(username="ivy")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ivy")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accessibility/", "/privacy/"])
def test_public_pages_pass_an_accessibility_scan(page, path: str) -> None:
    page.goto(path)
    assert axe_violations(page) == []
    assert page.csp_violations == []


def test_signed_in_pages_pass_an_accessibility_scan(page) -> None:
    UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    case = AllegationSubjectFactory(allegation__case__ref="CAM/1").allegation.case
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ivy")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/accounts/two-factor/")
    assert axe_violations(page) == [], "two-factor enrolment page"
    key = page.get_by_test_id("totp-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(totp_code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    for path in ["/dashboard/", "/cases/", f"/cases/{case.pk}/"]:
        page.goto(path)
        assert re.search(r"Candour", page.title())
        assert axe_violations(page) == [], path
    assert page.csp_violations == []
