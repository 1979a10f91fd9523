"""After the report, on a phone: the plan page's "Thank your raters" (the email read from
the outbox), a pulse started, a rater answering it from the link in their email, enough
raters answering, the pulse closed and its results on the plan page; accessible, and never
wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.page_checks import serious_violations, too_wide
from tests.browser.test_self_assessment import sign_in
from tests.service.conftest import RATERS, SCORES, answer_all
from tests.service.pulse_helpers import emails, pulse_tokens, save_plan, text_of

MAYA = "maya@example.org"


@pytest.fixture
def planned_round(api):
    """Maya's closed round, answered as in the service tests' scored round, with a plan on
    empathy and leadership; returns the round id."""
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    _, maya = api.person("member", name="Maya Lind", email=MAYA)
    created = api.create_round(hr, subject_email=MAYA, raters=RATERS)
    tokens = api.launch(hr, created["id"])
    for email, score in SCORES.items():
        answer_all(api, tokens[email], score)
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr).status_code == 200
    save_plan(api, maya, created["id"])
    return created["id"]


def checked(page, name: str) -> list[str]:
    return serious_violations(page, name) + too_wide(page, name)


def test_thank_then_pulse_then_results_on_a_phone(app, api, new_page, live_server, planned_round):
    round_id = planned_round
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(app, page, live_server)
    page.goto(f"{live_server}/rounds/{round_id}/plan")
    expect(page.get_by_role("heading", name="After the report")).to_be_visible()
    problems = checked(page, "the plan page with its pulse section")

    page.get_by_role("button", name="Thank your raters").click()
    expect(page.get_by_role("heading", name="Thank your raters")).to_be_visible()
    problems += checked(page, "the thank-you form")
    page.locator("#message").fill("")
    page.get_by_role("button", name="Send my thank-you").click()
    expect(page.get_by_role("heading", name="Your thank-you was not sent")).to_be_visible()
    problems += checked(page, "a refused thank-you")
    page.locator("#message").fill("Thank you all! I am working on listening and on explaining why.")
    page.get_by_role("button", name="Send my thank-you").click()
    expect(page.get_by_text("Your thank-you is on its way to 5 raters.")).to_be_visible()
    # The email, as the raters read it: every rater but Maya, whoever answered.
    thanks = emails(app, "A thank-you from Maya Lind")
    assert {message["To"].addresses[0].addr_spec for message in thanks} == {
        rater["email"] for rater in RATERS
    }
    assert "I am working on listening" in text_of(thanks[0])

    page.get_by_role("button", name="Start a pulse").click()
    expect(page.get_by_role("heading", name="Start an impact pulse")).to_be_visible()
    problems += checked(page, "the pulse's start form")
    page.get_by_role("button", name="Send the pulse").click()
    expect(page.get_by_text("Your pulse is on its way to your raters.")).to_be_visible()
    expect(page.locator("#pulse")).to_contain_text("0 of 5 people have answered")

    # A rater opens the link from their email, on their own phone.
    tokens = pulse_tokens(app)
    rater = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    rater.goto(f"{live_server}/p/{tokens['pia@example.org']}")
    expect(rater.get_by_role("heading", name="Has Maya Lind changed?")).to_be_visible()
    problems += checked(rater, "the pulse page")
    ARTIFACTS.mkdir(exist_ok=True)
    rater.screenshot(path=ARTIFACTS / "pulse-page.png", full_page=True)
    rater.get_by_text("+2 better").first.click()
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.get_by_role("heading", name="Your answers were not sent")).to_be_visible()
    problems += checked(rater, "a refused pulse answer")
    leadership = rater.locator("#answer-leadership")
    leadership.get_by_text("+1 a little better").click()
    rater.locator("#comment").fill("Asks for our views before deciding.")
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.get_by_role("heading", name="Thank you: you already answered")).to_be_visible()
    problems += checked(rater, "an answered pulse")

    # Two more raters answer through the API: three in all, the threshold.
    for email in ("pat@example.org", "pol@example.org"):
        body = {"answers": {"empathy": 1, "leadership": 0}}
        sent = api.call("POST", "/api/v1/pulse/submit", tokens[email], json=body)
        assert sent.status_code == 200

    page.reload()
    expect(page.locator("#pulse")).to_contain_text("3 of 5 people have answered")
    page.get_by_role("button", name="Close the pulse now").click()
    expect(page.get_by_text("The pulse is closed; its results are below.")).to_be_visible()
    results = page.get_by_role("region", name="Pulse results")
    # Three peers: empathy (2 + 1 + 1) / 3 = +1.33, leadership (1 + 0 + 0) / 3 = +0.33.
    expect(results).to_contain_text("+1.33")
    expect(results).to_contain_text("+0.33")
    problems += checked(page, "the plan page with the pulse's results")
    page.get_by_role("link", name="Read the pulse report").click()
    expect(page.get_by_role("heading", name="Impact pulse: Maya Lind")).to_be_visible()
    expect(page.get_by_text("Asks for our views before deciding.")).to_be_visible()
    problems += checked(page, "the pulse report")
    assert problems == []
