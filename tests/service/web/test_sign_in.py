"""Signing in to the pages: emailed links, HR passwords, sessions, sign-up, rate limits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from service.extensions import db
from service.mail.transport import read_eml
from service.models import AuditEvent, Person, SignInLink, WebSession
from service.services.sign_in import set_password
from tests.service.web.pages import CSRF_FIELD, words

LINK = re.compile(r"http://feedback360\.test/sign-in/(\S+)")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def outbox(app):
    """The outbox folder, emptied first; outbox() lists the messages sent to an address."""
    folder = Path(app.config["INSTANCE_PATH"]) / "outbox"
    shutil.rmtree(folder, ignore_errors=True)

    def messages_to(address: str) -> list[dict]:
        return [
            message
            for message in map(read_eml, sorted(folder.glob("*.eml")))
            if address in message["to"]
        ]

    return messages_to


@pytest.fixture
def maya(api):
    return api.person("member", name="Maya Lind", email="maya@example.org")[0]


@pytest.fixture
def hana(app, api):
    person_id, _ = api.person("hr", name="Hana Hr", email="hana@example.org")
    with app.app_context():
        set_password(person_id, PASSWORD)
    return person_id


def csrf(client, path="/sign-in") -> str:
    return CSRF_FIELD.search(client.get(path).get_data(as_text=True)).group(1)


def ask_for_link(client, email: str):
    return client.post("/sign-in", data={"email": email, "csrf_token": csrf(client)})


def link_token(outbox, email: str) -> str:
    (message,) = outbox(email)
    return LINK.search(message["text"]).group(1)


def use_link(client, token: str):
    page = client.get(f"/sign-in/{token}")
    assert page.status_code == 200
    token_field = CSRF_FIELD.search(page.get_data(as_text=True)).group(1)
    return client.post(f"/sign-in/{token}", data={"csrf_token": token_field})


def password_sign_in(client, email: str, password: str, path="/sign-in/password"):
    return client.post(
        path, data={"pw-email": email, "pw-password": password, "csrf_token": csrf(client)}
    )


def test_an_emailed_link_signs_in_once(app, client, outbox, maya):
    sent = ask_for_link(client, "Maya@Example.org ")
    assert sent.status_code == 303 and sent.location.endswith("/sign-in/sent")
    token = link_token(outbox, "maya@example.org")
    # Opening the link (as a mail scanner would) does not use it up; the button does.
    assert client.get(f"/sign-in/{token}").status_code == 200
    signed_in = use_link(client, token)
    assert signed_in.status_code == 303 and signed_in.location == "/"
    assert "Maya Lind" in words(client.get("/account").get_data(as_text=True))
    assert client.get(f"/sign-in/{token}").status_code == 404
    # Used once, it signs no one else in: another browser posting it is refused.
    other = app.test_client()
    replay = other.post(f"/sign-in/{token}", data={"csrf_token": csrf(other)})
    assert replay.status_code == 404
    assert other.get("/account").status_code == 303
    with app.app_context():
        (link,) = db.session.scalars(select(SignInLink)).all()
        assert link.used_at is not None and token not in link.token_hash


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, outbox, maya):
    known, unknown = ask_for_link(client, "maya@example.org"), ask_for_link(client, "x@y.org")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert outbox("x@y.org") == []
    assert len(outbox("maya@example.org")) == 1


def test_a_link_expires_after_15_minutes(app, client, clock, outbox, maya):
    ask_for_link(client, "maya@example.org")
    token = link_token(outbox, "maya@example.org")
    clock.advance(minutes=14, seconds=59)
    page = client.get(f"/sign-in/{token}")
    assert page.status_code == 200  # still valid one second before
    form_token = CSRF_FIELD.search(page.get_data(as_text=True)).group(1)
    clock.advance(seconds=2)
    # The button of a page opened in time no longer signs in once the link has expired.
    posted = client.post(f"/sign-in/{token}", data={"csrf_token": form_token})
    assert posted.status_code == 404
    assert "does not work" in words(posted.get_data(as_text=True))
    assert client.get("/account").status_code == 303
    page = client.get(f"/sign-in/{token}")
    assert page.status_code == 404
    assert "does not work" in words(page.get_data(as_text=True))
    with app.app_context():
        (link,) = db.session.scalars(select(SignInLink)).all()
        assert link.used_at is None


def test_an_invalid_link_is_refused(client):
    assert client.get("/sign-in/not-a-real-token").status_code == 404
    posted = client.post("/sign-in/not-a-real-token", data={"csrf_token": csrf(client)})
    assert posted.status_code == 404


def test_signing_in_renews_the_session(app, client, outbox, maya):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    ask_for_link(client, "maya@example.org")
    use_link(client, link_token(outbox, "maya@example.org"))
    with client.session_transaction() as session:
        assert "planted" not in session
        assert set(session) >= {"web_session"}


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, hana):
    page = client.get("/account")
    assert page.status_code == 303
    assert page.location == "/sign-in?next=/account"
    signed_in = password_sign_in(
        client, "hana@example.org", PASSWORD, "/sign-in/password?next=/account"
    )
    assert signed_in.location == "/account"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_only_local_next_targets_are_followed(client, hana, target):
    signed_in = client.post(
        "/sign-in/password",
        query_string={"next": target},
        data={"pw-email": "hana@example.org", "pw-password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert signed_in.status_code == 303 and signed_in.location == "/"


def test_hr_signs_in_with_a_password(app, client, hana):
    signed_in = password_sign_in(client, "hana@example.org", PASSWORD)
    assert signed_in.status_code == 303
    assert "Hana Hr" in words(client.get("/account").get_data(as_text=True))
    with app.app_context():
        stored = db.session.get(Person, hana).password_hash
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_passwords_and_unknown_emails_get_one_answer(app, client, hana, maya):
    with app.app_context():
        # A member cannot have a password; even a stored hash would not let them in.
        db.session.get(Person, maya).password_hash = db.session.get(Person, hana).password_hash
        db.session.commit()
    answers = [
        password_sign_in(client, "hana@example.org", "wrong password!!"),
        password_sign_in(client, "nobody@example.org", PASSWORD),
        password_sign_in(client, "maya@example.org", PASSWORD),
    ]
    assert {answer.status_code for answer in answers} == {401}
    texts = {words(answer.get_data(as_text=True)).split("Email address")[0] for answer in answers}
    assert len(texts) == 1
    assert client.get("/account").status_code == 303


def test_hr_sets_a_password_on_the_account_page(app, person_session, hana):
    browser = person_session("hana@example.org")
    short = browser.post("/account", {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12" in words(short.get_data(as_text=True))
    mismatch = browser.post("/account", {"password": "a" * 12, "confirm": "b" * 12})
    assert mismatch.status_code == 422
    saved = browser.post(
        "/account", {"password": "new passphrase here", "confirm": "new passphrase here"}
    )
    assert saved.status_code == 303
    assert (
        password_sign_in(app.test_client(), "hana@example.org", "new passphrase here").status_code
        == 303
    )


def test_members_have_no_password(person_session, maya):
    browser = person_session("maya@example.org")
    refused = browser.post("/account", {"password": "a" * 12, "confirm": "a" * 12})
    assert refused.status_code == 403


def test_signing_out_ends_the_session_on_the_server(app, person_session, maya):
    browser = person_session("maya@example.org")
    stolen = browser.client.get_cookie("session").value
    assert browser.post("/sign-out").status_code == 303
    assert browser.get("/account").status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 303
    with app.app_context():
        (session,) = db.session.scalars(select(WebSession)).all()
        assert session.ended_at is not None
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["signed_in", "signed_out"]


@pytest.mark.parametrize(
    ("email", "idle_minutes"), [("maya@example.org", 120), ("hana@example.org", 30)]
)
def test_sessions_end_after_inactivity(clock, person_session, maya, hana, email, idle_minutes):
    browser = person_session(email)
    clock.advance(minutes=idle_minutes - 1)
    assert browser.get("/account").status_code == 200  # activity: the idle time starts again
    clock.advance(minutes=idle_minutes - 1)
    assert browser.get("/account").status_code == 200
    clock.advance(minutes=idle_minutes, seconds=1)
    assert browser.get("/account").status_code == 303


def test_forms_without_a_csrf_token_are_refused(app, client, outbox, person_session, maya, hana):
    assert client.post("/sign-in", data={"email": "maya@example.org"}).status_code == 400
    assert outbox("maya@example.org") == []
    refused = client.post(
        "/sign-in/password", data={"pw-email": "hana@example.org", "pw-password": PASSWORD}
    )
    assert refused.status_code == 400
    browser = person_session("maya@example.org")
    assert browser.post("/sign-out", csrf=False).status_code == 400
    assert browser.get("/account").status_code == 200


def test_sign_in_attempts_are_rate_limited_per_address(app, client, monkeypatch, maya):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "3 per minute")
    statuses = [
        password_sign_in(client, f"someone{n}@example.org", "guess guess guess").status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    assert ask_for_link(client, "maya@example.org").status_code == 429
    # Another address has its own count (the test client's is 127.0.0.1).
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert password_sign_in(other, "someone@example.org", "guess guess guess").status_code == 401


def test_sign_in_links_are_rate_limited_per_email(app, client, outbox, monkeypatch, maya):
    monkeypatch.setitem(app.config, "SIGN_IN_EMAIL_LIMIT", "2 per hour")
    statuses = [ask_for_link(client, "maya@example.org").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(outbox("maya@example.org")) == 2
    assert ask_for_link(client, "other@example.org").status_code == 303


def test_sign_up_is_closed_without_allowed_domains(client):
    assert client.get("/sign-up").status_code == 404


def test_sign_up_with_an_allowed_domain(app, client, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", frozenset({"example.org"}))
    page = client.get("/sign-up")
    assert page.status_code == 200 and "example.org" in words(page.get_data(as_text=True))

    def sign_up(name, email):
        return client.post(
            "/sign-up", data={"name": name, "email": email, "csrf_token": csrf(client, "/sign-up")}
        )

    joined, refused = sign_up("Noor New", "noor@example.org"), sign_up("Eve", "eve@other.org")
    assert (joined.status_code, joined.location) == (refused.status_code, refused.location)
    with app.app_context():
        emails = set(db.session.scalars(select(Person.email)))
        assert emails == {"noor@example.org"}
        assert db.session.scalar(select(Person.role)) == "member"
    assert len(outbox("noor@example.org")) == 1 and outbox("eve@other.org") == []
    use_link(client, link_token(outbox, "noor@example.org"))
    assert "Noor New" in words(client.get("/account").get_data(as_text=True))
    assert sign_up("", "not an email").status_code == 422


def test_home_sends_each_person_to_their_start_page(client, person_session, maya, hana):
    assert client.get("/").location == "/sign-in"
    assert person_session("maya@example.org").get("/").location == "/rounds"
    assert person_session("hana@example.org").get("/").location == "/hr"


def test_guessed_links_are_throttled_but_valid_ones_never(app, client, monkeypatch, maya):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "2 per minute")
    statuses = [client.get(f"/sign-in/guess-{n}").status_code for n in range(3)]
    assert statuses == [404, 404, 429]
    with app.app_context():
        from service.services.sign_in_links import mint_sign_in_link

        token = mint_sign_in_link(db.session.get(Person, maya))
        db.session.commit()
    assert client.get(f"/sign-in/{token}").status_code == 200
