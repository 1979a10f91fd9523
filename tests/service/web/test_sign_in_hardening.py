"""Sign-in edges an attacker pokes at: return addresses with control characters, and
whether asking for a link betrays that an email address belongs to someone."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event, select

from service.extensions import db
from service.jobs import huey
from service.mail.transport import read_eml
from service.models import Job
from service.web.auth import safe_next
from tests.conftest import outbox_folder
from tests.service.web.test_sign_in import LINK, PASSWORD, ask_for_link, csrf, use_link

# Browsers drop tabs and line breaks from a URL, so "/\t/evil.example" is followed as
# "//evil.example", another site; CR LF in a Location header would split the response.
CONTROL_TARGETS = [
    "/rounds\r\nSet-Cookie:x=1",
    "/rounds\rx",
    "/rounds\nx",
    "/\t/evil.example",
    "/\n/evil.example",
    "/a\x00b",
    "/a\x7fb",
    "/a\x85b",
    "/a b",
    "/\u2028/evil.example",
]


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_a_return_address_with_control_characters_is_dropped(app, target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/account", "/rounds/abc?tab=raters&x=%0A", "/hr"])
def test_ordinary_return_addresses_are_kept(app, target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_signing_in_with_a_control_character_in_next_goes_home(client, hana, target):
    signed_in = client.post(
        "/sign-in/password",
        query_string={"next": target},
        data={"pw-email": "hana@example.org", "pw-password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert signed_in.status_code == 303 and signed_in.location == "/"
    assert "Set-Cookie: x" not in str(signed_in.headers)


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_the_sign_in_page_never_carries_such_a_next_into_its_forms(client, target):
    page = client.get("/sign-in", query_string={"next": target})
    assert page.status_code == 200
    assert "next=" not in page.get_data(as_text=True)


def test_a_signed_out_visit_to_a_path_with_encoded_line_breaks_returns_home(client, hana):
    # The path is decoded before the app sees it, so the return address would carry CR LF.
    visit = client.get("/rounds/x%0d%0aSet-Cookie:x=1")
    assert visit.status_code == 303 and visit.location == "/sign-in"
    signed_in = client.post(
        "/sign-in/password",
        data={"pw-email": "hana@example.org", "pw-password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert signed_in.status_code == 303 and signed_in.location == "/"


@pytest.fixture
def hana(api):
    from service.services.sign_in import set_password

    person_id, _ = api.person("hr", name="Hana Hr", email="hana@example.org")
    with api.app.app_context():
        set_password(person_id, PASSWORD)
    return person_id


@pytest.fixture
def maya(api):
    return api.person("member", name="Maya Lind", email="maya@example.org")[0]


@pytest.fixture
def queued_by_hand(app, monkeypatch):
    """Huey with a real (in-memory) queue, as behind a worker: tasks wait to be run."""
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    # Huey's own setter: out of immediate mode, the queue keeps its tasks in memory.
    monkeypatch.setattr(huey, "immediate", False)


def emailed_to(app, address: str) -> list[dict]:
    return [
        message
        for message in map(read_eml, sorted(outbox_folder(app).glob("*.eml")))
        if address in message["to"]
    ]


def _statement_kind(statement: str) -> str:
    return statement.split(None, 1)[0].upper()


def _request_work(app, client, email: str) -> tuple[Counter, list[str]]:
    """The kinds of SQL statements (per table) one link request runs, and the tasks it queues."""
    csrf_token = csrf(client)  # the form is fetched before counting: only the POST counts
    statements: Counter = Counter()

    def record(_conn, _cursor, statement, _params, _context, _executemany):
        words = statement.split()
        table = next((w for w in words[1:] if w.strip('"') in db.metadata.tables), "")
        statements[(_statement_kind(statement), table.strip('"'))] += 1

    def committed(_conn):
        statements[("COMMIT", "")] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", committed)
    try:
        answer = client.post("/sign-in", data={"email": email, "csrf_token": csrf_token})
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", committed)
    assert answer.status_code == 303 and answer.location.endswith("/sign-in/sent")
    queued = [task.name for task in huey.pending()]
    return statements, queued


def test_a_known_and_an_unknown_email_make_the_request_do_the_same_work(
    app, client, maya, queued_by_hand
):
    known_sql, known_tasks = _request_work(app, client, "maya@example.org")
    huey.flush()
    unknown_sql, unknown_tasks = _request_work(app, client, "nobody@example.org")
    # The same statements, of the same kinds on the same tables, and one queued email job
    # each: the answer takes as long whether or not the address is anyone's.
    assert known_sql == unknown_sql
    assert known_sql[("INSERT", "jobs")] == 1 and known_sql[("COMMIT", "")] == 1
    assert known_tasks == unknown_tasks and len(known_tasks) == 1


def test_the_worker_sends_a_link_only_to_a_known_email(app, client, maya, queued_by_hand):
    ask_for_link(client, "maya@example.org")
    ask_for_link(client, "nobody@example.org")
    with app.app_context():
        for task in huey.pending():
            huey.execute(task)
        statuses = sorted(
            (job.person_id is not None, job.status) for job in db.session.scalars(select(Job))
        )
    # The request for nobody leaves a job that has no one to write to, and so sends nothing.
    assert statuses == [(False, "skipped"), (True, "sent")]
    assert emailed_to(app, "nobody@example.org") == []
    (message,) = emailed_to(app, "maya@example.org")
    use_link(client, LINK.search(message["text"]).group(1))
    assert client.get("/account").status_code == 200


def test_sign_up_outside_the_allowed_domains_does_the_same_work_as_a_member(
    app, client, maya, monkeypatch, queued_by_hand
):
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", frozenset({"allowed.example"}))

    def sign_up_work(email: str) -> tuple[Counter, int]:
        token = csrf(client, "/sign-up")
        statements: Counter = Counter()

        def record(_conn, _cursor, statement, *_):
            statements[_statement_kind(statement)] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            answer = client.post(
                "/sign-up", data={"name": "Someone", "email": email, "csrf_token": token}
            )
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert answer.status_code == 303
        queued = len(huey.pending())
        huey.flush()
        return statements, queued

    # Maya's address is not in an allowed domain, but she exists: she gets a link. An
    # unknown address in the same domain must not be told apart from her by the work done.
    assert sign_up_work("maya@example.org") == sign_up_work("nobody@example.org")
