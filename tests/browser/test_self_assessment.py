"""The person's own self-assessment in a real browser: from the round page to the survey and
back, signed in all along, with no survey link in any address."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.sign_in_links import mint_sign_in_link
from surveys.instrument import load_instrument
from tests.browser.conftest import PHONE

ITEMS = load_instrument("soft-skills", "1").item_ids
MAYA = "maya@example.org"


@pytest.fixture
def round_id(api):
    """An open round about Maya Lind."""
    _, token = api.person("member", name="Maya Lind", email=MAYA)
    created = api.create_round(token)
    api.launch(token, created["id"])
    return created["id"]


def sign_in(app, page, live_server: str) -> None:
    """Through a sign-in link, as from the email (minted here; test_sign_in reads emails)."""
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email(MAYA))
        db.session.commit()
    page.goto(f"{live_server}/sign-in/{token}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_from_the_round_page_to_the_self_assessment_and_back(
    app, new_page, live_server, round_id, script
):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=script)
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))
    sign_in(app, page, live_server)
    page.get_by_role("link", name=re.compile("360 started")).click()
    page.get_by_role("button", name="Answer your self-assessment").click()
    expect(page.get_by_role("heading", name="Your self-assessment")).to_be_visible()
    assert urlparse(page.url).path == "/survey"
    # The link was minted for this browser's session: it never travels in an address.
    assert not [url for url in addresses if "/s/" in url]

    for item in ITEMS:
        page.locator(f"input[name='answer-{item}'][value='3']").check()
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    page.get_by_role("link", name="Back to your 360").click()
    expect(page.get_by_role("heading", name="Your 360")).to_be_visible()
    expect(page.get_by_text("You answered your self-assessment on")).to_be_visible()
    expect(page.get_by_role("button", name="Answer your self-assessment")).to_have_count(0)
