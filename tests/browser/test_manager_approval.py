"""A manager approves a report's list of raters on a phone: the team page, the approval page
(one rater taken out, a forgotten one added), and the campaign's page HR then sees. Every page
axe-clean and no wider than the screen; the campaign page's screenshot is for the docs."""

from __future__ import annotations

from playwright.sync_api import expect

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.sign_in_links import mint_sign_in_link
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.page_checks import serious_violations, too_wide
from tests.service.campaigns.helpers import Org


def sign_in(app, page, live_server: str, email: str) -> None:
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email(email))
        db.session.commit()
    page.goto(f"{live_server}/sign-in/{token}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()


def checked(page, name: str) -> list[str]:
    return serious_violations(page, name) + too_wide(page, name)


def test_a_manager_approves_a_list_on_a_phone(app, api, new_page, live_server):
    org = Org(api)
    created = org.campaign(subjects=("ann", "ben"), minimum_raters={"peer": 2})
    ann_round = next(r["id"] for r in created["rounds"] if r["subject_email"] == "ann@example.org")
    peers = org.name_peers(org.ann, ann_round, 3)
    assert api.call("POST", f"/api/v1/rounds/{ann_round}/nominations", org.ann).status_code == 200

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(app, page, live_server, "mo@example.org")
    problems = []
    page.get_by_role("link", name="Team").first.click()
    expect(page.get_by_role("heading", name="Your team", exact=True)).to_be_visible()
    problems += checked(page, "team page")
    page.get_by_role("link", name="Check Ann Able's raters").click()
    expect(page.get_by_role("heading", name="Ann Able's raters")).to_be_visible()
    problems += checked(page, "approval page")
    page.locator(f"input[name=remove][value='{peers[0]}']").check()
    page.get_by_label("Name").fill("Dee Report")
    page.get_by_label("Email address").fill("dee@example.org")
    page.get_by_label("Relationship").select_option("direct_report")
    page.get_by_role("button", name="Approve the list").click()
    expect(page.get_by_text("Ann Able's list of raters is approved.")).to_be_visible()
    expect(page.get_by_text("Nothing waits for you.")).to_be_visible()
    problems += checked(page, "team page after approval")
    assert problems == []

    raters = api.call("GET", f"/api/v1/rounds/{ann_round}", org.hr).get_json()["raters"]
    emails = sorted(r["email"] for r in raters if r["relationship"] != "self")
    assert emails == ["dee@example.org", "peer1@example.org", "peer2@example.org"]

    hr_page = new_page(viewport=DESKTOP)
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email("hana@example.org"))
        db.session.commit()
    hr_page.goto(f"{live_server}/sign-in/{token}")
    hr_page.get_by_role("button", name="Sign in").click()
    hr_page.goto(f"{live_server}/hr/campaigns/{created['id']}")
    expect(hr_page.get_by_role("heading", name="Spring 360")).to_be_visible()
    assert checked(hr_page, "campaign page") == []
    ARTIFACTS.mkdir(exist_ok=True)
    hr_page.screenshot(path=ARTIFACTS / "campaign-page.png", full_page=True)
