"""The individual's and HR's pages in a real browser: sign in by email, start a round,
raters answer, HR closes it and downloads the PDF, then a bulk ZIP built by a real worker."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import redis
from playwright.sync_api import expect

from service.extensions import db
from service.jobs import init_jobs
from service.mail.transport import read_eml
from service.services.people import create_person, find_person_by_email
from service.services.sign_in import set_password
from surveys.instrument import load_instrument
from tests.browser.conftest import ARTIFACTS, HR_PASSWORD, sign_in_as_hr
from tests.pdf_tools import pdf_text
from tests.service.conftest import RATERS, answer_all
from tests.worker_process import running_worker

ITEMS = load_instrument("soft-skills", "1").item_ids
# Six raters: one manager, three peers, two direct reports (below k=3: merged and warned).
SIX_RATERS = [
    ("Jonas Weber", "jonas@example.org", "manager"),
    ("Aiko Tanaka", "aiko@example.org", "peer"),
    ("Luis Ferreira", "luis@example.org", "peer"),
    ("Priya Nair", "priya@example.org", "peer"),
    ("Chloe Martin", "chloe@example.org", "direct_report"),
    ("Omar Haddad", "omar@example.org", "direct_report"),
]
LINK = re.compile(r"http://feedback360\.test(/\S+)")
REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def outbox(app):
    folder = Path(app.config["INSTANCE_PATH"]) / "outbox"
    shutil.rmtree(folder, ignore_errors=True)

    def link_to(email: str, live_server: str) -> str:
        """The link in the newest email to this address, on the test server."""
        messages = [read_eml(p) for p in sorted(folder.glob("*.eml"))]
        (message, *_) = [m for m in reversed(messages) if email in m["to"]]
        return live_server + LINK.search(message["text"]).group(1)

    return link_to


@pytest.fixture
def people(app, api):
    hr_id, _ = api.person("hr", name="Hana Reyes", email="hana@example.org")
    api.person("member", name="Maya Lind", email="maya@example.org")
    with app.app_context():
        set_password(hr_id, HR_PASSWORD)


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def answer_survey(page, link: str) -> None:
    page.goto(link)
    for item in ITEMS:
        page.locator(f"input[name='answer-{item}'][value='4']").check()
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()


def test_a_whole_round_through_the_pages(new_page, live_server, outbox, people, tmp_path):
    # The individual signs in through the link emailed to them.
    maya = new_page()
    maya.goto(f"{live_server}/")
    maya.locator("#email").fill("maya@example.org")
    maya.get_by_role("button", name="Email me a sign-in link").click()
    expect(maya.get_by_role("heading", name="Check your email")).to_be_visible()
    maya.goto(outbox("maya@example.org", live_server))
    maya.get_by_role("button", name="Sign in").click()
    expect(maya.get_by_role("heading", name="My rounds")).to_be_visible()

    # Start a 360 with six raters; the draft shows the groups' guidance, then launch.
    maya.get_by_role("link", name="Start a 360").click()
    for row, (name, email, relationship) in enumerate(SIX_RATERS):
        maya.locator(f"#raters-{row}-name").fill(name)
        maya.locator(f"#raters-{row}-email").fill(email)
        maya.locator(f"#raters-{row}-relationship").select_option(relationship)
    maya.get_by_role("button", name="Save the draft").click()
    expect(maya.get_by_role("heading", name="Your 360")).to_be_visible()
    expect(maya.get_by_text("Direct reports", exact=False).first).to_be_visible()
    maya.get_by_role("link", name="Preview the survey").first.click()
    expect(maya.get_by_text("Maya").first).to_be_visible()
    maya.go_back()
    maya.get_by_role("button", name="Launch and send the invitations").click()

    # Every rater, and Maya herself, answers through the link in their invitation (Maya's
    # newest email: it came after her sign-in link).
    for email in [email for _, email, _ in SIX_RATERS] + ["maya@example.org"]:
        answer_survey(new_page(), outbox(email, live_server))
    maya.reload()
    save_screenshot(maya, "individual-round.png")

    # HR closes the round and downloads the report.
    hr = new_page(accept_downloads=True)
    sign_in_as_hr(hr, live_server)
    hr.get_by_role("link", name="Maya Lind").first.click()
    hr.get_by_role("button", name="Close early…").click()
    # Closing renders the report in the request here (jobs run immediately in the tests).
    hr.get_by_role("button", name="Close the round now").click(timeout=60_000)
    with hr.expect_download() as download:
        hr.get_by_role("button", name="Download the PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert "Maya Lind" in pdf_text(pdf, tmp_path)


def closed_round(api, hr_token: str, subject_email: str) -> str:
    """A round about someone, answered by everyone and closed, through the API."""
    created = api.create_round(hr_token, subject_email=subject_email, raters=RATERS)
    for email, token in api.launch(hr_token, created["id"]).items():
        answer_all(api, token, 5 if email == subject_email else 3)
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr_token).status_code == 200
    return created["id"]


@pytest.fixture
def worker(app, database_url, monkeypatch):
    """`feedback360 worker` on Redis, sharing the app's database and instance folder."""
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    with running_worker(app, database_url, REDIS_URL) as process:
        monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
        monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
        init_jobs(app)  # the next test's fixture puts the queue back in immediate mode
        yield process
    connection.flushdb()
    connection.close()


def test_hr_downloads_many_reports_as_one_zip(app, api, new_page, live_server, people, worker):
    _, hr_token = api.person("hr", name="Hal Api", email="hal@example.org")
    api.person("member", name="Sam Okafor", email="sam@example.org")
    rounds = {
        closed_round(api, hr_token, "maya@example.org"): "maya-lind",
        closed_round(api, hr_token, "sam@example.org"): "sam-okafor",
    }
    # An open round and managers make the dashboard look like a real one.
    api.person("member", name="Lea Park", email="lea@example.org")
    api.launch(hr_token, api.create_round(hr_token, subject_email="lea@example.org")["id"])
    with app.app_context():
        manager = create_person("jonas.weber@example.org", "Jonas Weber", "member")
        for email in ("maya@example.org", "sam@example.org", "lea@example.org"):
            find_person_by_email(email).manager_id = manager.id
        db.session.commit()
    hr = new_page(accept_downloads=True)
    sign_in_as_hr(hr, live_server)
    save_screenshot(hr, "hr-dashboard.png")
    for round_id in rounds:
        hr.locator(f"#pick-{round_id}").check()
    hr.get_by_role("button", name="Download selected reports (ZIP)").click()
    # The worker builds the ZIP; the bar moves without a reload until it is full.
    progress = hr.locator("#export-progress")
    expect(progress).to_have_attribute("max", "2")
    expect(progress).to_have_attribute("value", "2", timeout=60_000)
    expect(hr.get_by_text("100%")).to_be_visible()
    with hr.expect_download() as download:
        hr.get_by_role("button", name="Download the ZIP").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = archive.namelist()
    assert len(names) == 2
    for slug in rounds.values():
        (name,) = [n for n in names if slug in n]
        assert archive.read(name).startswith(b"%PDF-")
