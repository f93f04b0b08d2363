"""A person files a report with the keyboard alone in Chromium, by the non-map path and by the
map; every step passes axe-core and breaks no Content-Security-Policy rule."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.conftest import axe_violations
from candour.streetsafe.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"Tab never reached {selector}; the focus is on {focused}")


def accessible(page, step: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == [], step


def answer_what_happened(page) -> None:  # type: ignore[no-untyped-def]
    """The details step, with the keyboard: day, time of day, two reasons, one optional answer."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    tab_to(page, "#id_day_0")  # the GOV.UK date input: day, month and year boxes
    for part in (yesterday.day, yesterday.month, yesterday.year):
        page.keyboard.type(str(part))
        page.keyboard.press("Tab")
    assert [page.input_value(f"#id_day_{n}") for n in range(3)] == [
        str(yesterday.day),
        str(yesterday.month),
        str(yesterday.year),
    ]
    tab_to(page, "input[name=time_of_day]")
    page.keyboard.press("ArrowDown")  # night -> morning ... radios move with the arrow keys
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # evening
    tab_to(page, "input[value=poor_lighting]")
    page.keyboard.press("Space")
    tab_to(page, "input[value=followed]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=sex]")  # "Prefer not to say" (checked) holds the group's tab stop
    page.keyboard.press("ArrowDown")  # wraps round to the first answer, Female
    tab_to(page, "button[type=submit]")
    # The answers are checked at the same address: wait for the new page, not for the address.
    with page.expect_navigation(url="**/streetsafe/details/"):
        page.keyboard.press("Enter")


def check_and_send(page) -> None:  # type: ignore[no-untyped-def]
    assert page.get_by_role("heading", level=1).inner_text().startswith("Check your answers")
    accessible(page, "check your answers")
    tab_to(page, "form[action$='/send/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/streetsafe/sent/")
    assert "Report sent" in page.inner_text("main")
    assert "999" in page.inner_text("main") and "101" in page.inner_text("main")
    accessible(page, "sent")


def test_a_person_reports_with_the_keyboard_without_the_map(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/streetsafe/")
    accessible(page, "start")
    tab_to(page, "a.govuk-button--start")
    page.keyboard.press("Enter")
    page.wait_for_url("**/streetsafe/where/")
    accessible(page, "where")

    tab_to(page, "#id_q")
    page.keyboard.type("NR2 1TF")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "NR2, postcode district" in page.inner_text("main")
    accessible(page, "places found")
    tab_to(page, "form[action$='/details/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/streetsafe/details/")
    assert page.get_by_role("heading", level=1).inner_text() == "What happened"
    assert page.locator("#id_force").input_value() == "norfolk"
    accessible(page, "what happened")

    answer_what_happened(page)
    check_and_send(page)

    report = Report.objects.get()
    assert report.force_id == "norfolk" and report.time_of_day == "evening"
    assert report.reason_codes() == ["poor_lighting", "followed"] and report.sex == "female"
    assert page.csp_violations == []


def test_a_person_reports_with_the_keyboard_on_the_map(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/streetsafe/where/")
    assert page.locator("#map-section").is_visible(), "the map shows when scripts run"
    accessible(page, "where, with the map")
    tab_to(page, "#map")
    status = page.locator("#map-status")
    for _ in range(20):  # from the whole country down to streets, one zoom step a key press
        if "The cross is on the place" in status.inner_text():
            break
        page.keyboard.press("NumpadAdd")
        page.wait_for_timeout(400)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert "The cross is on the place" in page.locator("#map-status").inner_text()
    accessible(page, "map zoomed in")
    tab_to(page, "#use-map-centre")
    page.keyboard.press("Enter")
    page.wait_for_url("**/streetsafe/details/")
    assert "the place you marked on the map" in page.inner_text("main")
    accessible(page, "what happened, from the map")
    page.locator("#id_force").focus()
    page.keyboard.press("Shift+Tab")  # keyboard focus back before the select
    tab_to(page, "#id_force")
    page.keyboard.type("Norfolk")  # a select jumps to the option typed
    answer_what_happened(page)
    check_and_send(page)

    report = Report.objects.get()
    assert report.force_id == "norfolk" and 49 < report.latitude < 56
    assert page.csp_violations == []
