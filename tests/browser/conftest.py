"""Headless Chromium through Playwright, against pytest-django's live server.

Uses Debian's chromium (CHROMIUM_PATH or /usr/bin/chromium): Playwright cannot
download its own browser here. Without Chromium these tests are skipped, except
under CI, where a missing browser is a failure.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# One folder per database: make test runs the SQLite and PostgreSQL passes side by side.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / connection.vendor
# Playwright's sync API runs an event loop in this thread; the live server's
# database work happens in its own thread, so Django's async guard is moot here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
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
def page(browser, live_server, transactional_db):
    """A fresh browser page; console errors and failed requests fail the test."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()
    assert page.console_errors == []


def click_and_load(page, selector):
    """Click what submits a form or follows a link, and wait for the page it leads to:
    the next lines read that page, not the one still shown while the server answers."""
    with page.expect_navigation():
        page.click(selector)


def login(page, user, password="correct horse battery staple", next_url="/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    click_and_load(page, "#login-submit")


def wait_until(page, expression, arg=None, timeout=10_000):
    """Wait until the JavaScript expression (or function of ``arg``) is true in the page.

    Not Playwright's wait_for_function: when its first test fails, it tests again by
    evaluating the string inside the page, which the site's Content Security Policy
    refuses (no 'unsafe-eval'): a test passed or failed by how soon the page was ready.
    page.evaluate is not subject to the policy."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"Not true within {timeout} ms: {expression}")
        page.wait_for_timeout(50)


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
