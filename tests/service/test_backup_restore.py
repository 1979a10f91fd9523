"""`feedback360 backup` and `restore` on the suite's database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set): a consistent copy while answers are being submitted, a restore
that brings a round back, and the refusals that change nothing."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest
from sqlalchemy import func, select

from service import create_app
from service.extensions import db
from service.jobs import init_jobs
from service.models import Person, Rater, Response, ResponseAnswer, Round
from service.services.backups import BackupError, _run_postgres_tool
from service.services.people import create_person
from tests.conftest import Api, new_postgres_database
from tests.service.conftest import INSTRUMENT, answer_all

ITEMS = len(INSTRUMENT.item_ids)


def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def empty_database(app, tmp_path):
    """The URL of a new, empty database of the suite's kind, to restore into."""
    if not is_postgres(app):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with new_postgres_database(app.config["SQLALCHEMY_DATABASE_URI"], "feedback360_restore") as url:
        yield url


@pytest.fixture
def restored_app(app, empty_database, tmp_path):
    """Another installation of the service, on the empty database."""
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "INSTANCE_PATH": str(tmp_path / "other-instance"),
            "JOBS_IMMEDIATE": True,
        }
    )
    init_jobs(app)  # the queue runs the suite's app's jobs, as before
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def run(app, *arguments):
    return app.test_cli_runner().invoke(args=list(arguments))


def response_state(app) -> tuple[int, list[int], int]:
    """How many raters have submitted, each stored response's number of answers, and how
    many raters there are."""
    with app.app_context():
        submitted = db.session.scalar(
            select(func.count()).where(Rater.response_status == "submitted")
        )
        per_response = db.session.scalars(
            select(func.count(ResponseAnswer.item_id))
            .select_from(Response)
            .outerjoin(ResponseAnswer)
            .group_by(Response.key)
        ).all()
        raters = db.session.scalar(select(func.count()).select_from(Rater))
        return submitted, list(per_response), raters


def test_a_backup_taken_while_answers_arrive_is_one_moment_of_the_database(
    app, api, tmp_path, restored_app
):
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    raters = [
        {"name": f"Peer {n}", "email": f"peer{n}@example.org", "relationship": "peer"}
        for n in range(16)
    ]
    created = api.create_round(hr, subject_email="maya@example.org", raters=raters)
    tokens = list(api.launch(hr, created["id"]).values())
    first_answered = threading.Event()
    failures = []

    def submit_all():
        # Another browser of the running service: its own client, its own requests.
        writer = Api(app, app.test_client())
        try:
            for token in tokens:
                answer_all(writer, token, 4)
                first_answered.set()
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
            first_answered.set()

    thread = threading.Thread(target=submit_all)
    thread.start()
    try:
        first_answered.wait()
        before = response_state(app)[0]
        result = run(app, "backup", str(tmp_path / "during.backup"))
        after = response_state(app)[0]
    finally:
        thread.join()
    assert not failures
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output and "during.backup" in result.output

    if not is_postgres(app):
        with closing(sqlite3.connect(tmp_path / "during.backup")) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    restored = run(restored_app, "restore", str(tmp_path / "during.backup"))
    assert restored.exit_code == 0, restored.output
    submitted, per_response, rater_count = response_state(restored_app)
    # The copy holds the database of one moment between the two counts: each response is
    # there with all its answers or not at all, never half of one, and one per rater
    # marked submitted.
    assert before <= submitted <= after
    assert per_response == [ITEMS] * submitted
    # The peers and Maya herself (her self-assessment): each had a link and answers.
    assert len(tokens) == rater_count == len(raters) + 1
    # And nothing was lost meanwhile: every response reached the live database.
    assert response_state(app)[0] == len(tokens)


def answers_of(app) -> list[tuple[str, str, str, int]]:
    with app.app_context():
        return sorted(
            db.session.execute(
                select(
                    Response.key,
                    Response.relationship,
                    ResponseAnswer.item_id,
                    ResponseAnswer.score,
                ).join(ResponseAnswer)
            ).all()
        )


def test_a_restore_brings_back_a_rounds_results_and_answers(
    app, api, scored_round, tmp_path, restored_app
):
    hr, _, round_id = scored_round
    results = api.call("GET", f"/api/v1/rounds/{round_id}/results", hr)
    assert results.status_code == 200
    answers = answers_of(app)
    # 6 people answered every item: the subject and 5 raters.
    assert len(answers) == 6 * ITEMS
    assert run(app, "backup", str(tmp_path / "round.backup")).exit_code == 0

    restored = run(restored_app, "restore", str(tmp_path / "round.backup"))

    assert restored.exit_code == 0, restored.output
    # The people are HR and Maya; raters belong to the round, they have no account.
    # 6 submitted: the subject and 5 raters.
    assert "2 people, 1 rounds, 6 submitted responses" in restored.output
    assert answers_of(restored_app) == answers
    # The same API token (only its digest is stored) reads the same results there.
    again = Api(restored_app, restored_app.test_client())
    assert again.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json() == (
        results.get_json()
    )


def test_a_restore_onto_data_needs_force_and_changes_nothing_without_it(
    app, scored_round, tmp_path, restored_app
):
    _, _, round_id = scored_round
    assert run(app, "backup", str(tmp_path / "round.backup")).exit_code == 0
    # The other installation has a schema and one person of its own.
    assert run(restored_app, "db", "upgrade").exit_code == 0
    with restored_app.app_context():
        create_person("only@example.org", "Only One", "member")

    refused = run(restored_app, "restore", str(tmp_path / "round.backup"))

    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    with restored_app.app_context():
        assert db.session.scalars(select(Person.email)).all() == ["only@example.org"]
        assert db.session.scalar(select(func.count()).select_from(Round)) == 0

    forced = run(restored_app, "restore", "--force", str(tmp_path / "round.backup"))

    assert forced.exit_code == 0, forced.output
    with restored_app.app_context():
        assert "only@example.org" not in db.session.scalars(select(Person.email)).all()
        assert db.session.scalars(select(Round.id)).all() == [round_id]


def test_a_missing_file_is_named(app, tmp_path):
    result = run(app, "restore", str(tmp_path / "nothing.backup"))
    assert result.exit_code == 1
    assert "there is no backup file at" in result.output


def test_a_file_of_the_wrong_kind_is_refused_before_anything_changes(
    app, api, tmp_path, restored_app
):
    api.person("member", name="Maya Lind", email="maya@example.org")
    other_kind = tmp_path / "other-kind.backup"
    if is_postgres(app):
        with closing(sqlite3.connect(other_kind)) as sqlite_file:
            sqlite_file.execute("CREATE TABLE people (id TEXT)")
        expected = "is an SQLite backup; this service's database is PostgreSQL"
    else:
        other_kind.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
        expected = "is a PostgreSQL backup (pg_dump); this service's database is SQLite"
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("my notes, not a database\n")

    for source, message in ((other_kind, expected), (not_a_backup, "not a feedback360 backup")):
        for target in (app, restored_app):
            result = run(target, "restore", "--force", str(source))
            assert result.exit_code == 1
            assert message in result.output
    with app.app_context():
        assert db.session.scalars(select(Person.email)).all() == ["maya@example.org"]


def test_a_backup_into_a_missing_folder_fails_and_writes_nothing(app, tmp_path):
    result = run(app, "backup", str(tmp_path / "no-such-folder" / "x.backup"))
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "no-such-folder").exists()


def test_a_missing_postgres_client_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no programs
    with pytest.raises(BackupError, match=r"pg_dump is not installed.*postgresql-client"):
        _run_postgres_tool("pg_dump", ["--version"])


def test_a_failing_postgres_tool_says_what_it_said(tmp_path, monkeypatch):
    fake = tmp_path / "pg_restore"
    fake.write_text("#!/bin/sh\necho 'pg_restore: error: could not open input file' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_restore failed: pg_restore: error: could not open"):
        _run_postgres_tool("pg_restore", ["--list", "x"])
