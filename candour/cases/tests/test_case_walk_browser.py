"""The Done-when walk through the pages, in Chromium: one complaint with two subjects from intake
to a Police Appeals Tribunal appeal for one and reflective practice for the other, the same walk
as test_api_walk.py takes through the API. axe-core runs on every page on the way, and the
Content-Security-Policy is never broken."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from candour.cases.models import Case
from candour.conftest import axe_violations, fill_date, open_page, sign_in_with_two_factor
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, where: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == [], where
    assert page.csp_violations == [], where


def choose(page, group: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def step(page, case_url: str, link: str, fill=None, *, subject: str = "") -> None:  # type: ignore[no-untyped-def]
    """From the case page, open one step's form, check it, fill it and save it."""
    page.goto(case_url)
    checked(page, f"case page before {link}")
    name = re.compile(re.escape(link) + (rf".*\({re.escape(subject)}," if subject else ""))
    page.get_by_role("link", name=name).first.click()
    checked(page, f"form: {link}")
    if fill is not None:
        fill(page)
    page.get_by_role("button", name="Save").click()
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.is_visible(), page.locator("main").inner_text()[:800]
    checked(page, f"after {link}")


def test_a_complaint_with_two_subjects_runs_from_intake_to_appeal_through_the_pages(
    page, browser, live_server
) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    UserFactory(username="aaron", role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"])
    PersonFactory(ref="PC-ADAMS", name="Alan Adams", collar_number="1001")
    PersonFactory(ref="PC-BAKER", name="Beth Baker", collar_number="2002")
    today = timezone.localdate()
    ivy = page
    sign_in_with_two_factor(ivy, "ivy", then="/cases/new/")
    checked(ivy, "intake")

    # Intake: the complaint, its complainant, one allegation against two officers.
    choose(ivy, "What kind of matter is it?", "Complaint")
    fill_date(ivy, "Date received", today - dt.timedelta(days=10))
    ivy.get_by_label("Where it happened (optional)").fill("Market Square")
    ivy.get_by_label("What happened", exact=True).fill(
        "Stopped and searched without grounds; abusive language. Market Square, 9 pm."
    )
    ivy.get_by_label("Complainant's name").fill("Jane Roe")
    ivy.get_by_label("Email address").fill("jane@example.org")
    ivy.get_by_role("button", name="Record the matter").click()
    checked(ivy, "add allegation")
    case = Case.objects.get()
    case_url = f"/cases/{case.pk}/"
    ivy.get_by_label("Category").select_option("sexual_harassment")
    ivy.get_by_role("group", name="Themes").get_by_label("Sexual", exact=True).check()
    for text, who in (
        ("1001", "1001 Alan Adams (PC-ADAMS)"),
        ("Baker", "2002 Beth Baker (PC-BAKER)"),
    ):
        ivy.get_by_label("Find a subject").fill(text)
        ivy.get_by_role("button", name="Search").click()
        checked(ivy, f"subject search {text}")
        ivy.get_by_label(who).check()
    ivy.get_by_role("button", name="Save the allegation").click()
    assert ivy.url.endswith(case_url)

    aaron = open_page(browser, live_server.url)
    sign_in_with_two_factor(aaron, "aaron", then=case_url)

    step(
        ivy,
        case_url,
        "Decide the handling",
        lambda p: (
            choose(p, "Handle within Schedule 3", "Yes"),
            p.get_by_label("Reason").fill("Serious allegation"),
        ),
    )
    step(
        aaron,
        case_url,
        "Assess (or reassess) the severity",
        lambda p: choose(p, "Severity", "Gross misconduct"),
        subject="PC-ADAMS",
    )
    step(
        aaron,
        case_url,
        "Assess (or reassess) the severity",
        lambda p: choose(p, "Severity", "Misconduct"),
        subject="PC-BAKER",
    )
    step(ivy, case_url, "Refer to the IOPC", lambda p: choose(p, "Referral", "Mandatory referral"))
    step(
        ivy,
        case_url,
        "Record the IOPC's decision",
        lambda p: choose(p, "Mode", "Directed investigation (by the force, under IOPC direction)"),
    )
    step(
        aaron,
        case_url,
        "Assess (or reassess) the severity",
        lambda p: (choose(p, "Severity", "Misconduct"), p.get_by_label("Reason").fill("CCTV")),
        subject="PC-BAKER",
    )
    step(ivy, case_url, "Serve the regulation 17 notice", subject="PC-ADAMS")
    step(ivy, case_url, "Serve the regulation 17 notice", subject="PC-BAKER")

    ivy.goto(case_url)
    clocks = ivy.locator("#clocks + ul").inner_text()
    assert "Report on an investigation not finished within 12 months" in clocks
    assert "regulation 17 notice" in clocks and "reg 19" in clocks
    with ivy.expect_download() as download:
        ivy.get_by_role("link", name=re.compile("Regulation 17 notice to 1001 Alan Adams")).click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"

    step(ivy, case_url, "Record the investigation report")
    step(
        aaron,
        case_url,
        "Decide: case to answer",
        lambda p: choose(p, "Decision", "Case to answer"),
        subject="PC-ADAMS",
    )
    step(
        aaron,
        case_url,
        "Decide: case to answer",
        lambda p: choose(p, "Decision", "Practice requiring improvement"),
        subject="PC-BAKER",
    )
    step(aaron, case_url, "Refer to the reflective practice review process", subject="PC-BAKER")

    def hearing(p) -> None:  # type: ignore[no-untyped-def]
        choose(p, "Forum", "Gross misconduct hearing")
        fill_date(p, "Date of the meeting or hearing", today + dt.timedelta(days=30))
        p.get_by_label(re.compile("Panel: Legally qualified chair")).fill("A. Chair")
        p.get_by_label(re.compile("Panel: Officer of at least the rank")).fill("Supt Grey")
        p.get_by_label(re.compile("Panel: Independent member")).fill("M. Lay")

    step(aaron, case_url, "Arrange misconduct proceedings", hearing, subject="PC-ADAMS")

    # The hearing's outcome form offers dismissal; a misconduct meeting's would not.
    step(
        aaron,
        case_url,
        "Record the outcome of proceedings",
        lambda p: choose(p, "Outcome", "Dismissal without notice"),
        subject="PC-ADAMS",
    )
    step(ivy, case_url, "Record an appeal to the Police Appeals Tribunal", subject="PC-ADAMS")
    step(
        ivy,
        case_url,
        "Record the Police Appeals Tribunal's decision",
        lambda p: choose(p, "Result", "Appeal dismissed"),
        subject="PC-ADAMS",
    )

    ivy.goto(case_url)
    checked(ivy, "case page at the end")
    body = ivy.locator("main").inner_text()
    assert "Dismissal without notice" in body and "Reflective practice" in body
    assert "Appeal dismissed" in body
    timeline = ivy.get_by_test_id("timeline").inner_text()
    assert timeline.index("Recorded the matter") < timeline.index("Serve the regulation 17 notice")
    assert "by aaron" in timeline and "by ivy" in timeline and "Reason: CCTV" in timeline

    # The outcome letter to the complainant, once an outcome is known.
    ivy.get_by_role("link", name="Outcome letter to the complainant").click()
    checked(ivy, "outcome letter form")
    with ivy.expect_download() as download:
        choose(ivy, "Which body would review this complaint?", "IOPC")
        ivy.get_by_role("button", name="Make the letter (PDF)").click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"

    # The person page and the work queue, checked too.
    ivy.goto(case_url)
    ivy.get_by_role("link", name="1001 Alan Adams (PC-ADAMS)").first.click()
    checked(ivy, "person page")
    assert "Dismissal without notice" in ivy.locator("main").inner_text()
    ivy.goto("/cases/work/")
    checked(ivy, "work queue")
    aaron.context.close()
