"""Fixtures every app's tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from candour.factories import TEST_PASSWORD, UserFactory


@pytest.fixture(scope="session", autouse=True)
def statistics_store_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Each test run counts statistics from store files of its own, removed when replaced."""
    from django.conf import settings

    settings.STATS_STORE_DIR = tmp_path_factory.mktemp("stats-store")
    settings.STATS_STORE_KEEP_SECONDS = 0


@pytest.fixture
def signed_in(client: Client, db):  # type: ignore[no-untyped-def]
    """Return a function that signs a new user with the given role and forces into ``client``,
    as if two-factor authentication had been passed."""

    def sign_in(role: str, forces: list[str], **fields: object):  # type: ignore[no-untyped-def]
        user = UserFactory(role=role, forces=forces, **fields)
        client.force_login(user)
        session = client.session
        # django-otp keeps the verified device in the session; tests of two-factor itself
        # go through the real enrolment instead of this shortcut.
        from candour.core.twofactor import pending_device

        device = pending_device(user)
        device.confirmed = True
        device.save()
        session["otp_device_id"] = device.persistent_id
        session.save()
        return user

    return sign_in


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


# --- Browser tests -------------------------------------------------------------------------
# Playwright drives Debian's Chromium (/usr/bin/chromium); nothing downloads a browser.

CHROMIUM = os.environ.get("CANDOUR_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run 'make system-deps'.")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """Transactional tests (live server, browser) flush the database after each test, taking
    the migration-loaded forces and categories with it: load them again."""
    from candour.cases.models import Category, Flag
    from candour.core.models import Force
    from candour.core.reference import load_categories, load_forces

    load_forces(Force)
    load_categories(Category, Flag)


def open_page(browser, base_url: str):  # type: ignore[no-untyped-def]
    """A new browser context and page on ``base_url``, in a British locale (the pages are for
    UK forces), downloads allowed; ``page.csp_violations`` collects any Content-Security-Policy
    errors the page logs, so tests can assert there are none. Close ``page.context`` after."""
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


@pytest.fixture
def page(browser, live_server, reference_data):  # type: ignore[no-untyped-def]
    """A fresh browser page on the live server (``open_page``)."""
    page = open_page(browser, live_server.url)
    yield page
    page.context.close()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (from npm, never a CDN) on the current page; return serious violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run 'make install' (it runs npm ci).")
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical", "moderate")
    ]


def totp_code_from_key(key: str) -> str:
    """The code an authenticator app would show for the key printed on the enrolment page."""
    import base64

    from django_otp.oath import totp

    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{totp(base64.b32decode(secret)):06d}"


def sign_in_with_two_factor(page, username: str, then: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form as a person would, enrol an authenticator on first sign-in
    (the role must need two-factor), and land on ``then``."""
    from candour.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(then)
    assert "/accounts/two-factor/" in page.url, "two-factor enrolment was not asked for"
    key = page.get_by_test_id("totp-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(totp_code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{then}")


def fill_date(page, legend: str, day) -> None:  # type: ignore[no-untyped-def]
    """Type ``day`` (a date) into the GOV.UK date input whose legend is ``legend``."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
