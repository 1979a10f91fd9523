"""Sign-in edges an attacker pokes at: return addresses with control characters, and
whether asking for a link betrays that an email address belongs to someone."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event, select

from service.extensions import db
from service.jobs import huey
from service.mail.transport import read_eml
from service.models import Job, Person
from service.services.people import create_person, find_person_by_email
from service.web.auth import safe_next
from tests.conftest import outbox_folder
from tests.service.web.pages import CSRF_FIELD
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


ALLOWED = frozenset({"allowed.example"})


def _sign_up(client, name: str, email: str):
    token = csrf(client, "/sign-up")
    return client.post("/sign-up", data={"name": name, "email": email, "csrf_token": token})


def _page_without_csrf(answer) -> str:
    # The only part of a page that differs between two requests is the per-session token.
    return CSRF_FIELD.sub("", answer.get_data(as_text=True))


@pytest.mark.parametrize("name", ["Eve\x1bSmith", "Eve\x07Smith", "Eve\x7fSmith", "Eve\x85Smith"])
def test_sign_up_refuses_a_bad_name_alike_for_a_known_and_an_unknown_email(
    app, client, api, monkeypatch, name
):
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", ALLOWED)
    api.person("member", name="Kim Known", email="kim@allowed.example")
    known = _sign_up(client, name, "kim@allowed.example")
    unknown = _sign_up(client, name, "nobody@allowed.example")
    # The bad name was checked first: whether "kim" has an account is not told by the
    # answer (before, 303 for her and 422 for a new address).
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert known.status_code == 422
    # The same form comes back, the error beside the name, each with the address typed.
    assert _page_without_csrf(known).replace("kim@", "someone@") == _page_without_csrf(
        unknown
    ).replace("nobody@", "someone@")
    assert "Your name must not contain line breaks" in _page_without_csrf(known)
    with app.app_context():
        # Nothing written for either: no new person, no email job.
        assert db.session.scalars(select(Person.email)).all() == ["kim@allowed.example"]
        assert db.session.scalars(select(Job)).all() == []
    assert emailed_to(app, "kim@allowed.example") == []


def test_sign_up_commits_once_whether_or_not_the_email_has_an_account(
    app, client, api, monkeypatch, queued_by_hand
):
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", ALLOWED)
    api.person("member", name="Kim Known", email="kim@allowed.example")

    def sign_up_work(email: str) -> Counter:
        token = csrf(client, "/sign-up")
        statements: Counter = Counter()

        def record(_conn, _cursor, statement, *_):
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
            answer = client.post(
                "/sign-up", data={"name": "Sam New", "email": email, "csrf_token": token}
            )
        finally:
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine, "commit", committed)
        assert answer.status_code == 303 and answer.location.endswith("/sign-in/sent")
        assert len(huey.pending()) == 1
        huey.flush()
        return statements

    known, unknown = sign_up_work("kim@allowed.example"), sign_up_work("new@allowed.example")
    # The new member is added in the transaction of their email's job: one commit each, and
    # the only other difference is the new person's row.
    assert unknown - known == Counter({("INSERT", "people"): 1})
    assert known - unknown == Counter()
    assert known[("COMMIT", "")] == 1
    with app.app_context():
        joined = db.session.scalar(select(Person).where(Person.email == "new@allowed.example"))
        assert (joined.name, joined.role) == ("Sam New", "member")


def test_an_address_signed_up_twice_at_once_joins_once(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", ALLOWED)
    from service.services import sign_in

    looked_up = []

    def looked_up_before_the_other_joined(email: str):
        # The other request commits the same address right after this one's look-up.
        looked_up.append(email)
        return None if len(looked_up) == 1 else find_person_by_email(email)

    with app.app_context():
        create_person("twice@allowed.example", "Sam Twice", "member")
    monkeypatch.setattr(sign_in, "find_person_by_email", looked_up_before_the_other_joined)
    answer = _sign_up(client, "Sam Twice", "twice@allowed.example")
    assert answer.status_code == 303 and answer.location.endswith("/sign-in/sent")
    with app.app_context():
        (person,) = db.session.scalars(select(Person)).all()
        (job,) = db.session.scalars(select(Job)).all()
        assert job.person_id == person.id  # the link goes to the one who joined
    (message,) = emailed_to(app, "twice@allowed.example")
    assert LINK.search(message["text"])
