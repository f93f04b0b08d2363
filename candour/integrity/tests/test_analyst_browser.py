"""The analyst's journey in Chromium: sign in with two-factor authentication, open the queue of
flags, read one and decide it, see it leave the queue, and read the person's co-accused network;
send a report through the integrity line and open it again; every page passes axe-core, at desktop and phone widths, and breaks no Content-Security-Policy
rule."""

import datetime as dt

import pytest
from django.utils import timezone

from candour.conftest import axe_violations, sign_in_with_two_factor
from candour.core.roles import Role
from candour.factories import UserFactory
from candour.integrity.models import FlagDecision
from candour.integrity.tests.scenarios import case_against, officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_decides_a_flag_and_reads_the_co_accused_network(page) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ana", role=Role.CCU_ANALYST, forces=["cambridgeshire"])
    person, colleague = officer("P700"), officer("P701")
    today = timezone.localdate()
    for days, ref in ((300, "CAM/B/1"), (150, "CAM/B/2"), (20, "CAM/B/3")):
        case_against(person, colleague, received=today - dt.timedelta(days=days), ref=ref)

    sign_in_with_two_factor(page, "ana", then="/integrity/")
    assert page.get_by_role("heading", level=1).inner_text() == "Early-warning flags"
    queue = page.get_by_test_id("to-decide")
    assert "CAM/B/1" in queue.inner_text()
    assert axe_violations(page) == [], "queue"

    page.get_by_role("link", name="Cluster of cases in 12 months: P700").click()
    assert "3 cases in the 12 months" in page.get_by_test_id("explanation").inner_text()
    assert page.get_by_test_id("facts").get_by_role("link").count() == 3
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == [], "flag with errors"
    page.get_by_label("No action").check()
    page.get_by_label("Reason").fill("Three matters from one incident, already handled.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url("**/integrity/")
    assert "Decision recorded for P700" in page.inner_text("main")
    assert (
        "Cluster of cases in 12 months: P700" not in page.get_by_test_id("to-decide").inner_text()
    )
    assert FlagDecision.objects.get().decision == "no_action"

    page.goto(f"/cases/people/{person.pk}/")
    network = page.get_by_test_id("co-accused-network")
    assert network.is_visible() and network.locator("circle").count() == 2
    assert "P701" in page.get_by_test_id("co-accused-table").inner_text()
    page.goto("/integrity/line/")
    page.get_by_role("button", name="Send the report").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == [], "integrity line with errors"
    page.get_by_label("Your force").select_option("cambridgeshire")
    page.get_by_label("Who is your concern about?").fill("PC 99, response team")
    page.get_by_label("What is your concern?").fill("Searches an ex-partner on Niche.")
    page.get_by_role("button", name="Send the report").click()
    reference = page.get_by_test_id("reference").inner_text()
    passphrase = page.get_by_test_id("passphrase").inner_text()
    assert axe_violations(page) == [], "integrity line sent"
    page.get_by_role("link", name="Add information or read replies").click()
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Open the report").click()
    assert "No messages yet." in page.get_by_test_id("line-messages").inner_text()
    assert axe_violations(page) == [], "integrity line follow-up"
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in [
            "/integrity/",
            f"/cases/people/{person.pk}/",
            "/integrity/reports/",
            "/integrity/declarations/",
            "/integrity/declarations/mine/",
        ]:
            page.goto(path)
            assert axe_violations(page) == [], (width, path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                width,
                path,
            )
    assert page.csp_violations == []
