"""Time zones in a real browser: a person in Tokyo types a deadline on their own clock,
reads it back on their clock with the zone named, and the survey's "Saved at" says the
time the same way."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from service.extensions import db
from service.models import Round
from service.services.people import find_person_by_email
from service.services.sign_in_links import mint_sign_in_link
from tests.browser.conftest import PHONE

MAYA = "maya@example.org"
PAGE_TIME = r"\w+day \d{1,2} \w+ \d{4}, \d\d:\d\d"


def test_a_person_in_tokyo_sees_and_types_times_on_their_own_clock(app, api, new_page, live_server):
    api.person("member", name="Maya Lind", email=MAYA)
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email(MAYA))
        db.session.commit()
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, timezone_id="Asia/Tokyo")
    # The sign-in page is the first this browser opens: its script tells the zone.
    page.goto(f"{live_server}/sign-in/{token}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()

    page.goto(f"{live_server}/rounds/new")
    expect(page.locator("#deadline-hint")).to_contain_text(
        "Answers are accepted until this date and time, in your time zone, Asia/Tokyo."
    )
    expect(page.locator("#deadline-hint")).to_contain_text("Suggested: two weeks from today")
    # 09:00 in Tokyo (UTC+9, no summer time) is midnight UTC the same day.
    page.locator("#deadline").fill("2030-07-16T09:00")
    page.locator("#raters-0-name").fill("Morgan Manager")
    page.locator("#raters-0-email").fill("morgan@example.org")
    page.locator("#raters-0-relationship").select_option("manager")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="Your 360")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(Round.deadline)) == datetime(2030, 7, 16, tzinfo=UTC)

    deadline = page.locator('time[datetime="2030-07-16T00:00:00Z"]').first
    expect(deadline).to_have_text("Tuesday 16 July 2030, 09:00 JST")
    # "Change the deadline" starts from it, on the same clock.
    expect(page.locator("#deadline")).to_have_value("2030-07-16T09:00")
    expect(page.locator("#deadline-hint")).to_contain_text("Filled in: the current deadline.")

    # A page the server drew before it knew the zone (here a cookie saying UTC): its times
    # say UTC, and the script moves the deadline form to this browser's clock.
    page.context.add_cookies([{"name": "tz", "value": "UTC", "url": live_server}])
    page.reload()
    expect(deadline).to_have_text("Tuesday 16 July 2030, 00:00 UTC")
    expect(page.locator("#deadline")).to_have_value("2030-07-16T09:00")
    expect(page.locator("#deadline-hint")).to_contain_text("in your time zone, Asia/Tokyo.")
    page.get_by_role("button", name="Save the new deadline").click()
    expect(page.get_by_text("The deadline is now Tuesday 16 July 2030, 09:00 JST.")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(Round.deadline)) == datetime(2030, 7, 16, tzinfo=UTC)

    page.get_by_role("button", name="Launch and send the invitations").click()
    page.get_by_role("button", name="Answer your self-assessment").click()
    expect(page.get_by_role("heading", name="Your self-assessment")).to_be_visible()
    expect(page.locator(".deadline time")).to_have_text("Tuesday 16 July 2030, 09:00 JST")
    page.locator("fieldset.item input[value='3']").first.check()
    status = page.locator("#save-status")
    expect(status).to_have_text(re.compile(rf"^Saved at {PAGE_TIME} JST$"))
