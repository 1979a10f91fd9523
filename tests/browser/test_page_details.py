"""The pages' smaller details in a real browser: HR's password sign-in is a target a thumb can
hit, and the tables' scroll boxes can be reached and scrolled from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service.services.sign_in import set_password
from tests.browser.conftest import DESKTOP, HR_PASSWORD, PHONE
from tests.browser.page_checks import AXE

# The rules about a scroll box: reachable by keyboard, its role and name allowed, and each
# region named apart from the others on the page.
SCROLL_RULES = [
    "scrollable-region-focusable",
    "aria-allowed-attr",
    "aria-allowed-role",
    "landmark-unique",
]
TARGET_PX = 44


@pytest.fixture
def hr_round(app, api):
    """HR (with a password) and an open round about a member: the round's id."""
    hr_id, _ = api.person("hr", name="Hana Reyes", email="hana@example.org")
    with app.app_context():
        set_password(hr_id, HR_PASSWORD)
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    round_id = api.create_round(token)["id"]
    api.launch(token, round_id)
    return round_id


def scroll_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())  # evaluated by the browser's devtools, not the page's CSP
    result = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})", SCROLL_RULES
    )
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_hr_password_toggle_is_a_target_a_thumb_can_hit(new_page, live_server, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{live_server}/sign-in")
    toggle = page.locator(".password-sign-in summary")
    box = toggle.bounding_box()
    assert box["height"] >= TARGET_PX, box
    toggle.click()
    expect(page.locator("#pw-email")).to_be_visible()


def test_the_tables_scroll_boxes_are_reached_and_scrolled_by_keyboard(
    new_page, live_server, hr_round
):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/sign-in")
    page.locator(".password-sign-in summary").click()
    page.locator("#pw-email").fill("hana@example.org")
    page.locator("#pw-password").fill(HR_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    for path in ("/hr", "/hr/people", f"/rounds/{hr_round}", "/hr/audit"):
        page.goto(live_server + path)
        assert scroll_violations(page) == [], path

    # On a phone the dashboard's table is wider than its box: the keyboard scrolls it.
    page.goto(f"{live_server}/hr")
    box = page.get_by_role("region", name="Rounds")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.focus()
    expect(box).to_be_focused()
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait until the box has moved (the default timeout fails it).
    page.wait_for_function("el => el.scrollLeft > 0", arg=box.element_handle())
