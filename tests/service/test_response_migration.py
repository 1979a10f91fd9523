"""Migration 0013: submitted answers become responses unlinked from their raters, drafts stay
the raters', a submission keeps its day only; a downgrade that would lose responses is refused.
On SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from service import create_app
from service.extensions import db
from tests.conftest import new_postgres_database


@pytest.fixture(
    params=["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]
)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    with new_postgres_database(os.environ["TEST_DATABASE_URL"], "feedback360_migration") as url:
        yield url


def migration_app(database_url: str, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )


def moment(value: str) -> str:
    """A UTC moment written as each database's column holds it."""
    return value + ("+00" if db.engine.dialect.name == "postgresql" else ".000000")


RELEASED = "2026-03-10 12:00:00"
# (id, round, relationship, status, submitted at, decline reason)
RATERS = [
    ("t-a", "r1", "peer", "submitted", "2026-03-09 15:30:00", None),
    ("t-b", "r1", "manager", "submitted", "2026-03-11 08:00:00", None),  # after the release
    ("t-c", "r1", "peer", "declined", None, "On leave"),
    ("t-d", "r1", "peer", "draft", None, None),
    ("t-e", "r2", "self", "submitted", "2026-03-12 23:59:59", None),
]
ANSWERS = [("t-a", "ei_1", 4), ("t-a", "ei_2", None), ("t-b", "ei_1", 2), ("t-d", "ei_1", 5)]
ANSWERS += [("t-e", "ei_1", 3)]
COMMENTS = [("t-a", "keep_doing", "Listens well"), ("t-d", "empathy", "half a thought")]


def seed_0012() -> None:
    execute = db.session.execute
    execute(
        text(
            "INSERT INTO people (id, email, name, role, created_at) VALUES"
            " ('p1', 'hr@x.org', 'Hana Ross', 'hr', CURRENT_TIMESTAMP),"
            " ('p2', 'maya@x.org', 'Maya Lind', 'member', CURRENT_TIMESTAMP)"
        )
    )
    for round_id, status, released in (("r1", "closed", moment(RELEASED)), ("r2", "open", None)):
        execute(
            text(
                "INSERT INTO rounds (id, subject_id, created_by_id, instrument_id,"
                " instrument_version, status, deadline, anonymity_threshold, comment_seed,"
                " created_at, results, results_released_at) VALUES (:id, 'p2', 'p1',"
                " 'soft-skills', '1', :status, CURRENT_TIMESTAMP, 3, 1, CURRENT_TIMESTAMP,"
                " :results, :released)"
            ),
            {
                "id": round_id,
                "status": status,
                "results": '{"groups": []}' if released else None,
                "released": released,
            },
        )
    for rater_id, round_id, relationship, status, submitted, reason in RATERS:
        execute(
            text(
                "INSERT INTO raters (id, round_id, name, email, relationship, response_status,"
                " submitted_at, decline_reason, created_at) VALUES (:id, :round_id, :name,"
                " :email, :relationship, :status, :submitted, :reason, CURRENT_TIMESTAMP)"
            ),
            {
                "id": rater_id,
                "round_id": round_id,
                "name": f"Rater {rater_id}",
                "email": f"{rater_id}@x.org",
                "relationship": relationship,
                "status": status,
                "submitted": submitted and moment(submitted),
                "reason": reason,
            },
        )
    for rater_id, item_id, score in ANSWERS:
        execute(
            text("INSERT INTO answers (rater_id, item_id, score) VALUES (:r, :i, :s)"),
            {"r": rater_id, "i": item_id, "s": score},
        )
    for rater_id, key, comment in COMMENTS:
        execute(
            text("INSERT INTO comments (rater_id, key, text) VALUES (:r, :k, :t)"),
            {"r": rater_id, "k": key, "t": comment},
        )
    db.session.commit()


# What 0013 builds or changes (other migrations are checked by their own tests): its tables,
# and the columns it adds to or drops from raters and rounds.
TABLES = {"responses", "response_answers", "response_comments", "decline_reasons"}
TABLES |= {"draft_answers", "draft_comments"}
COLUMNS = {"raters": {"submitted_on", "submitted_at", "decline_reason"}, "rounds": {"releases"}}


def ours(item, name, type_, reflected, compare_to) -> bool:
    table = name if type_ == "table" else item.table.name
    if table in COLUMNS:
        return type_ == "table" or (type_ == "column" and name in COLUMNS[table])
    return table in TABLES


def rows(query: str) -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(text(query)).all())


def test_0013_unlinks_submitted_answers_keeps_drafts_and_refuses_to_lose_them(
    empty_database, tmp_path, capfd
):
    app = migration_app(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="0012")
        seed_0012()
        upgrade(revision="0013")

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": ours})
            assert compare_metadata(context, db.metadata) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"answers", "comments"} & tables == set()
        # Three submitted raters, three responses: round, relationship and release block
        # only (the manager's came after r1's results were released: block 1).
        assert rows("SELECT round_id, relationship, release_block FROM responses") == [
            ("r1", "manager", 1),
            ("r1", "peer", 0),
            ("r2", "self", 0),
        ]
        keys = dict(rows("SELECT relationship, key FROM responses"))
        assert len(set(keys.values())) == 3 and all(len(key) == 32 for key in keys.values())
        assert not {key for key in keys.values()} & {rater[0] for rater in RATERS}
        assert rows("SELECT response_key, item_id, score FROM response_answers") == sorted(
            [
                (keys["peer"], "ei_1", 4),
                (keys["peer"], "ei_2", None),
                (keys["manager"], "ei_1", 2),
                (keys["self"], "ei_1", 3),
            ]
        )
        assert rows("SELECT response_key, key, text FROM response_comments") == [
            (keys["peer"], "keep_doing", "Listens well")
        ]
        # The draft stays its rater's.
        assert rows("SELECT rater_id, item_id, score FROM draft_answers") == [("t-d", "ei_1", 5)]
        assert rows("SELECT rater_id, key, text FROM draft_comments") == [
            ("t-d", "empathy", "half a thought")
        ]
        # The day only (UTC), and the reason with the round alone.
        days = dict(rows("SELECT id, submitted_on FROM raters"))
        assert {rater: str(day) if day else None for rater, day in days.items()} == {
            "t-a": "2026-03-09",
            "t-b": "2026-03-11",
            "t-c": None,
            "t-d": None,
            "t-e": "2026-03-12",
        }
        columns = {column["name"] for column in inspect(db.engine).get_columns("raters")}
        assert {"submitted_at", "decline_reason"} & columns == set()
        assert rows("SELECT round_id, text FROM decline_reasons") == [("r1", "On leave")]
        assert rows("SELECT id, releases FROM rounds") == [("r1", 1), ("r2", 0)]
        db.session.commit()

        # Responses cannot be linked back: the downgrade refuses rather than lose them.
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error, then exits
            downgrade(revision="0012")
        assert "cannot be linked back" in capfd.readouterr().err
        db.session.remove()
        assert rows("SELECT count(*) FROM responses") == [(3,)]

        # Without responses (say, after retention deleted them) it goes back.
        db.session.execute(text("DELETE FROM responses"))
        db.session.execute(text("DELETE FROM decline_reasons"))
        db.session.commit()
        downgrade(revision="0012")
        assert rows("SELECT rater_id, item_id, score FROM answers") == [("t-d", "ei_1", 5)]
        restored = dict(rows("SELECT id, submitted_at FROM raters WHERE submitted_at IS NOT NULL"))
        assert {rater: moment_day(value) for rater, value in restored.items()} == {
            "t-a": date(2026, 3, 9),
            "t-b": date(2026, 3, 11),
            "t-e": date(2026, 3, 12),
        }
        db.session.remove()
        db.engine.dispose()


def moment_day(value) -> date:
    """The day of a stored moment, read raw (a string on SQLite, a datetime on PostgreSQL)."""
    return date.fromisoformat(str(value)[:10])


PULSE_ROWS = [
    "INSERT INTO people (id, email, name, role, created_at)"
    " VALUES ('p1', 'maya@x.org', 'Maya Lind', 'member', CURRENT_TIMESTAMP)",
    "INSERT INTO rounds (id, subject_id, created_by_id, instrument_id, instrument_version,"
    " status, deadline, anonymity_threshold, comment_seed, created_at) VALUES ('r1', 'p1',"
    " 'p1', 'soft-skills', '1', 'closed', CURRENT_TIMESTAMP, 3, 1, CURRENT_TIMESTAMP)",
    "INSERT INTO raters (id, round_id, name, email, relationship, response_status, created_at)"
    " VALUES ('t-a', 'r1', 'Ann Peer', 'a@x.org', 'peer', 'submitted', CURRENT_TIMESTAMP),"
    " ('t-b', 'r1', 'Bo Boss', 'b@x.org', 'manager', 'submitted', CURRENT_TIMESTAMP)",
    "INSERT INTO pulses (id, round_id, skill_ids, status, deadline, comment_seed, created_at)"
    " VALUES ('pu1', 'r1', '[\"empathy\", \"leadership\"]', 'open', CURRENT_TIMESTAMP, 1,"
    " CURRENT_TIMESTAMP)",
    "INSERT INTO pulse_raters (id, pulse_id, rater_id, submitted_at, comment) VALUES"
    " ('pr-a', 'pu1', 't-a', :answered, 'Listens more'), ('pr-b', 'pu1', 't-b', NULL, NULL)",
    "INSERT INTO pulse_answers (pulse_rater_id, skill_id, score) VALUES ('pr-a', 'empathy', 2),"
    " ('pr-a', 'leadership', NULL)",
]


def test_0017_unlinks_pulse_answers_and_refuses_to_lose_them(empty_database, tmp_path, capfd):
    app = migration_app(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="0016")
        for row in PULSE_ROWS:
            db.session.execute(text(row), {"answered": moment("2026-04-02 18:45:00")})
        db.session.commit()
        upgrade(revision="0017")

        assert "pulse_answers" not in inspect(db.engine).get_table_names()
        [(key, pulse_id, relationship, comment)] = rows(
            "SELECT key, pulse_id, relationship, comment FROM pulse_responses"
        )
        assert (pulse_id, relationship, comment) == ("pu1", "peer", "Listens more")
        assert len(key) == 32 and key not in {"pr-a", "t-a"}
        assert rows("SELECT response_key, skill_id, score FROM pulse_response_answers") == [
            (key, "empathy", 2),
            (key, "leadership", None),
        ]
        days = rows("SELECT id, submitted_on FROM pulse_raters")
        assert [(rater, str(day) if day else None) for rater, day in days] == [
            ("pr-a", "2026-04-02"),
            ("pr-b", None),
        ]
        columns = {column["name"] for column in inspect(db.engine).get_columns("pulse_raters")}
        assert columns == {"id", "pulse_id", "rater_id", "submitted_on"}
        db.session.commit()

        with pytest.raises(SystemExit):
            downgrade(revision="0016")
        assert "cannot be linked back" in capfd.readouterr().err
        db.session.remove()
        db.session.execute(text("DELETE FROM pulse_responses"))
        db.session.commit()
        downgrade(revision="0016")
        assert rows("SELECT id, comment FROM pulse_raters") == [("pr-a", None), ("pr-b", None)]
        assert rows("SELECT count(*) FROM pulse_answers") == [(0,)]
        db.session.remove()
        db.engine.dispose()
