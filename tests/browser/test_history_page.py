"""The history page in a real browser, on a phone and a desktop: plotly.js from this site
draws a line per skill, the self-assessment's lines toggle, the table holds the numbers;
axe-clean and never wider than the window."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.instrument import load_instrument
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.page_checks import serious_violations, too_wide
from tests.browser.test_self_assessment import sign_in
from tests.service.test_change_at_close import MAYA, closed_round

SKILLS = len(load_instrument("soft-skills", "1").skills)


@pytest.fixture
def two_rounds(api):
    """Maya's two closed rounds; the second's id."""
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    api.person("member", name="Maya Lind", email=MAYA)
    closed_round(api, hr, [2, 3, 3, 3], self_score=5)
    return closed_round(api, hr, [4, 4, 4, 3], self_score=4)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_history_page_draws_and_toggles_the_self_lines(
    app, new_page, live_server, two_rounds, viewport
):
    phone = viewport is PHONE
    page = new_page(viewport=viewport, is_mobile=phone, has_touch=phone)
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(app, page, live_server)
    if phone:
        page.goto(f"{live_server}/history")
    else:
        page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Your history")).to_be_visible()
    chart = page.locator("#history-chart")
    # One line per skill for all others, and as many self lines, hidden at first.
    expect(chart).to_have_attribute("data-drawn", str(2 * SKILLS))
    expect(chart.locator(".scatterlayer .trace")).to_have_count(SKILLS)
    problems = serious_violations(page, "history") + too_wide(page, "history")

    toggle = page.get_by_role("switch", name="Show your self-assessment")
    toggle.check()
    expect(chart).to_have_attribute("data-self-shown", "true")
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2 * SKILLS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"history-page-{'phone' if phone else 'desktop'}.png")
    toggle.uncheck()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(SKILLS)
    problems += serious_violations(page, "history, toggled") + too_wide(page, "history, toggled")

    expect(page.locator("table.history-data")).to_contain_text("2.75")
    expect(page.locator("table.history-data")).to_contain_text("3.75")
    assert problems == []
    assert errors == []
    assert scripts and all(url.startswith(live_server) for url in scripts), scripts
    assert f"{live_server}/assets/plotly.min.js" in scripts


def test_the_second_rounds_report_page_says_what_changed_on_a_phone(
    app, new_page, live_server, two_rounds
):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(app, page, live_server)
    page.goto(f"{live_server}/rounds/{two_rounds}/report")
    section = page.locator("section.change")
    expect(section.get_by_role("heading", name="Since your last 360")).to_be_visible()
    # Every skill rose from 2.75 to 3.75: reliable (rci 3.16), a sentence and a row each.
    expect(section.get_by_text("up from 2.75")).to_have_count(SKILLS)
    expect(section.locator("table.change-data tbody tr")).to_have_count(SKILLS)
    expect(section.locator("figure figcaption")).to_have_count(1)
    section.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-change-phone.png")
    assert serious_violations(page, "report") + too_wide(page, "report") == []
