"""An FOI officer prepares an answer in Chromium: form, table, chart, sentences, section 40
note, and every download; plus the public page's charts. No CSP errors, no axe violations."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from candour.conftest import axe_violations, fill_date
from candour.core.roles import Role
from candour.factories import (
    TEST_PASSWORD,
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed() -> None:
    for n in range(17):
        flag = "sexual" if n < 9 else "domestic_abuse" if n < 15 else "dishonesty"
        case = CaseFactory(ref=f"C{n}", received_date=dt.date(2016 + n % 6, 6, 1))
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=case, flags=[flag]),
            subject=PersonFactory(ref=f"O{n}"),
        )


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_foi_officer_prepares_and_downloads_an_answer(page) -> None:  # type: ignore[no-untyped-def]
    seed()
    UserFactory(username="fiona", role=Role.FOI_OFFICER, forces=["cambridgeshire"])
    sign_in(page, "fiona")
    page.goto("/transparency/foi/")
    assert axe_violations(page) == [], "FOI form"
    page.get_by_label("FOI reference").fill("FOI/2024/0042")
    page.get_by_label("The request").fill(
        "How many officers were investigated for sexual misconduct?"
    )
    page.get_by_label("Officers and staff (each person once)").check()
    page.get_by_label("Break down by").select_option("flag")
    fill_date(page, "From", dt.date(2015, 4, 1))
    fill_date(page, "To (inclusive)", dt.date(2022, 3, 31))
    page.get_by_role("button", name="Prepare answer").click()

    page.wait_for_url("**/transparency/foi/answers/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "FOI/2024/0042"
    body = page.locator("main").inner_text()
    assert (
        "Between 1 April 2015 and 31 March 2022, 17 officers in Cambridgeshire Constabulary were "
        "the subject of allegations; 9 of them for sexual misconduct" in body
    )
    assert "section 40(2) of the Freedom of Information Act 2000" in body
    page.locator("canvas[data-chart-ready='true']").wait_for()
    assert axe_violations(page) == [], "FOI answer"

    downloads = {}
    for name in ["CSV", "XLSX", "ODS", "Letter (PDF)"]:
        with page.expect_download() as info:
            page.get_by_role("link", name=name, exact=True).click()
        downloads[name] = (info.value.suggested_filename, open(info.value.path(), "rb").read())
    assert downloads["CSV"][0] == "foi-FOI-2024-0042.csv"
    csv_lines = downloads["CSV"][1].decode().splitlines()
    assert "sexual,Sexual,9,false" in csv_lines and "dishonesty,Dishonesty,,true" in csv_lines
    import pandas

    xlsx = pandas.read_excel(io.BytesIO(downloads["XLSX"][1]), sheet_name="statistics")
    ods = pandas.read_excel(io.BytesIO(downloads["ODS"][1]), sheet_name="statistics", engine="odf")
    assert xlsx["value"].iloc[0] == ods["value"].iloc[0] == 9
    assert downloads["Letter (PDF)"][1].startswith(b"%PDF")

    page.get_by_role("link", name="Re-run now and compare").click()
    assert "The records give the same figures" in page.get_by_test_id("rerun-summary").inner_text()
    assert page.csp_violations == []


def test_the_public_page_draws_its_charts(page) -> None:  # type: ignore[no-untyped-def]
    seed()
    page.goto("/transparency/public/cambridgeshire/")
    page.locator("canvas[data-chart-ready='true']").first.wait_for()
    assert page.locator("canvas[data-chart-ready='true']").count() >= 3
    assert axe_violations(page) == []
    # Forces compared (rates per 1,000, a server-drawn chart): axe-clean, and no sideways
    # scroll of the page on a phone.
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/transparency/public/compare/?count=officers&date_from=2016-01-01")
        assert page.get_by_test_id("comparison-chart").locator("li").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        assert axe_violations(page) == [], width
    assert page.csp_violations == []


def test_a_wide_cross_table_scrolls_in_its_own_region_not_the_page(page) -> None:  # type: ignore[no-untyped-def]
    from candour.cases.models import Category

    for n, category in enumerate(Category.objects.order_by("code")[:24]):
        AllegationFactory(
            case=CaseFactory(ref=f"W{n}", received_date=dt.date(2019 + n % 3, 6, 1)),
            category=category,
        )
    UserFactory(username="fiona", role=Role.FOI_OFFICER, forces=["cambridgeshire"])
    sign_in(page, "fiona")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/transparency/statistics/?count=allegations&by=year&then_by=category")
        region = page.get_by_role("region", name="Figures (scroll sideways to see every column)")
        assert region.locator("table").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        assert region.evaluate("r => r.scrollWidth > r.clientWidth"), width  # it scrolls itself
        region.focus()  # keyboard users reach it, and scroll it with the arrow keys
        page.keyboard.press("ArrowRight")
        # The browser may scroll smoothly: wait (up to 5 s) for the region to have moved.
        page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
        assert axe_violations(page) == [], width
    assert page.csp_violations == []
