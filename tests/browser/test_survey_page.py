"""The survey page in a real browser: the whole flow, keyboard only, a phone, accessibility."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from surveys.instrument import load_instrument
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.page_checks import serious_violations

INSTRUMENT = load_instrument("soft-skills", "1")
ITEMS = INSTRUMENT.item_ids
FIRST_SKILL = INSTRUMENT.skills[0]


@pytest.fixture
def links(api, live_server):
    """Survey links of an open round about Maya Lind, by rater email."""
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token)
    return {
        email: f"{live_server}/s/{survey_token}"
        for email, survey_token in api.launch(token, created["id"]).items()
    }


@pytest.fixture
def link(links):
    return links["pat@example.org"]


def choice(page, item: str, value: str):
    return page.locator(f"input[name='answer-{item}'][value='{value}']")


def answer(page, items, value: str = "4") -> None:
    for item in items:
        choice(page, item, value).check()


def test_open_answer_half_save_reload_finish_and_submit(page, link):
    page.goto(link)
    assert urlparse(page.url).path == "/survey"
    assert link.rsplit("/", 1)[1] not in page.url
    expect(page.get_by_role("heading", name="Feedback for Maya Lind")).to_be_visible()

    half = ITEMS[: len(ITEMS) // 2]
    answer(page, half)
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    page.reload()
    for item in half:
        expect(choice(page, item, "4")).to_be_checked()
    expect(page.locator("[data-answered-total]")).to_have_text(str(len(half)))

    answer(page, ITEMS[len(half) :], "3")
    page.get_by_label("What is Maya doing well").fill("Clear weekly updates.")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_text("You submitted your feedback on")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)


def test_whoever_opens_the_link_of_a_submitted_survey_sees_only_that_it_was_sent(new_page, link):
    rater = new_page()
    rater.goto(link)
    answer(rater, ITEMS)
    rater.get_by_label("What could Maya do differently").fill("Let others finish speaking.")
    rater.get_by_role("button", name="Submit feedback").click()
    expect(rater.get_by_role("heading", name="Thank you!")).to_be_visible()

    # Someone else, in another browser, with the same link (forwarded, or read over a
    # shoulder) learns when the feedback was sent, and nothing of what it says.
    other = new_page()
    other.goto(link)
    expect(other.get_by_text("You submitted your feedback on")).to_be_visible()
    assert "Let others finish speaking." not in other.content()
    expect(other.locator("input, textarea")).to_have_count(0)


def test_answers_autosave_with_a_visible_saved_state(page, link):
    page.goto(link)
    choice(page, "ei_2", "5").check()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    expect(page.locator("#skill-emotional_intelligence [data-answered]")).to_have_text("1")
    comment = page.get_by_label("Anything to add about Maya's empathy and compassion?")
    with page.expect_response(lambda response: response.url.endswith("/survey/draft")) as saved:
        comment.fill("Asks how people are.")
    assert saved.value.ok
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.reload()
    expect(choice(page, "ei_2", "5")).to_be_checked()
    expect(comment).to_have_value("Asks how people are.")


def test_without_javascript_unanswered_items_are_listed_with_links(new_page, link):
    page = new_page(java_script_enabled=False)
    page.goto(link)
    answer(page, ITEMS[:2])
    page.get_by_role("button", name="Submit feedback").click()
    summary = page.locator("#problems")
    expect(summary).to_contain_text(f"{len(ITEMS) - 2} statements still need an answer")
    assert urlparse(page.url).fragment == "problems"
    expect(summary.get_by_role("link")).to_have_count(len(ITEMS) - 2)
    for item in ITEMS[:2]:
        expect(choice(page, item, "4")).to_be_checked()

    summary.get_by_role("link").first.click()
    assert urlparse(page.url).fragment == f"item-{ITEMS[2]}"
    expect(page.locator(f"#item-{ITEMS[2]}")).to_be_in_viewport()

    answer(page, ITEMS[2:], "na")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()


def focused(page, expression: str):
    return page.evaluate(f"document.activeElement.{expression}")


def test_a_section_can_be_completed_with_the_keyboard_alone(page, link):
    page.goto(link)
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page, "name") == f"answer-{FIRST_SKILL.items[0].id}":
            break
    else:
        pytest.fail("Tab never reached the first statement")

    for item in FIRST_SKILL.items:
        assert focused(page, "name") == f"answer-{item.id}"
        # Focus must be visible: the focused choice draws an outline.
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Space")  # choose 1
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # then move to 4
        page.keyboard.press("Tab")
    assert focused(page, "id") == f"comment-{FIRST_SKILL.id}"
    page.keyboard.type("Stays calm when meetings get tense.")

    for item in FIRST_SKILL.items:
        expect(choice(page, item.id, "4")).to_be_checked()
    expect(page.locator(f"#skill-{FIRST_SKILL.id} [data-answered]")).to_have_text("5")
    expect(page.locator("#save-status")).to_contain_text("Saved at")


def assert_no_horizontal_scroll(page):
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def test_a_phone_sized_screen_never_scrolls_sideways(new_page, link):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(link)
    assert_no_horizontal_scroll(page)
    answer(page, [item.id for item in FIRST_SKILL.items[:2]])
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.locator(f"#skill-{FIRST_SKILL.id}").evaluate("section => section.scrollIntoView()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "survey-mobile.png")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.locator("#problems")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.get_by_text("Can't give feedback?").click()
    assert_no_horizontal_scroll(page)


def test_the_desktop_page_for_the_readme(page, link):
    page.goto(link)
    answer(page, [item.id for item in FIRST_SKILL.items[:2]])
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "survey-desktop.png")


def test_axe_finds_no_serious_or_critical_violation(page, links, live_server):
    page.goto(links["pat@example.org"])
    page.get_by_text("Can't give feedback?").click()  # closed details are not checked
    assert serious_violations(page) == []
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.locator("#problems")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(links["maya@example.org"])
    answer(page, ITEMS)
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server}/s/not-a-token")
    assert serious_violations(page) == []


# Runs before any of the page's scripts, so every blocked script or style is recorded.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def test_the_pages_work_under_the_content_security_policy(page, link, live_server):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(link)
    choice(page, "ei_1", "2").check()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    assert page.evaluate("window.violations") == []

    page.goto(f"{live_server}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("feedback360")
    page.get_by_text("/api/v1/survey/submit").click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    assert page.evaluate("window.violations") == []
    assert errors == []


# --- on a phone: where the eye is after saving, declining from the top, the reason's limit --


def phone(new_page, **options):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, **options)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_after_saving_the_confirmation_is_in_view_and_focused(new_page, link, script):
    page = phone(new_page, java_script_enabled=script)
    page.goto(link)
    answer(page, ITEMS[:3])
    save = page.get_by_role("button", name="Save and finish later")
    save.click()  # at the bottom of the page: the click scrolls down to it
    notice = page.get_by_role("status").filter(has_text="Your answers are saved.")
    expect(notice).to_have_attribute("role", "status")
    expect(notice).to_be_in_viewport()
    expect(notice).to_be_focused()
    box = notice.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    if script:  # axe runs as a script
        assert serious_violations(page) == []


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_the_introduction_links_to_declining_with_targets_a_thumb_can_hit(new_page, link, script):
    page = phone(new_page, java_script_enabled=script)
    page.goto(link)
    decline = page.get_by_role("link", name="Decline instead")
    expect(decline).to_be_in_viewport()
    summary = page.locator(".decline summary")
    for target in (decline, summary):
        assert target.bounding_box()["height"] >= 44
    decline.click()
    # The closed section opened, and the page scrolled down to its form.
    expect(page.locator(".decline details")).to_have_attribute("open", "")
    expect(page.locator("#decline-reason")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Decline to give feedback")).to_be_in_viewport()
    assert urlparse(page.url).fragment == "decline"


def test_the_reason_stops_at_the_limit_and_its_counter_follows(new_page, link):
    page = phone(new_page)
    page.goto(link)
    page.get_by_role("link", name="Decline instead").click()
    reason = page.locator("#decline-reason")
    counter = page.locator("#decline-reason-counter")
    expect(counter).to_have_text("0 of 1,000 characters")
    reason.press_sequentially("Busy")
    expect(counter).to_have_text("4 of 1,000 characters")
    # A pause in typing reads the count out, once.
    expect(page.locator("#counter-status")).to_have_text("4 of 1,000 characters")
    # A line break counts once, as the server counts it.
    reason.press("Enter")
    expect(counter).to_have_text("5 of 1,000 characters")
    reason.fill("r" * 995)
    reason.press("End")
    reason.press_sequentially("123456789")  # only 5 more fit
    assert len(reason.input_value()) == 1000
    assert reason.input_value().endswith("r12345")
    expect(counter).to_have_text("1,000 of 1,000 characters")


def test_a_reason_past_the_limit_comes_back_focused_and_kept(new_page, link):
    page = phone(new_page)
    page.goto(link)
    page.get_by_role("link", name="Decline instead").click()
    reason = page.locator("#decline-reason")
    # Sent past the browser's limit (a browser without maxlength, or a form made by hand).
    reason.evaluate("box => box.removeAttribute('maxlength')")
    typed = "Busy. " + "r" * 1000
    reason.fill(typed)
    page.get_by_role("button", name="Decline to give feedback").click()
    summary = page.locator("#decline-problems")
    expect(summary).to_contain_text("You have not declined yet")
    # "Busy. " is 6 characters: 1,006 in all, 6 over the limit.
    expect(summary).to_contain_text("The reason is 1,006 characters long; the limit is 1,000.")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(reason).to_have_value(typed)
    expect(page.locator("#decline-reason-counter")).to_have_text(
        "6 characters over the 1,000 limit: please shorten it."
    )
    # The summary's link puts the keyboard in the box.
    summary.get_by_role("link").click()
    expect(reason).to_be_focused()
    assert serious_violations(page) == []
