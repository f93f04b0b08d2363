"""The review queue in Chromium: a vetting officer signs in with two-factor authentication,
opens a candidate match, decides it is the same person and sees it leave the pending list;
every page passes axe-core and breaks no Content-Security-Policy rule."""

import datetime as dt

import pytest

from candour.conftest import axe_violations, sign_in_with_two_factor
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force
from candour.vetting.models import CandidateMatch
from candour.vetting.tests.helpers import candidate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vetting_officer_confirms_a_match_and_it_leaves_the_queue(page) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="vera", role=Role.VETTING_OFFICER, forces=["norfolk"])
    person = PersonFactory(force=force("norfolk"), ref="NOR-0042")
    match = candidate(person=person, record_id="N00000042")
    candidate("suffolk", record_id="N-SUFFOLK")

    sign_in_with_two_factor(page, "vera", then="/vetting/")
    page.goto("/vetting/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vetting queue"
    assert axe_violations(page) == [], "queue"

    page.get_by_role("link", name="1 candidate match awaiting review").click()
    assert page.url.endswith("/vetting/datawash/")
    table = page.get_by_test_id("candidate-table")
    assert "N00000042" in table.inner_text() and "N-SUFFOLK" not in table.inner_text()
    assert axe_violations(page) == [], "candidate list"

    page.get_by_role("link", name="NOR-0042 and N00000042").click()
    assert page.url.endswith(f"/vetting/datawash/{match.pk}/")
    assert "day and month swapped" in page.get_by_test_id("reasons").inner_text()
    assert page.locator(".candour-weight-bar").count() == 3
    assert axe_violations(page) == [], "comparison"

    page.get_by_role("button", name="Same person", exact=True).click()
    assert page.url.endswith("/vetting/datawash/")
    assert "A vetting review of this person has been opened" in page.inner_text("main")
    assert "N00000042" not in page.get_by_test_id("candidate-table").inner_text()
    assert axe_violations(page) == [], "candidate list after deciding"

    match.refresh_from_db()
    assert match.status == "same_person" and match.review is not None
    assert CandidateMatch.objects.get(record_id="N-SUFFOLK").status == "pending"
    assert page.csp_violations == []


def test_the_vetting_record_decision_form_and_figures_pass_an_accessibility_scan(page) -> None:  # type: ignore[no-untyped-def]
    from candour.vetting import services

    UserFactory(username="vera", role=Role.VETTING_OFFICER, forces=["norfolk"])
    # A leaver, so the application page shows the warning and the confirmation box too.
    person = PersonFactory(force=force("norfolk"), ref="NOR-7", left_date=dt.date(2016, 5, 31))
    application = services.apply_for_vetting(person, "mv")
    candidate(person=person, record_id="N00000007")
    sign_in_with_two_factor(page, "vera", then="/vetting/")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in [
            f"/vetting/people/{person.pk}/",
            f"/vetting/applications/{application.pk}/",
            "/vetting/counts/",
            "/vetting/datawash/",
        ]:
            page.goto(path)
            assert axe_violations(page) == [], (width, path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                width,
                path,
            )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/vetting/applications/{application.pk}/")
    page.get_by_label("Refused").check()
    page.get_by_role("button", name="Record decision").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == [], "decision form with an error"
    assert page.csp_violations == []
