"""Every page of the three journeys — a person starting and reading their 360, a rater answering
on a phone or a desktop, HR running the organisation's rounds — walked in a real browser on a
1280 × 900 desktop and a 390 × 844 phone. Any serious or critical axe-core violation and any page
wider than the window fails the test; every problem of a walk is listed at once."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.models import Rater
from service.services.demo import load_demo
from service.services.people import find_person_by_email
from service.services.sign_in import set_password
from service.services.survey_links import issue_survey_link
from surveys.instrument import load_instrument
from tests.browser.conftest import ARTIFACTS, DESKTOP, HR_PASSWORD, PHONE, sign_in_as_hr
from tests.browser.page_checks import serious_violations, too_wide

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
ITEMS = load_instrument("soft-skills", "1").item_ids
RATERS = [
    ("Aiko Tanaka", "aiko@example.org", "manager"),
    ("Luis Ferreira", "luis@example.org", "peer"),
    ("Priya Nair", "priya@example.org", "peer"),
    ("Tom Berg", "tom@example.org", "direct_report"),
]


@pytest.fixture
def demo(app):
    """The demo: HR (with the tests' password), Maya's closed round, Sam's open round; and
    links of Sam's raters who have not answered, and of one of Maya's who never did."""
    with app.app_context():
        result = load_demo()
        set_password(find_person_by_email(result.hr_email).id, HR_PASSWORD)
        pending = db.session.scalars(
            db.select(Rater).where(
                Rater.round_id == result.open_round_id,
                Rater.relationship != "self",
                Rater.submitted_on.is_(None),
                Rater.declined_at.is_(None),
            )
        ).all()
        unanswered_of_closed = db.session.scalars(
            db.select(Rater).where(
                Rater.round_id == result.closed_round_id,
                Rater.relationship != "self",
                Rater.submitted_on.is_(None),
            )
        ).first()
        links = {
            "answer": issue_survey_link(pending[0]),
            "decline": issue_survey_link(pending[1]),
            "closed": issue_survey_link(unanswered_of_closed) if unanswered_of_closed else None,
        }
        db.session.commit()
    return result, links


def local(live_server: str, link: str) -> str:
    """A link the demo printed with its configured address, on the test server instead."""
    return live_server + urlparse(link).path


class Walk:
    """Checks each page it is shown and keeps every problem found."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.problems += too_wide(self.page, name)
        self.problems += serious_violations(self.page, name)

    def visit(self, url: str, name: str) -> None:
        self.page.goto(url)
        self.check(name)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@VIEWPORTS
def test_the_persons_journey(app, new_page, live_server, demo, viewport):
    result, _ = demo
    walk = Walk(new_page(viewport=viewport))
    page = walk.page
    walk.visit(f"{live_server}/sign-in", "sign-in")
    walk.visit(f"{live_server}/sign-up", "sign-up")
    page.goto(local(live_server, result.member_sign_in_link))
    walk.check("sign-in link")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()
    walk.check("My rounds")

    walk.visit(f"{live_server}/rounds/{result.closed_round_id}", "a closed round")
    walk.visit(f"{live_server}/rounds/{result.closed_round_id}/report", "the report page")
    walk.visit(f"{live_server}/account", "the account page")
    walk.visit(f"{live_server}/rounds/no-such-round", "a page that does not exist")

    walk.visit(f"{live_server}/rounds/new", "Start a 360")
    page.locator("#raters-0-name").fill("Aiko")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("#problems")).to_be_visible()
    walk.check("Start a 360 with errors")
    for row, (name, email, relationship) in enumerate(RATERS):
        page.locator(f"#raters-{row}-name").fill(name)
        page.locator(f"#raters-{row}-email").fill(email)
        page.locator(f"#raters-{row}-relationship").select_option(relationship)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("button", name="Launch and send the invitations")).to_be_visible()
    walk.check("a draft round")
    draft = page.url
    walk.visit(f"{draft}/preview", "the survey's preview")
    page.goto(draft)
    page.get_by_role("button", name="Launch and send the invitations").click()
    expect(page.get_by_role("button", name="Close early…")).to_be_visible()
    walk.check("an open round")
    if viewport == PHONE:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "round-page-phone.png", full_page=True)
    walk.visit(f"{draft}/close", "closing a round early")
    page.goto(draft)
    page.get_by_role("button", name="Answer your self-assessment").click()
    expect(page.locator("#survey-form")).to_be_visible()
    walk.check("the self-assessment")
    walk.assert_clean()


@VIEWPORTS
def test_the_raters_journey(new_page, live_server, demo, viewport):
    _, links = demo
    walk = Walk(new_page(viewport=viewport, is_mobile=viewport == PHONE))
    page = walk.page
    walk.visit(f"{live_server}/s/{links['answer']}", "the survey")
    page.get_by_text("Can't give feedback?").click()  # the decline form, opened
    walk.check("the survey's decline form")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.locator("#problems")).to_be_visible()
    walk.check("the survey with errors")
    for item in ITEMS:
        page.locator(f"input[name='answer-{item}'][value='4']").check()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    walk.check("the survey, saved")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    walk.check("the survey, submitted")

    walk.visit(f"{live_server}/s/{links['decline']}", "a second rater's survey")
    page.get_by_text("Can't give feedback?").click()
    page.get_by_role("button", name="Decline to give feedback").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    walk.check("the survey, declined")
    if links["closed"]:
        walk.visit(f"{live_server}/s/{links['closed']}", "the survey of a closed round")
    walk.visit(f"{live_server}/s/not-a-token", "a link that does not work")
    walk.assert_clean()


@VIEWPORTS
def test_hrs_journey(new_page, live_server, demo, viewport):
    result, _ = demo
    walk = Walk(new_page(viewport=viewport, accept_downloads=True))
    page = walk.page
    sign_in_as_hr(page, live_server, result.hr_email)
    walk.check("the HR dashboard")
    for name, path in [
        ("an open round, seen by HR", f"/rounds/{result.open_round_id}"),
        ("a closed round, seen by HR", f"/rounds/{result.closed_round_id}"),
        ("a report, read by HR", f"/rounds/{result.closed_round_id}/report"),
        ("People", "/hr/people"),
        ("Settings", "/hr/settings"),
        ("the audit log", "/hr/audit"),
    ]:
        walk.visit(live_server + path, name)

    walk.visit(f"{live_server}/hr/people/import", "the people import")
    page.locator("#file").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"name,email,role,manager_email\nInes Ortega,ines@example.org,member,\n",
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#preview-heading")).to_be_visible()
    walk.check("the people import's preview")
    page.get_by_role("button", name="Import").first.click()
    walk.check("the people import, done")

    walk.visit(f"{live_server}/hr/rounds/import", "the rounds import")
    csv = (
        "subject_email,rater_name,rater_email,relationship\n"
        "ines@example.org,Aiko Tanaka,aiko@example.org,peer\n"
    )
    page.locator("#file").set_input_files(
        files=[{"name": "rounds.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".error-summary, #preview-heading").first).to_be_visible()
    walk.check("the rounds import's check")

    page.goto(f"{live_server}/hr")
    page.locator(f"#pick-{result.closed_round_id}").check()
    page.get_by_role("button", name="Download selected reports (ZIP)").click()
    expect(page.locator("#export-progress")).to_be_visible()
    walk.check("a ZIP export")

    walk.visit(f"{live_server}/hr/outbox", "the outbox")
    page.locator("table a").first.click()
    expect(page.get_by_role("heading", name="Plain-text body")).to_be_visible()
    walk.check("an outbox message")
    walk.assert_clean()
