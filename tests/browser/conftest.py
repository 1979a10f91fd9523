"""Browser tests: the app served on a free local port, driven by the system's Chromium."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

BROWSER_PATH = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
INSTALL_HINT = "apt-get update && apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
# A common phone: the page must fit it without scrolling sideways.
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 5000


@pytest.fixture(scope="session")
def live_server(app):
    """The test app, on the test database, served over HTTP from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    if not Path(BROWSER_PATH).is_file():
        pytest.fail(
            f"No Chromium at {BROWSER_PATH}: the browser tests need Debian's chromium "
            f"package (`{INSTALL_HINT}`; `make test` installs it when missing), or "
            "BROWSER_PATH set to a Chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def new_page(browser, request):
    """Open a page in a fresh browser context; on failure every page opened is kept as a PNG."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield open_page
    for number, context in enumerate(contexts):
        if getattr(request.node, "call_failed", False):
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(
                    path=ARTIFACTS / f"{request.node.name}-{number}.png", full_page=True
                )
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


HR_PASSWORD = "a long HR passphrase"


def sign_in_as_hr(page, live_server: str, email: str = "hana@example.org") -> None:
    """Sign in on the sign-in page with HR's password; ends on the dashboard."""
    page.goto(f"{live_server}/sign-in")
    page.get_by_text("HR: sign in with a password").click()
    page.locator("#pw-email").fill(email)
    page.locator("#pw-password").fill(HR_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
