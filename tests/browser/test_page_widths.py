"""Nothing is wider than the screen: the person's and HR's pages on a phone and a desktop never
scroll sideways (a table scrolls inside its own box), and the navigation stays short on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.sign_in import set_password
from service.services.sign_in_links import mint_sign_in_link
from tests.browser.conftest import DESKTOP, HR_PASSWORD, PHONE, sign_in_as_hr
from tests.browser.page_checks import too_wide

MAYA = "maya@example.org"
# Long names and addresses are the ones that push a page wide.
RATERS = [
    {
        "name": "Maximiliane Konstantinopoulou-Vandenberghe",
        "email": "maximiliane.konstantinopoulou-vandenberghe@example.org",
        "relationship": "manager",
    },
    {"name": "Aiko Tanaka", "email": "aiko@example.org", "relationship": "peer"},
    {"name": "Luis Ferreira", "email": "luis@example.org", "relationship": "peer"},
    {"name": "Priya Nair", "email": "priya@example.org", "relationship": "direct_report"},
]
PEOPLE_CSV = (
    "name,email,role,manager_email\n"
    "Bartholomew Featherstonehaugh,bartholomew.featherstonehaugh@example.org,member,"
    "hana@example.org\n"
    "Ines Ortega,ines@example.org,member,\n"
)
ROUNDS_CSV = (
    "subject_email,rater_name,rater_email,relationship\n"
    "sam@example.org,Jonas Weber,jonas.weber-longname@example.org,manager\n"
    "sam@example.org,Aiko Tanaka,aiko@example.org,peer\n"
)
# The navigation may take two lines on a phone (the name, then the links), never more.
MAX_NAV_LINES = 2


@pytest.fixture
def rounds(app, api):
    """HR Hana (with a password) and her draft round; Maya's open round; Maya's rater's
    survey token. Built once and walked at both sizes."""
    hana_id, hana_token = api.person("hr", name="Hana Reyes", email="hana@example.org")
    with app.app_context():
        set_password(hana_id, HR_PASSWORD)
    _, maya_token = api.person("member", name="Maya Lind", email=MAYA)
    api.person("member", name="Sam Okafor", email="sam@example.org")
    draft = api.create_round(hana_token, raters=RATERS)["id"]
    opened = api.create_round(maya_token, raters=RATERS)["id"]
    survey_tokens = api.launch(maya_token, opened)
    return {"draft": draft, "open": opened, "survey": survey_tokens["aiko@example.org"]}


def sign_in_maya(app, page, live_server: str) -> None:
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email(MAYA))
        db.session.commit()
    page.goto(f"{live_server}/sign-in/{token}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My rounds")).to_be_visible()


def too_tall_nav(page, name: str) -> list[str]:
    """The navigation, with its number of lines, when it takes more than two: its height over
    the height of one of its items (the brand, one line of text with an item's padding)."""
    lines = page.evaluate(
        """() => {
            const nav = document.querySelector('.site-header nav');
            const item = nav.querySelector('li');
            return nav.getBoundingClientRect().height / item.getBoundingClientRect().height;
        }"""
    )
    # A quarter of a line of slack for rounding; a third line is a whole line more.
    return [f"{name}: {lines:.2f} lines"] if lines > MAX_NAV_LINES + 0.25 else []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_is_wider_than_the_screen(app, new_page, live_server, rounds, viewport):
    problems = []

    # The person's pages, and a rater's survey.
    maya = new_page(viewport=viewport)
    sign_in_maya(app, maya, live_server)
    problems += too_wide(maya, "My rounds")
    if viewport == PHONE:
        problems += too_tall_nav(maya, "the person's navigation")
    for name, path in [
        ("an open round", f"/rounds/{rounds['open']}"),
        ("Start a 360", "/rounds/new"),
    ]:
        maya.goto(live_server + path)
        problems += too_wide(maya, name)
    rater = new_page(viewport=viewport)
    rater.goto(f"{live_server}/s/{rounds['survey']}")
    expect(rater.get_by_role("heading", level=1)).to_be_visible()
    problems += too_wide(rater, "the survey")

    # HR's pages, with the longest navigation.
    hana = new_page(viewport=viewport)
    sign_in_as_hr(hana, live_server)
    problems += too_wide(hana, "the HR dashboard")
    if viewport == PHONE:
        problems += too_tall_nav(hana, "HR's navigation")
    for name, path in [
        ("a draft round with raters", f"/rounds/{rounds['draft']}"),
        ("an open round, seen by HR", f"/rounds/{rounds['open']}"),
        ("People", "/hr/people"),
        ("the people import", "/hr/people/import"),
        ("the rounds import", "/hr/rounds/import"),
        ("Settings", "/hr/settings"),
        ("the audit log", "/hr/audit"),
        ("the outbox", "/hr/outbox"),
    ]:
        hana.goto(live_server + path)
        problems += too_wide(hana, name)
    hana.locator("table a").first.click()
    expect(hana.get_by_role("heading", name="Plain-text body")).to_be_visible()
    problems += too_wide(hana, "an outbox message")

    # The imports' previews, with every row of the file.
    hana.goto(f"{live_server}/hr/people/import")
    hana.locator("#file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE_CSV.encode()}]
    )
    hana.get_by_role("button", name="Check the file").click()
    expect(hana.locator("#preview-heading")).to_be_visible()
    problems += too_wide(hana, "the people import's preview")
    hana.goto(f"{live_server}/hr/rounds/import")
    hana.locator("#deadline").fill("2099-06-30T17:00")
    hana.locator("#file").set_input_files(
        files=[{"name": "rounds.csv", "mimeType": "text/csv", "buffer": ROUNDS_CSV.encode()}]
    )
    hana.get_by_role("button", name="Check the file").click()
    expect(hana.locator("#preview-heading")).to_be_visible()
    problems += too_wide(hana, "the rounds import's preview")

    assert not problems, "\n".join(problems)
