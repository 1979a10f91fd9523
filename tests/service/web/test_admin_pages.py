"""HR's administration pages: bulk exports, the audit log, the settings and the outbox."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.jobs.tasks import periodic_housekeeping
from service.models import AuditEvent, Export, OrgSettings
from service.services.settings import current_settings
from tests.service.web.pages import words

HR_EMAIL = "hana@example.org"
FAKE_PDF = b"%PDF-1.4\n% a stand-in report\n%%EOF\n"


@pytest.fixture
def hr(api, person_session):
    """HR's API token and a browser signed in as HR."""
    _, token = api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    return token, person_session(HR_EMAIL)


@pytest.fixture
def fake_reports(monkeypatch):
    """Reports render instantly (a stand-in PDF) where the rendering is not what is tested."""
    monkeypatch.setattr(
        "service.services.development_reports.render_report_pdf", lambda *args, **kwargs: FAKE_PDF
    )


def make_round(api, hr_token: str, name: str, email: str, *, close: bool) -> str:
    """A launched round about a new person; closed (so its report exists) if asked."""
    api.person("member", name=name, email=email)
    created = api.create_round(hr_token, subject_email=email)
    api.launch(hr_token, created["id"])
    if close:
        closed = api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr_token)
        assert closed.status_code == 200, closed.get_json()
    return created["id"]


def download_status(browser, export_id: str) -> int:
    response = browser.get(f"/hr/exports/{export_id}/download")
    response.close()  # a served file stays open until the response is closed
    return response.status_code


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_rows(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def export_id_from(response) -> str:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/hr/exports/([0-9a-f-]{36})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


# Who may use these pages ---------------------------------------------------------------

SOME_UUID = str(uuid.uuid4())
PAGES = [
    "/hr/audit",
    "/hr/settings",
    "/hr/outbox",
    "/hr/outbox/1733000000000000000-0123abcd",
    f"/hr/exports/{SOME_UUID}",
    f"/hr/exports/{SOME_UUID}/status",
    f"/hr/exports/{SOME_UUID}/download",
]
SETTINGS_FORM = {"anonymity_threshold": "5", "subject_sees_report": "y", "reminder_days": "7, 2"}


def test_a_member_gets_403_on_every_page_and_form(app, api, person_session, fake_reports):
    _, hr_token = api.person("hr")
    round_id = make_round(api, hr_token, "Maya Lind", "maya@example.org", close=True)
    member = person_session("maya@example.org")
    for path in PAGES:
        assert member.get(path).status_code == 403, path
    assert member.post("/hr/exports", {"round_id": round_id}).status_code == 403
    assert member.post("/hr/settings", SETTINGS_FORM).status_code == 403
    assert count(app, Export) == 0
    assert count(app, OrgSettings) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/sign-in"), path


def test_forms_without_the_csrf_token_change_nothing(app, api, hr, fake_reports):
    hr_token, browser = hr
    round_id = make_round(api, hr_token, "Maya Lind", "maya@example.org", close=True)
    assert browser.post("/hr/settings", SETTINGS_FORM, csrf=False).status_code == 400
    assert browser.post("/hr/exports", {"round_id": round_id}, csrf=False).status_code == 400
    assert count(app, OrgSettings) == 0
    assert count(app, Export) == 0
    assert audit_rows(app, "reports_exported") == []


# Exports -------------------------------------------------------------------------------


def test_hr_exports_two_closed_rounds_as_one_zip(app, api, hr):
    """The real reports (rendered once, at each close) end up in the ZIP."""
    hr_token, browser = hr
    maya = make_round(api, hr_token, "Maya Lind", "maya@example.org", close=True)
    sam = make_round(api, hr_token, "Sam Okafor", "sam@example.org", close=True)

    export_id = export_id_from(browser.post("/hr/exports", {"round_id": [maya, sam]}))
    page = browser.html(f"/hr/exports/{export_id}")
    assert "<progress" in page and "2 of 2 reports" in words(page)
    assert 'src="/static/export.js"' in page
    assert "<script>" not in page  # no inline script: the CSP would block it
    status = browser.get(f"/hr/exports/{export_id}/status").get_json()
    download_url = f"/hr/exports/{export_id}/download"
    assert status == {
        "status": "done",
        "done": 2,
        "total": 2,
        "percent": 100,
        "error": None,
        "download_url": download_url,
        # The words the page's script shows, in the page's language.
        "progress": "2 of 2 reports",
        "state": "The ZIP is ready. It is kept for 24 hours.",
    }
    assert f'href="{download_url}"' in page

    response = browser.get(download_url)
    data = response.data
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 2
        assert re.fullmatch(r"feedback360-maya-lind-\d{4}-\d\d-\d\d\.pdf", names[0])
        assert re.fullmatch(r"feedback360-sam-okafor-\d{4}-\d\d-\d\d\.pdf", names[1])
        assert all(archive.read(name).startswith(b"%PDF") for name in names)

    [exported] = audit_rows(app, "reports_exported")
    assert exported.detail == "2 reports" and exported.actor_label.startswith("Hana Reyes")
    downloaded = audit_rows(app, "report_downloaded")
    assert sorted(event.round_id for event in downloaded) == sorted([maya, sam])
    assert {event.detail for event in downloaded} == {"ZIP export"}


def test_an_open_round_in_the_selection_is_refused_by_name(app, api, hr, fake_reports):
    hr_token, browser = hr
    closed = make_round(api, hr_token, "Maya Lind", "maya@example.org", close=True)
    still_open = make_round(api, hr_token, "Sam Okafor", "sam@example.org", close=False)
    response = browser.post("/hr/exports", {"round_id": [closed, still_open]})
    assert response.status_code == 422
    assert "the round about Sam Okafor is still open" in words(response.get_data(as_text=True))
    assert "Maya Lind" not in response.get_data(as_text=True)
    assert count(app, Export) == 0
    assert audit_rows(app, "reports_exported") == []


@pytest.mark.parametrize("round_ids", [[], ["not-a-round"]])
def test_an_empty_or_unknown_selection_is_refused(app, hr, round_ids):
    _, browser = hr
    response = browser.post("/hr/exports", {"round_id": round_ids})
    assert response.status_code == 422
    assert count(app, Export) == 0


def test_an_expired_export_is_gone_and_housekeeping_deletes_its_zip(
    app, api, hr, clock, fake_reports
):
    hr_token, browser = hr
    # The export is made a day ago by the clock; the web session (whose idle time counts in
    # real time) stays signed in while the clock moves up to the present.
    clock.advance(hours=-25)
    maya = make_round(api, hr_token, "Maya Lind", "maya@example.org", close=True)
    export_id = export_id_from(browser.post("/hr/exports", {"round_id": maya}))
    zip_path = Path(app.config["INSTANCE_PATH"]) / "exports" / f"{export_id}.zip"
    assert zip_path.is_file()
    assert download_status(browser, export_id) == 200

    clock.advance(hours=23, minutes=59)
    assert download_status(browser, export_id) == 200
    clock.advance(minutes=2)
    assert download_status(browser, export_id) == 404
    assert browser.get(f"/hr/exports/{export_id}/status").get_json()["status"] == "expired"
    assert "has expired" in words(browser.html(f"/hr/exports/{export_id}"))

    periodic_housekeeping()
    assert not zip_path.exists()
    with app.app_context():
        assert db.session.get(Export, export_id).status == "expired"
    assert download_status(browser, export_id) == 404


def test_an_unfinished_export_answers_409_and_offers_a_refresh_link(app, hr):
    _, browser = hr
    with app.app_context():
        person_id = browser.person_id
        export = Export(requested_by_id=person_id, round_ids=[], status="running", total=4)
        export.done = 1
        db.session.add(export)
        db.session.commit()
        export_id = export.id
    assert download_status(browser, export_id) == 409
    page = browser.html(f"/hr/exports/{export_id}")
    assert "1 of 4 reports" in words(page)
    assert f'href="/hr/exports/{export_id}"' in page and "Refresh" in page
    status = browser.get(f"/hr/exports/{export_id}/status").get_json()
    assert status["status"] == "running" and status["percent"] == 25
    assert status["download_url"] is None


def test_an_export_whose_worker_died_says_so_after_the_housekeeping(app, hr):
    _, browser = hr
    with app.app_context():
        export = Export(requested_by_id=browser.person_id, round_ids=[], status="running", total=4)
        export.done = 1
        export.progress_at = datetime.now(UTC) - timedelta(minutes=31)
        db.session.add(export)
        db.session.commit()
        export_id = export.id
    assert "1 of 4 reports" in words(browser.html(f"/hr/exports/{export_id}"))
    periodic_housekeeping()
    text = words(browser.html(f"/hr/exports/{export_id}"))
    assert "The export failed: the worker stopped before the ZIP was finished." in text
    assert "Start a new one from the dashboard." in text
    assert browser.get(f"/hr/exports/{export_id}/status").get_json()["status"] == "failed"
    assert download_status(browser, export_id) == 409


def test_unknown_exports_are_not_found(hr):
    _, browser = hr
    assert browser.get(f"/hr/exports/{uuid.uuid4()}").status_code == 404
    assert browser.get("/hr/exports/not-a-uuid").status_code == 404
    assert download_status(browser, str(uuid.uuid4())) == 404


# The audit log -------------------------------------------------------------------------


def entries(page: str) -> str:
    """The text of the audit table alone (the filter's options name every action too)."""
    match = re.search(r"<tbody>(.*)</tbody>", page, re.S)
    return words(match.group(1)) if match else ""


def test_the_audit_log_lists_filters_and_escapes(app, api, hr):
    hr_token, browser = hr
    api.person("member", name="<b>Eve</b> Evil", email="eve@example.org")
    round_id = api.create_round(hr_token, subject_email="eve@example.org")["id"]
    api.launch(hr_token, round_id)
    browser.post("/hr/settings", SETTINGS_FORM)

    page = browser.html("/hr/audit")
    text = entries(page)
    assert "launched a round" in text and "changed the settings" in text
    assert "Hana Reyes <hana@example.org>" in text and "5 raters invited" in text
    assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt; Evil" in page
    assert f'href="/rounds/{round_id}"' in page
    # Newest first: the settings were changed after the round was launched.
    assert text.index("changed the settings") < text.index("launched a round")

    only_launches = entries(browser.html("/hr/audit?action=round_launched"))
    assert "launched a round" in only_launches and "changed the settings" not in only_launches
    assert 'selected value="round_launched"' in browser.html("/hr/audit?action=round_launched")

    today = datetime.now(UTC).date()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert "launched a round" in entries(browser.html(f"/hr/audit?since={today}&until={today}"))
    assert entries(browser.html(f"/hr/audit?since={tomorrow}")) == ""
    assert entries(browser.html(f"/hr/audit?until={yesterday}")) == ""

    assert browser.get("/hr/audit?since=31-12-2030").status_code == 422
    assert browser.get("/hr/audit?action=no_such_action").status_code == 422
    # There is nothing to change or delete entries with.
    assert browser.post("/hr/audit").status_code == 405


def test_the_audit_log_is_paged(app, api, hr):
    hr_token, browser = hr
    for n in range(51):
        api.person("member", name=f"Person {n}", email=f"p{n}@example.org")
        api.create_round(hr_token, subject_email=f"p{n}@example.org")
    first = browser.html("/hr/audit")
    assert "page 1 of 2" in words(first) and "Person 50" in first and "Person 0 " not in first
    assert 'href="/hr/audit?page=2"' in first
    second = browser.html("/hr/audit?page=2&action=round_created")
    assert "Person 0" in second and "Person 50" not in second


# Settings ------------------------------------------------------------------------------


def test_settings_show_the_defaults_until_saved_then_apply(app, api, hr):
    hr_token, browser = hr
    page = words(browser.html("/hr/settings"))
    assert "defaults from the server's environment" in page
    assert 'value="3"' in browser.html("/hr/settings")

    response = browser.post("/hr/settings", SETTINGS_FORM)
    assert response.status_code == 303
    with app.app_context():
        assert current_settings().anonymity_threshold == 5
        assert current_settings().reminder_days == (7, 2)
        assert current_settings().subject_sees_report is True
    page = browser.html("/hr/settings")
    assert "Last saved" in page and "defaults from the server's environment" not in page
    assert 'value="5"' in page and 'value="7, 2"' in page
    [changed] = audit_rows(app, "settings_changed")
    assert "anonymity_threshold: 3 → 5" in changed.detail

    api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr_token, subject_email="maya@example.org")
    assert created["anonymity_threshold"] == 5

    # An unticked checkbox is absent from the form: it means no.
    assert browser.post("/hr/settings", {"anonymity_threshold": "5"}).status_code == 303
    with app.app_context():
        assert current_settings().subject_sees_report is False
        assert current_settings().reminder_days == ()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"anonymity_threshold": "1", "reminder_days": "3"}, "anonymity_threshold", "2 to 10"),
        ({"anonymity_threshold": "11", "reminder_days": ""}, "anonymity_threshold", "2 to 10"),
        ({"anonymity_threshold": "", "reminder_days": ""}, "anonymity_threshold", "2 to 10"),
        ({"anonymity_threshold": "4", "reminder_days": "3, soon"}, "reminder_days", "commas"),
        ({"anonymity_threshold": "4", "reminder_days": "90"}, "reminder_days", "between 1"),
    ],
)
def test_invalid_settings_are_refused_with_field_messages(app, hr, form, field, message):
    _, browser = hr
    response = browser.post("/hr/settings", form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert error and message in error.group(1), page
    assert count(app, OrgSettings) == 0
    assert audit_rows(app, "settings_changed") == []


# The outbox ----------------------------------------------------------------------------


@pytest.fixture
def own_outbox(app, monkeypatch, tmp_path):
    """An instance folder of this test's own, so the outbox holds only its emails."""
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path))
    return tmp_path / "outbox"


def test_the_outbox_lists_and_shows_emails_as_text(app, api, hr, own_outbox):
    hr_token, browser = hr
    api.person("member", name="Maya Lind", email="maya@example.org")
    raters = [{"name": "<i>Ivy</i> Peer", "email": "ivy@example.org", "relationship": "peer"}]
    created = api.create_round(hr_token, subject_email="maya@example.org", raters=raters)
    api.launch(hr_token, created["id"])

    page = browser.html("/hr/outbox")
    assert "ivy@example.org" in page and "maya@example.org" in page
    ids = re.findall(r'href="/hr/outbox/([0-9]+-[0-9a-f]{8})"', page)
    assert sorted(ids) == sorted(path.stem for path in own_outbox.glob("*.eml"))
    ivy = next(i for i in ids if "ivy@example.org" in (own_outbox / f"{i}.eml").read_text())

    message = browser.html(f"/hr/outbox/{ivy}")
    assert "ivy@example.org" in message and "Subject" in message and "From" in message
    body = re.search(r'<pre class="email-body">(.*?)</pre>', message, re.S).group(1)
    assert "&lt;i&gt;Ivy&lt;/i&gt;" in body and "<i>" not in body
    # The survey link is shown as text, not as a link.
    assert "http://feedback360.test/s/" in body and "<a " not in body


@pytest.mark.parametrize(
    "message_id",
    [
        "..%2F..%2Fsecret_key",
        "..%2Fsecret_key",
        "..",
        "%2e%2e",
        "secret_key",
        "1733000000000000000-0123abcd",
        "1733000000000000000-0123ABCD",
        "1733000000000000000-0123abcd.eml",
    ],
)
def test_outbox_ids_other_than_existing_emails_are_not_found(hr, own_outbox, message_id):
    _, browser = hr
    own_outbox.mkdir(parents=True, exist_ok=True)
    # Readable emails, but not under a name the outbox gives: only the id check refuses them.
    email = "Date: Tue, 01 Dec 2026 12:00:00 +0000\nTo: a@example.org\nSubject: secret\n\nno\n"
    (own_outbox.parent / "secret_key.eml").write_text(email)
    for name in ("secret_key", "1733000000000000000-0123ABCD", "1733000000000000000-0123abcd.eml"):
        (own_outbox / f"{name}.eml").write_text(email)
    assert browser.get(f"/hr/outbox/{message_id}").status_code == 404


def test_with_smtp_the_outbox_page_says_it_is_not_used(app, hr, monkeypatch, own_outbox):
    _, browser = hr
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://mail.example.org:25")
    page = words(browser.html("/hr/outbox"))
    assert "sent through the SMTP server" in page and "outbox is not used" in page
