"""Fixtures shared by every test: a migrated database (SQLite, or PostgreSQL), app, client."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from service import create_app
from service.config import with_postgres_driver
from service.extensions import db
from service.jobs import init_jobs
from service.services.people import create_person, issue_api_token


@contextmanager
def new_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the PostgreSQL server of `server_url`, named
    `prefix` and a random part, dropped afterwards."""
    server_url = with_postgres_driver(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """An empty database for this run: a new PostgreSQL database when TEST_DATABASE_URL is
    set (dropped afterwards), else an SQLite file."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with new_postgres_database(server_url, "feedback360_test") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "BASE_URL": "http://feedback360.test",
            "JOBS_IMMEDIATE": True,
            # Many tests sign in from the same test address; one test lowers these.
            "SIGN_IN_LIMIT": "10000 per hour",
            "SIGN_IN_EMAIL_LIMIT": "10000 per hour",
        }
    )
    with app.app_context():
        upgrade()  # the migrations, not create_all, build the schema
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_data(request):
    """Each test that uses the app starts with empty tables, the real clock and immediate
    jobs; pure tests (surveys/, reports/) never build the app at all."""
    if "app" in request.fixturenames:
        # Another app made by a test (create_app) may have pointed the queue elsewhere.
        init_jobs(request.getfixturevalue("app"))
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.config.pop("CLOCK", None)
    for email in outbox_folder(app).glob("*.eml"):
        email.unlink()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name == AUDIT_TABLE:
                    _empty_audit_log(connection)
                else:
                    connection.execute(table.delete())


AUDIT_TABLE = "audit_events"


def _empty_audit_log(connection):
    """The audit log refuses UPDATE and DELETE (append-only triggers); between tests it is
    emptied around them: TRUNCATE fires no row triggers on PostgreSQL, and on SQLite the
    triggers are dropped and made again."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE audit_events"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": AUDIT_TABLE},
    ).all()
    for name, _ in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    connection.execute(text("DELETE FROM audit_events"))
    for _, sql in triggers:
        connection.execute(text(sql))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clock:
    """A controllable clock injected through the app config."""

    def __init__(self, app):
        self.now = datetime.now(UTC)
        app.config["CLOCK"] = lambda: self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app):
    return Clock(app)


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


SURVEY_LINK = re.compile(r"/s/([A-Za-z0-9_-]+)")


def outbox_folder(app) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "outbox"


def outbox_files(app) -> set[str]:
    return {path.name for path in outbox_folder(app).glob("*.eml")}


def emailed_survey_tokens(app, ignore: set[str] = frozenset()) -> dict[str, str]:
    """The survey token of the newest email with a survey link to each address, as a rater
    finds it in their mailbox (the outbox, with no mail server); `ignore`: files already read."""
    tokens = {}
    # File names start with the time in nanoseconds: oldest first, so the newest wins.
    for path in sorted(outbox_folder(app).glob("*.eml")):
        if path.name in ignore:
            continue
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        link = SURVEY_LINK.search(message.get_body(preferencelist=("plain",)).get_content())
        if link:
            tokens[message["To"].addresses[0].addr_spec] = link.group(1)
    return tokens


class Api:
    """Test helper that speaks to the JSON API with bearer tokens."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def person(self, role: str = "member", name: str | None = None, email: str | None = None):
        """Create a person; return (person_id, api_token)."""
        name = name or f"{role.title()} {uuid.uuid4().hex[:6]}"
        email = email or f"{uuid.uuid4().hex[:10]}@example.org"
        with self.app.app_context():
            person = create_person(email, name, role)
            return person.id, issue_api_token(person.id)

    def call(self, method: str, path: str, token: str | None = None, json=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def create_round(self, token: str, raters=None, **fields):
        body = {"deadline": in_days(14), **fields}
        body["raters"] = raters if raters is not None else default_raters()
        response = self.call("POST", "/api/v1/rounds", token, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def launch(self, token: str, round_id: str) -> dict[str, str]:
        """Launch; return the survey tokens the raters were emailed, by rater email."""
        earlier = outbox_files(self.app)
        response = self.call("POST", f"/api/v1/rounds/{round_id}/launch", token)
        assert response.status_code == 200, response.get_json()
        emails = [rater["email"] for rater in response.get_json()["raters"]]
        return self.emailed_tokens(emails, ignore=earlier)

    def emailed_token(self, email: str) -> str:
        """The survey token in the newest invitation emailed to this address."""
        return self.emailed_tokens([email])[email]

    def emailed_tokens(self, emails: list[str], ignore: set[str] = frozenset()) -> dict[str, str]:
        """The newest survey token emailed to each address (in an email not in `ignore`); with
        a worker process sending the emails, waits for them (up to a minute)."""
        deadline = time.monotonic() + 60
        while True:
            emailed = emailed_survey_tokens(self.app, ignore)
            if all(email in emailed for email in emails) or time.monotonic() > deadline:
                return {email: emailed[email] for email in emails}
            time.sleep(0.1)

    def survey(self, survey_token: str) -> dict:
        response = self.call("GET", "/api/v1/survey", survey_token)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def full_answers(self, survey_token: str, score=4) -> dict:
        items = [
            item["id"] for skill in self.survey(survey_token)["skills"] for item in skill["items"]
        ]
        return {item: score for item in items}


def default_raters():
    return [
        {"name": "Morgan Manager", "email": "morgan@example.org", "relationship": "manager"},
        {"name": "Pat Peer", "email": "pat@example.org", "relationship": "peer"},
        {"name": "Quinn Peer", "email": "quinn@example.org", "relationship": "peer"},
        {"name": "Dana Report", "email": "dana@example.org", "relationship": "direct_report"},
    ]


@pytest.fixture
def api(app, client):
    return Api(app, client)
