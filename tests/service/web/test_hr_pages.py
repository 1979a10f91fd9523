"""HR's pages: the dashboard and its filters, people, the people import, the bulk launch."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from service.extensions import db
from service.mail.transport import read_eml
from service.models import AuditEvent, Person, Rater, Round
from tests.conftest import in_days
from tests.service.web.pages import words

HR_EMAIL = "hana@example.org"
MEMBER_EMAIL = "milo@example.org"
PEOPLE_CSV = (
    "name,email,role,manager_email\n"
    "Ana Silva,ana@example.org,member,jo@example.org\n"
    "Jo Manager,jo@example.org,member,\n"
    "Lee Hr,lee@example.org,hr,hana@example.org\n"
)
BULK_CSV = (
    "subject_email,rater_name,rater_email,relationship\n"
    "ana@example.org,Jo Manager,jo@example.org,manager\n"
    "ana@example.org,Kim Peer,kim@example.org,peer\n"
    "sam@example.org,Jo Manager,jo@example.org,manager\n"
    "sam@example.org,Dee Report,dee@example.org,direct report\n"
)
GET_PAGES = ["/hr", "/hr/people", "/hr/people/import", "/hr/rounds/import"]
POSTS = {
    "/hr/people": {"name": "Zed New", "email": "zed@example.org", "role": "member"},
    "/hr/people/import/confirm": {"csv_text": "name,email\nZed New,zed@example.org\n"},
    "/hr/rounds/import/confirm": {
        "csv_text": "subject_email,rater_name,rater_email,relationship\n"
        f"{MEMBER_EMAIL},Pat Peer,pat@example.org,peer\n",
        "deadline": "2099-01-31T17:00",
    },
}


@pytest.fixture
def hr(api, person_session):
    api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    return person_session(HR_EMAIL)


@pytest.fixture
def member(api, person_session):
    api.person("member", name="Milo Member", email=MEMBER_EMAIL)
    return person_session(MEMBER_EMAIL)


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """The outbox folder of this test alone: a function returning (to, subject) pairs."""
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path))

    def sent() -> list[tuple[str, str]]:
        return [
            (message["to"], message["subject"])
            for message in map(read_eml, sorted(Path(tmp_path, "outbox").glob("*.eml")))
        ]

    return sent


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(app) -> list[tuple[str, str | None, dict | None]]:
    with app.app_context():
        return [
            (e.action, e.detail, e.data)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.at))
        ]


def upload(session, path: str, content: bytes | str, **fields):
    data = content.encode() if isinstance(content, str) else content
    form = {**fields, "csrf_token": session.csrf_token()}
    form["file"] = FileStorage(io.BytesIO(data), "people.csv", content_type="text/csv")
    # Encoded in memory: the test client spools bodies over 500 kB to a file it never closes.
    boundary, body = encode_multipart(form)
    return session.client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def hidden(page: str, name: str) -> str:
    """The value of a hidden field, as the browser would send it back."""
    return html.unescape(re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1))


# Access ---------------------------------------------------------------------------------


def test_every_hr_page_opens_for_hr(hr):
    headings = {
        "/hr": "Dashboard",
        "/hr/people": "People",
        "/hr/people/import": "Import people from a CSV",
        "/hr/rounds/import": "Launch rounds from a CSV",
    }
    for path, heading in headings.items():
        response = hr.get(path)
        assert response.status_code == 200, path
        assert f"<h1>{heading}</h1>" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", GET_PAGES)
def test_a_member_gets_403_on_every_hr_page(member, path):
    assert member.get(path).status_code == 403


@pytest.mark.parametrize("path", [*POSTS, "/hr/people/import", "/hr/rounds/import"])
def test_a_member_gets_403_on_every_hr_post_and_nothing_is_written(app, member, path):
    people, rounds = count(app, Person), count(app, Round)
    assert member.post(path, data=POSTS.get(path, {})).status_code == 403
    assert (count(app, Person), count(app, Round)) == (people, rounds)


@pytest.mark.parametrize("path", GET_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("path", POSTS)
def test_a_signed_out_post_with_a_csrf_token_is_sent_to_sign_in(app, client, path):
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(path, data={**POSTS[path], "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")
    assert count(app, Person) == 0


@pytest.mark.parametrize("path", [*POSTS, "/hr/people/import", "/hr/rounds/import"])
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(app, hr, member, path):
    people, rounds, events = count(app, Person), count(app, Round), count(app, AuditEvent)
    data = dict(POSTS.get(path, {}))
    if path in ("/hr/people/import", "/hr/rounds/import"):
        data |= {"file": (io.BytesIO(PEOPLE_CSV.encode()), "people.csv"), "deadline": in_days(3)}
    response = hr.post(path, data=data, csrf=False)
    assert response.status_code == 400
    assert "This page could not be sent" in words(response.get_data(as_text=True))
    assert (count(app, Person), count(app, Round), count(app, AuditEvent)) == (
        people,
        rounds,
        events,
    )


# Dashboard ------------------------------------------------------------------------------


@pytest.fixture
def org(app, api, hr):
    """Two managers with one report each, and three rounds: Ana's closed (June), Ben's
    open (July), Cy's draft (August); returns the people's ids and the rounds' ids."""
    with app.app_context():
        lead = Person(email="lead@example.org", name="Lea Lead", role="member")
        boss = Person(email="boss@example.org", name="Bo Boss", role="member")
        ana = Person(email="ana@example.org", name="Ana Analyst", role="member", manager=lead)
        ben = Person(email="ben@example.org", name="Ben Builder", role="member", manager=boss)
        cy = Person(email="cy@example.org", name="Cy Coder", role="member", manager=boss)
        db.session.add_all([lead, boss, ana, ben, cy])
        db.session.commit()
        ids = {p.email.split("@")[0]: p.id for p in (lead, boss, ana, ben, cy)}
    _, token = api.person("hr", email="api-hr@example.org")
    rounds = {}
    for name in ("ana", "ben", "cy"):
        rounds[name] = api.create_round(token, subject_email=f"{name}@example.org")["id"]
    tokens = api.launch(token, rounds["ana"])
    api.launch(token, rounds["ben"])
    submitted = api.call(
        "POST",
        "/api/v1/survey/submit",
        tokens["pat@example.org"],
        json={"answers": api.full_answers(tokens["pat@example.org"])},
    )
    assert submitted.status_code == 200
    assert api.call("POST", f"/api/v1/rounds/{rounds['ana']}/close", token).status_code == 200
    deadlines = {"ana": (2030, 6, 15), "ben": (2030, 7, 15), "cy": (2030, 8, 15)}
    with app.app_context():
        for name, day in deadlines.items():
            db.session.get(Round, rounds[name]).deadline = datetime(*day, 12, tzinfo=UTC)
        db.session.commit()
    return ids, rounds


def listed(page: str, rounds: dict[str, str]) -> set[str]:
    return {name for name, round_id in rounds.items() if f"/rounds/{round_id}" in page}


def test_the_dashboard_lists_every_round_with_its_manager_status_and_responses(hr, org):
    _, rounds = org
    page = hr.html("/hr")
    assert listed(page, rounds) == {"ana", "ben", "cy"}
    text = words(page)
    assert (
        "Ana Analyst ana@example.org Lea Lead Closed Saturday 15 June 2030, 12:00 UTC"
        " 1 of 4 (25%) PDF" in text
    )
    assert (
        "Ben Builder ben@example.org Bo Boss Open Monday 15 July 2030, 12:00 UTC 0 of 4 (0%)"
        in text
    )
    assert f'href="/rounds/{rounds["ana"]}/report.pdf"' in page
    assert f'href="/rounds/{rounds["ben"]}/report.pdf"' not in page
    # Only closed rounds have a report to put in the ZIP.
    assert f'name="round_id" value="{rounds["ana"]}"' in page
    assert f'name="round_id" value="{rounds["ben"]}"' not in page
    assert 'action="/hr/exports"' in page
    assert "Download selected reports (ZIP)" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, {"ben"}),
        ({"status": "closed"}, {"ana"}),
        ({"status": "draft"}, {"cy"}),
        ({"manager": "boss"}, {"ben", "cy"}),
        ({"manager": "lead"}, {"ana"}),
        ({"deadline_from": "2030-07-01"}, {"ben", "cy"}),
        ({"deadline_to": "2030-07-15"}, {"ana", "ben"}),
        ({"deadline_from": "2030-07-15", "deadline_to": "2030-07-15"}, {"ben"}),
        ({"manager": "boss", "status": "draft"}, {"cy"}),
        ({"deadline_from": "2031-01-01"}, set()),
    ],
)
def test_the_dashboard_filters_by_status_manager_and_deadline(hr, org, query, expected):
    ids, rounds = org
    if "manager" in query:
        query = {**query, "manager": ids[query["manager"]]}
    response = hr.get("/hr", query_string=query)
    assert response.status_code == 200
    assert listed(response.get_data(as_text=True), rounds) == expected


def test_the_manager_filter_offers_only_people_who_manage_someone(hr, org):
    page = hr.html("/hr")
    managers = re.search(r'<select id="manager".*?</select>', page, re.S).group(0)
    assert "Lea Lead" in managers and "Bo Boss" in managers
    assert "Ana Analyst" not in managers


@pytest.mark.parametrize(
    "query",
    [
        {"status": "finished"},
        {"manager": "nobody"},
        {"deadline_from": "not a date"},
        {"deadline_from": "2030-08-01", "deadline_to": "2030-07-01"},
    ],
)
def test_bad_filters_are_explained_not_ignored(hr, org, query):
    _, rounds = org
    response = hr.get("/hr", query_string=query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page
    assert listed(page, rounds) == set()


def test_the_dashboard_pages_through_many_rounds(app, hr, api, monkeypatch):
    from service.services import dashboard

    monkeypatch.setattr(dashboard, "DASHBOARD_PAGE_SIZE", 2)
    _, token = api.person("hr", email="api-hr@example.org")
    for _ in range(3):
        api.create_round(token)
    first, second = hr.html("/hr?status=draft"), hr.html("/hr?status=draft&page=2")
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert 'href="/hr?page=2&amp;status=draft"' in first
    assert first.count('class="badge draft"') == 2 and second.count('class="badge draft"') == 1


# People ---------------------------------------------------------------------------------


def test_hr_adds_a_person_who_gets_a_welcome_email(app, hr, outbox):
    response = hr.post(
        "/hr/people",
        data={
            "name": "Zed New",
            "email": "Zed@Example.org",
            "role": "member",
            "manager_email": HR_EMAIL,
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/hr/people"
    page = hr.html("/hr/people")
    assert "Zed New is added" in page
    # The name links to their history (named so for a screen reader); no department given.
    assert "Zed New : history zed@example.org Member Hana Reyes hana@example.org —" in words(page)
    assert outbox() == [("Zed New <zed@example.org>", "You have been added to feedback360")]
    assert ("person_added", "Zed New <zed@example.org> (member)", None) in audit_actions(app)


@pytest.mark.parametrize(
    ("form", "message", "status"),
    [
        ({"name": "", "email": "x@example.org"}, "Enter the name.", 422),
        ({"name": "X", "email": "not-an-email"}, "Enter a valid email address.", 422),
        (
            {"name": "X", "email": "x@example.org", "manager_email": "ghost@example.org"},
            "No person has this email; add the manager first.",
            422,
        ),
        ({"name": "X", "email": HR_EMAIL}, f"A person with the email {HR_EMAIL} already", 409),
    ],
)
def test_a_person_who_cannot_be_added_is_explained_and_nothing_is_written(
    app, hr, outbox, form, message, status
):
    people = count(app, Person)
    response = hr.post("/hr/people", data={"role": "member", **form})
    assert response.status_code == status
    assert message in words(response.get_data(as_text=True))
    assert count(app, Person) == people
    assert outbox() == []


# People import --------------------------------------------------------------------------


def test_the_import_preview_lists_every_row_and_writes_nothing(app, hr, outbox):
    response = upload(hr, "/hr/people/import", PEOPLE_CSV)
    assert response.status_code == 200
    text = words(response.get_data(as_text=True))
    assert "Check before importing: 3 people" in text
    assert "2 Ana Silva ana@example.org Member jo@example.org" in text
    assert "4 Lee Hr lee@example.org HR hana@example.org" in text
    assert count(app, Person) == 1 and outbox() == []


def test_the_import_preview_lists_each_problem_with_its_row_and_writes_nothing(app, hr, outbox):
    csv_text = (
        "Name,Email,Role,Manager Email\n"
        "Ana Silva,ana@example.org,member,\n"
        "Ana Again,ANA@example.org,member,\n"
        ",nobody@example.org,member,\n"
        "Bad Mail,not-an-email,member,\n"
        "Boss Less,bl@example.org,chief,ghost@example.org\n"
        "Hana Twin,hana@example.org,hr,\n"
    )
    response = upload(hr, "/hr/people/import", csv_text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = words(page)
    assert "6 problems to fix; nothing has been written" in text
    assert "3 email Ana@example.org is already on row 2" in text
    assert "4 name Must not be empty" in text
    assert "5 email Is not a valid email address" in text
    assert "6 role Must be one of hr, member, not 'chief'" in text
    assert "6 manager_email Nobody has the email ghost@example.org" in text
    assert "7 email A person with the email hana@example.org already exists" in text
    assert "csv_text" not in page  # no way to confirm a file with problems
    assert count(app, Person) == 1 and outbox() == []


def test_confirming_imports_every_row_with_managers_and_welcome_emails(app, hr, outbox):
    preview = upload(hr, "/hr/people/import", PEOPLE_CSV).get_data(as_text=True)
    response = hr.post("/hr/people/import/confirm", data={"csv_text": hidden(preview, "csv_text")})
    assert response.status_code == 303 and response.headers["Location"] == "/hr/people"
    assert "3 people are added" in hr.html("/hr/people")
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(select(Person))}
        assert people["ana@example.org"].manager.email == "jo@example.org"  # a later row
        assert people["lee@example.org"].manager.email == HR_EMAIL  # already there
        assert people["lee@example.org"].role == "hr"
        assert people["jo@example.org"].manager is None
    assert sorted(to for to, _ in outbox()) == [
        "Ana Silva <ana@example.org>",
        "Jo Manager <jo@example.org>",
        "Lee Hr <lee@example.org>",
    ]
    imported = [event for event in audit_actions(app) if event[0] == "people_imported"]
    assert imported == [("people_imported", "3 people", {"count": 3})]


def test_a_confirmed_text_tampered_to_hold_a_problem_is_refused(app, hr, outbox):
    preview = upload(hr, "/hr/people/import", PEOPLE_CSV).get_data(as_text=True)
    tampered = hidden(preview, "csv_text") + "Hana Twin,hana@example.org,hr,\n"
    response = hr.post("/hr/people/import/confirm", data={"csv_text": tampered})
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    assert "The file has problems; nothing was imported" in text
    assert "5 email A person with the email hana@example.org already exists" in text
    assert count(app, Person) == 1 and outbox() == []
    assert not [e for e in audit_actions(app) if e[0] == "people_imported"]


def test_confirming_twice_imports_once(app, hr, outbox):
    preview = upload(hr, "/hr/people/import", PEOPLE_CSV).get_data(as_text=True)
    data = {"csv_text": hidden(preview, "csv_text")}
    assert hr.post("/hr/people/import/confirm", data=data).status_code == 303
    again = hr.post("/hr/people/import/confirm", data=data)
    assert again.status_code == 422
    assert "already exists" in words(again.get_data(as_text=True))
    assert count(app, Person) == 4 and len(outbox()) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\n" + "Zoë,zoe@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"", "The file is empty"),
        ('name,email\n"Ana,ana@example.org\n', "The file is not valid CSV"),
        ("Ana,ana@example.org\n", "Unknown columns: ana, ana@example.org"),
        ("name,email\n", "The file has a header but no rows"),
        ("name,email\n" + "x" * 1_000_001, "The file is larger than 1 MB"),
        (
            "name,email\n" + "".join(f"P{n},p{n}@example.org\n" for n in range(5_001)),
            "The file has 5,001 rows; at most 5,000",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_422(app, hr, content, message):
    response = upload(hr, "/hr/people/import", content)
    assert response.status_code == 422
    assert message in words(response.get_data(as_text=True))
    assert count(app, Person) == 1


def test_an_upload_without_a_file_asks_for_one(hr):
    response = hr.post("/hr/people/import", data={})
    assert response.status_code == 422
    assert "Choose a CSV file to upload." in words(response.get_data(as_text=True))


# Bulk launch ----------------------------------------------------------------------------


@pytest.fixture
def subjects(app, hr):
    with app.app_context():
        db.session.add_all(
            [
                Person(email="ana@example.org", name="Ana Silva", role="member"),
                Person(email="sam@example.org", name="Sam Okafor", role="member"),
            ]
        )
        db.session.commit()


def deadline_field(days: float = 14) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_bulk_launch_previews_then_opens_every_round_and_invites_the_raters(
    app, hr, subjects, outbox
):
    preview = upload(hr, "/hr/rounds/import", BULK_CSV, deadline=deadline_field())
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    text = words(page)
    assert "Check before launching: 2 rounds, 4 raters" in text
    assert "2 Ana Silva ana@example.org 1 1 0 0" in text
    assert "4 Sam Okafor sam@example.org 1 0 1 0" in text
    assert count(app, Round) == 0 and outbox() == []

    response = hr.post(
        "/hr/rounds/import/confirm",
        data={"csv_text": hidden(page, "csv_text"), "deadline": hidden(page, "deadline")},
    )
    assert response.status_code == 200
    result = response.get_data(as_text=True)
    assert "2 rounds launched" in words(result)
    with app.app_context():
        rounds = db.session.scalars(select(Round)).all()
        assert sorted(r.status for r in rounds) == ["open", "open"]
        for round_ in rounds:
            assert f'href="/rounds/{round_.id}"' in result
        raters = {
            (r.round.subject.email, r.email, r.relationship)
            for r in db.session.scalars(select(Rater))
        }
    assert raters == {
        ("ana@example.org", "ana@example.org", "self"),
        ("ana@example.org", "jo@example.org", "manager"),
        ("ana@example.org", "kim@example.org", "peer"),
        ("sam@example.org", "sam@example.org", "self"),
        ("sam@example.org", "jo@example.org", "manager"),
        ("sam@example.org", "dee@example.org", "direct_report"),
    }
    recipients = sorted(to for to, _ in outbox())
    assert len(recipients) == 6
    assert recipients.count("Jo Manager <jo@example.org>") == 2
    actions = [action for action, _, _ in audit_actions(app)]
    assert actions.count("round_created") == 2 and actions.count("round_launched") == 2


def test_bulk_launch_previews_every_problem_and_writes_nothing(app, hr, subjects, outbox):
    with app.app_context():
        db.session.add(Person(email="solo@example.org", name="Solo Person", role="member"))
        db.session.commit()
    csv_text = (
        "subject_email,rater_name,rater_email,relationship\n"
        "ghost@example.org,Jo Manager,jo@example.org,manager\n"
        "ana@example.org,Kim Peer,kim@example.org,friend\n"
        "ana@example.org,Ana Silva,ana@example.org,peer\n"
        "ana@example.org,Jo Manager,jo@example.org,manager\n"
        "ana@example.org,Jo Again,JO@example.org,peer\n"
        "solo@example.org,,,\n"
    )
    response = upload(hr, "/hr/rounds/import", csv_text, deadline="2020-01-01T12:00")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = words(page)
    assert "— deadline The deadline must be in the future" in text
    assert "2 subject_email Nobody has the email ghost@example.org" in text
    assert "3 relationship Must be one of manager, peer, direct_report, other" in text
    assert "4 rater_email Is the subject's own email" in text
    assert "6 rater_email Jo@example.org is already a rater for ana@example.org on row 5" in text
    assert "7 subject_email Solo Person has no raters besides the self-assessment" in text
    assert "6 problems to fix" in text
    assert "csv_text" not in page
    assert count(app, Round) == 0 and outbox() == []


def test_a_bulk_launch_tampered_after_the_preview_is_refused(app, hr, subjects, outbox):
    page = upload(hr, "/hr/rounds/import", BULK_CSV, deadline=deadline_field()).get_data(
        as_text=True
    )
    tampered = hidden(page, "csv_text") + "sam@example.org,Sam Okafor,sam@example.org,peer\n"
    response = hr.post(
        "/hr/rounds/import/confirm",
        data={"csv_text": tampered, "deadline": hidden(page, "deadline")},
    )
    assert response.status_code == 422
    assert "6 rater_email Is the subject's own email" in words(response.get_data(as_text=True))
    assert count(app, Round) == 0 and outbox() == []


def test_a_second_bulk_launch_of_the_same_file_is_refused(app, hr, subjects, outbox):
    page = upload(hr, "/hr/rounds/import", BULK_CSV, deadline=deadline_field()).get_data(
        as_text=True
    )
    data = {"csv_text": hidden(page, "csv_text"), "deadline": hidden(page, "deadline")}
    assert hr.post("/hr/rounds/import/confirm", data=data).status_code == 200
    again = hr.post("/hr/rounds/import/confirm", data=data)
    assert again.status_code == 422
    assert "Ana Silva already has an open round" in words(again.get_data(as_text=True))
    assert count(app, Round) == 2 and len(outbox()) == 6


def test_a_bulk_launch_needs_a_deadline(app, hr, subjects):
    response = upload(hr, "/hr/rounds/import", BULK_CSV)
    assert response.status_code == 422
    assert "Choose the deadline." in words(response.get_data(as_text=True))
    assert count(app, Round) == 0
