"""Playwright on Debian's Chromium against pytest-django's live server.

Browser tests are skipped with a message when Chromium is missing, except under CI=true,
where a missing Chromium fails the run.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI needs it for the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
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
def page(browser, live_server):
    """A fresh browser context (Swedish, like the users) whose base URL is the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """``login(user)``: log in through the login form as a person would."""

    def _login(user, password="secret-pass-123"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        return page

    return _login


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves test-artifacts/screenshots/name.png to look at."""

    def _shot(name):
        folder = os.path.join(os.getcwd(), "test-artifacts", "screenshots")
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)

    return _shot
