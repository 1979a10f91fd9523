"""Migrations that move data: survey links leave the raters table and nothing else is lost."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from service import create_app
from service.extensions import db

HASH = "a" * 64
ROWS = [
    "INSERT INTO people (id, email, name, role, created_at)"
    " VALUES ('p1', 'a@x.org', 'Ann Bell', 'hr', CURRENT_TIMESTAMP)",
    "INSERT INTO rounds (id, subject_id, created_by_id, instrument_id, instrument_version,"
    " status, deadline, anonymity_threshold, comment_seed, created_at)"
    " VALUES ('r1', 'p1', 'p1', 'soft-skills', '1', 'open', CURRENT_TIMESTAMP, 3, 1,"
    " CURRENT_TIMESTAMP)",
    "INSERT INTO raters (id, round_id, name, email, relationship, token_hash, token_issued_at,"
    " response_status, created_at) VALUES ('t1', 'r1', 'Ann', 'a@x.org', 'self', :hash,"
    " CURRENT_TIMESTAMP, 'draft', CURRENT_TIMESTAMP), ('t2', 'r1', 'Cy', 'c@x.org', 'peer',"
    " NULL, NULL, 'pending', CURRENT_TIMESTAMP)",
    "INSERT INTO answers (rater_id, item_id, score) VALUES ('t1', 'empathy_1', 4)",
]


def test_survey_links_move_to_their_table_and_back_keeping_answers(tmp_path):
    # SQLite on purpose: its batch mode rebuilds the raters table, the risky case.
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        upgrade(revision="0002")
        for row in ROWS:
            db.session.execute(text(row), {"hash": HASH} if ":hash" in row else {})
        db.session.commit()
        upgrade()
        links = db.session.execute(text("SELECT rater_id, token_hash FROM survey_links")).all()
        assert links == [("t1", HASH)]
        # t1's answer is a draft: it stays theirs, in draft_answers since 0013.
        assert db.session.execute(text("SELECT count(*) FROM draft_answers")).scalar() == 1
        db.session.commit()
        downgrade(revision="0002")
        raters = db.session.execute(text("SELECT id, token_hash FROM raters ORDER BY id")).all()
        assert raters == [("t1", HASH), ("t2", None)]
        assert db.session.execute(text("SELECT count(*) FROM answers")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
