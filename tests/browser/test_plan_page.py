"""The development plan on a phone: from the report's round page to "Make your plan", a
refused save, a saved plan and a check-in; accessible, and never wider than the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.page_checks import serious_violations, too_wide
from tests.browser.test_self_assessment import sign_in
from tests.service.conftest import RATERS, SCORES, answer_all

MAYA = "maya@example.org"


@pytest.fixture
def closed_round(api):
    """Maya's closed round, answered as in the service tests' scored round."""
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    api.person("member", name="Maya Lind", email=MAYA)
    created = api.create_round(hr, subject_email=MAYA, raters=RATERS)
    tokens = api.launch(hr, created["id"])
    for email, score in SCORES.items():
        answer_all(api, tokens[email], score)
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr).status_code == 200
    return created["id"]


def checked(page, name: str) -> list[str]:
    problems = serious_violations(page, name) + too_wide(page, name)
    return problems


def test_report_to_plan_to_check_in_on_a_phone(app, new_page, live_server, closed_round):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(app, page, live_server)
    page.get_by_role("link", name=re.compile("360 started")).click()
    page.get_by_role("button", name="Make your plan").click()
    expect(page.get_by_role("heading", name="Your development plan")).to_be_visible()
    problems = checked(page, "the suggested plan")

    # The report's three focus skills come ticked; keep the first only, and forget its goal.
    expect(page.locator("#focus-emotional_intelligence")).to_be_checked()
    page.locator("#focus-adaptability").uncheck()
    page.locator("#focus-creative_problem_solving").uncheck()
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_role("heading", name="Your plan was not saved")).to_be_visible()
    problems += checked(page, "a refused plan")

    page.locator("#goal-emotional_intelligence").fill("Stay calm when a meeting gets tense")
    page.locator("#measure-emotional_intelligence").fill("My peers notice it in the next round")
    page.locator("#support_name-emotional_intelligence").fill("Lou Mentor")
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()

    page.locator("#checkin-text").fill("Named my frustration before answering in the review.")
    page.locator("#checkin-exercise").select_option("ei_emotion_journal")
    page.locator("#checkin-progress").fill("25")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Your check-in is saved.")).to_be_visible()
    expect(page.locator("#check-ins")).to_contain_text("Named my frustration")
    expect(page.locator("#check-ins")).to_contain_text("progress 25 of 100")
    problems += checked(page, "a saved plan with a check-in")

    page.locator("#check-in").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "plan-page.png")

    page.get_by_role("link", name="Notes").click()
    expect(page.get_by_role("heading", name="Notes", exact=True)).to_be_visible()
    page.locator("#note-about").fill("Kim Lee")
    page.locator("#note-text").fill("Promised to send the article on negotiation.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Your note is saved.")).to_be_visible()
    problems += checked(page, "the notes page")
    assert problems == []
