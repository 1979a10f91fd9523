"""Without Chromium a report cannot be drawn: the API and the pages answer 503 with a message
naming the missing part and its fix, never a 500; with Chromium back, the same report comes."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from reports import kaleido_server
from service.services.browser import forget_browser_checks
from tests.service.web.pages import PersonSession

MISSING = "/nonexistent/chromium"
MESSAGE = (
    f"Reports cannot be drawn: Chromium was not found at {MISSING}. "
    "Install Debian's chromium package or set BROWSER_PATH"
)


@pytest.fixture
def no_chromium(app, scored_round, monkeypatch):
    """A closed round whose report was never drawn, and no Chromium where it is configured."""
    # The close drew the report already (the job ran at once): forget it, and the browser
    # this process started for it, so the next request must start one.
    for stored in (Path(app.config["INSTANCE_PATH"]) / "reports").glob("*"):
        stored.unlink()
    kaleido_server.stop()
    forget_browser_checks()
    monkeypatch.setenv("BROWSER_PATH", MISSING)
    yield scored_round
    kaleido_server.stop()
    forget_browser_checks()


def test_the_api_report_pdf_answers_503_naming_chromium(api, no_chromium, monkeypatch):
    hr, _, round_id = no_chromium
    answer = api.call("GET", f"/api/v1/rounds/{round_id}/report.pdf", hr)
    assert answer.status_code == 503
    assert answer.get_json() == {
        "code": 503,
        "status": "Service Unavailable",
        "message": MESSAGE,
    }
    # Chromium back: the same request draws the report.
    monkeypatch.delenv("BROWSER_PATH")
    answer = api.call("GET", f"/api/v1/rounds/{round_id}/report.pdf", hr)
    assert answer.status_code == 200
    assert answer.data.startswith(b"%PDF")
    answer.close()


def test_the_report_page_and_its_pdf_link_answer_503_naming_chromium(app, no_chromium):
    _, _, round_id = no_chromium
    browser = PersonSession(app, "maya@example.org")
    for path in (f"/rounds/{round_id}/report", f"/rounds/{round_id}/report.pdf"):
        answer = browser.get(path)
        assert answer.status_code == 503, path
        assert answer.mimetype == "text/html"
        assert MESSAGE in html.unescape(answer.get_data(as_text=True)), path
