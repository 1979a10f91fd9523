"""The demo's report as a page of the site, on a desktop and a phone: accessible (axe), no
wider than the window, no text under 14 px, one h1, a way back, every chart with its numbers."""

from __future__ import annotations

import itertools
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from service.services.demo import load_demo
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.test_survey_page import serious_violations

MIN_FONT_PX = 14

# Every visible text node whose computed font size is under the minimum, with where it is.
SMALL_TEXT = """min => {
    const small = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const text = node.textContent.trim();
        if (!text) continue;
        const element = node.parentElement;
        const style = getComputedStyle(element);
        if (style.visibility === "hidden" || !element.getClientRects().length) continue;
        const size = parseFloat(style.fontSize);
        if (size < min) {
            small.push(`${element.tagName}.${element.className} ${size}px: ${text.slice(0, 40)}`);
        }
    }
    return small;
}"""

# Each figure: whether it has a caption and a table, and the table's first header cell.
FIGURES = """() => [...document.querySelectorAll("main figure")].map(figure => ({
    caption: !!figure.querySelector("figcaption"),
    table: !!figure.querySelector("table"),
    image: figure.querySelector("img")?.getAttribute("alt") || "",
}))"""


@pytest.fixture
def demo(app):
    """The demo's people and rounds; its closed round about Maya Lind has 11 responses."""
    with app.app_context():
        return load_demo()


def open_report(new_page, live_server: str, demo, viewport: dict):
    page = (
        new_page(viewport=viewport, is_mobile=True, has_touch=True)
        if viewport == PHONE
        else new_page(viewport=viewport)
    )
    page.goto(live_server + urlparse(demo.member_sign_in_link).path)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()
    page.goto(f"{live_server}/rounds/{demo.closed_round_id}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Development report: Maya Lind")
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_report_page_reads_well_at_every_size(new_page, live_server, demo, viewport):
    page = open_report(new_page, live_server, demo, viewport)
    name = "phone" if viewport == PHONE else "desktop"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"report-page-{name}.png")

    # A page of the site: one h1, a main, the way back to the round and to the PDF.
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)
    back = page.get_by_role("link", name="Back to your 360")
    expect(back).to_have_attribute("href", f"/rounds/{demo.closed_round_id}")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))

    # Every chart: an image with a text alternative, a caption, its numbers as a table.
    figures = page.evaluate(FIGURES)
    assert len(figures) == 8  # the radar and seven skills' bars
    assert all(f["caption"] and f["table"] and f["image"] for f in figures), figures

    # Nothing wider than the window; no text under 14 px; a chart scales to the width.
    width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{width} px wide in a {window} px window"
    assert page.evaluate(SMALL_TEXT, MIN_FONT_PX) == []
    radar_width = page.locator("figure img").first.evaluate("img => img.clientWidth")
    assert radar_width <= window - 32

    assert serious_violations(page) == []


def test_the_phone_page_for_the_docs(new_page, live_server, demo):
    """The summary on a phone: the radar as wide as the screen, its legend and table under it."""
    page = open_report(new_page, live_server, demo, PHONE)
    page.locator("section.summary").evaluate("section => section.scrollIntoView()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-page-phone-summary.png")
    legend = page.locator(".legend li")
    expect(legend).to_have_count(5)  # self, manager, peers, direct reports + others, all others
    # Not a thumbnail in empty space: the radar takes the whole width of the column.
    radar, column = page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const style = getComputedStyle(main);
            return [
                document.querySelector("figure img").getBoundingClientRect().width,
                main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
            ];
        }"""
    )
    assert radar >= column - 1, (radar, column)
