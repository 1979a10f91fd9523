"""A German rater answers the whole survey on a phone, in German, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from surveys.instrument import load_instrument
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.page_checks import serious_violations, too_wide

GERMAN = load_instrument("soft-skills", "1").in_language("de")
ITEMS = GERMAN.item_ids


def test_a_german_rater_answers_the_whole_survey_on_a_phone(api, live_server, new_page):
    _, maya = api.person("member", name="Maya Lind", email="maya@example.org")
    raters = [
        {"name": "Lea Vogel", "email": "lea@example.org", "relationship": "peer", "language": "de"},
        {"name": "Pat Peer", "email": "pat@example.org", "relationship": "peer"},
    ]
    created = api.create_round(maya, raters=raters)
    token = api.launch(maya, created["id"])["lea@example.org"]

    # A browser that asks for English: the language given for Lea wins.
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    page.goto(f"{live_server}/s/{token}")
    expect(page.get_by_role("heading", name="Feedback für Maya Lind")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.get_by_role("heading", name=GERMAN.skills[0].name)).to_be_visible()
    expect(
        page.get_by_text(GERMAN.items[0].observer_text.replace("{name}", "Maya"))
    ).to_be_visible()
    assert serious_violations(page, "survey in German") == []
    assert too_wide(page, "survey in German") == []
    page.screenshot(path=ARTIFACTS / "survey-german.png")

    # The script's words are German too: the autosave reports in German.
    page.locator(f"input[name='answer-{ITEMS[0]}'][value='4']").check()
    expect(page.locator("#save-status")).to_contain_text("Gespeichert: ")

    for item in ITEMS[1:]:
        page.locator(f"input[name='answer-{item}'][value='4']").check()
    expect(page.locator("[data-answered-total]")).to_have_text(str(len(ITEMS)))
    comment = page.get_by_label(GERMAN.questions[0].text_for("peer", "Maya"))
    comment.fill("Klare Wochenberichte.")
    page.get_by_role("button", name="Feedback abschicken").click()

    expect(page.get_by_role("heading", name="Vielen Dank!")).to_be_visible()
    expect(page.get_by_text("Sie haben Ihr Feedback am")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    assert serious_violations(page, "thank-you page in German") == []
    assert too_wide(page, "thank-you page in German") == []
    assert api.survey(token)["response_status"] == "submitted"
