"""/healthz and /readyz: alive without the database; ready only when the database (migrated),
the queue, Chromium and the mail server answer, each failure named, no secret shown."""

from __future__ import annotations

import socket

import pytest

from service import create_app
from service.extensions import db
from service.services.browser import forget_browser_checks
from tests.service.jobs.conftest import Mailbox, SmtpServer


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_browser_check():
    forget_browser_checks()
    yield
    forget_browser_checks()


def other_app(tmp_path, **config):
    """An app of its own (not the tests' migrated one), with the settings given."""
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), **config})


def test_healthz_answers_without_the_database(app, tmp_path):
    broken = other_app(
        tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/x"
    )
    answer = broken.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_every_part_answers(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()
    assert document["status"] == "ready" and document["failing"] == []
    # No mail server configured (the outbox): nothing to check there.
    assert set(document["checks"]) == {"database", "queue", "chromium"}
    assert all(check["ok"] for check in document["checks"].values())
    assert document["checks"]["chromium"]["detail"].startswith("Chromium")


def test_readyz_names_a_database_that_does_not_answer_without_its_password(app, tmp_path):
    port = closed_port()
    broken = other_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://feedback:s3cret-pw@127.0.0.1:{port}/x",
        JOBS_IMMEDIATE=True,
    )
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["failing"] == ["database"]
    assert f"127.0.0.1:{port}" in document["checks"]["database"]["detail"]
    assert "DATABASE_URL" in document["checks"]["database"]["fix"]
    assert "s3cret-pw" not in answer.get_data(as_text=True)


def test_readyz_names_a_database_that_is_not_migrated(app, tmp_path):
    empty = other_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    answer = empty.test_client().get("/readyz")
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["failing"] == ["database"]
    assert document["checks"]["database"]["detail"].startswith("migrated to no migration")
    assert document["checks"]["database"]["fix"] == "Run `feedback360 db upgrade`"
    with empty.app_context():
        db.engine.dispose()


def test_readyz_names_a_redis_queue_that_does_not_answer(app, tmp_path, database_url):
    port = closed_port()
    queued = other_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=f"redis://:queue-pw@127.0.0.1:{port}/0",
        JOBS_IMMEDIATE=False,
    )
    answer = queued.test_client().get("/readyz")
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["failing"] == ["queue"]
    assert f"127.0.0.1:{port}" in document["checks"]["queue"]["detail"]
    assert "queue-pw" not in answer.get_data(as_text=True)
    assert document["checks"]["database"]["ok"]
    with queued.app_context():
        db.engine.dispose()


def test_readyz_accepts_the_sqlite_queue_of_the_instance_folder(app, tmp_path, database_url):
    queued = other_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url, JOBS_IMMEDIATE=False)
    answer = queued.test_client().get("/readyz")
    assert answer.status_code == 200, answer.get_json()
    assert "jobs.sqlite3" in answer.get_json()["checks"]["queue"]["detail"]
    with queued.app_context():
        db.engine.dispose()


def test_readyz_names_chromium_when_it_is_missing(client, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["failing"] == ["chromium"]
    assert document["checks"]["chromium"]["detail"] == (
        "Chromium was not found at /nonexistent/chromium"
    )
    assert "BROWSER_PATH" in document["checks"]["chromium"]["fix"]


def test_readyz_names_chromium_when_it_does_not_start(client, monkeypatch, tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(broken))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    detail = answer.get_json()["checks"]["chromium"]["detail"]
    assert detail == f"Chromium at {broken} does not start (exit status 3)"


def test_readyz_checks_a_configured_mail_server(app, client, monkeypatch):
    server = SmtpServer(Mailbox(), closed_port())
    server.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://mailer:mail-pw@127.0.0.1:{server.port}")
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["checks"]["smtp"]["ok"]
    finally:
        server.stop()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    document = answer.get_json()
    assert document["failing"] == ["smtp"]
    assert f"127.0.0.1:{server.port}" in document["checks"]["smtp"]["detail"]
    assert "mail-pw" not in answer.get_data(as_text=True)
    assert server.mailbox.messages == []  # a check sends nothing
