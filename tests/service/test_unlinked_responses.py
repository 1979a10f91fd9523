"""Once submitted, nothing in the database leads from a response to its rater: no foreign key,
no shared value, no order (docs/security.md). Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text

from service.extensions import db
from service.models import DraftAnswer, DraftComment, PulseRater, Rater, Response, Round
from tests.service.conftest import INSTRUMENT, SCORES, late_peers
from tests.service.test_pulses_api import pulse, submit  # noqa: F401 - pulse is a fixture

RESPONSE_TABLES = {
    "responses": {"key", "round_id", "relationship", "release_block"},
    "response_answers": {"response_key", "item_id", "score"},
    "response_comments": {"response_key", "key", "text"},
    "decline_reasons": {"key", "round_id", "text"},
}
# What a response may share with its rater's row: the groups are formed from them.
SHARED = {"round_id", "relationship"}
PEERS = [
    {"name": f"Peer Number{n}", "email": f"peer{n}@example.org", "relationship": "peer"}
    for n in range(8)
]


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def stored_order(table: str) -> list[tuple]:
    """The table's rows in the order a dump lists them: SQLite's iterdump, and on PostgreSQL
    a scan without ORDER BY (the heap's order, which pg_dump's COPY follows too)."""
    if is_sqlite():
        prefix = f'INSERT INTO "{table}" VALUES('
        connection = db.engine.raw_connection()
        try:
            lines = [
                line for line in connection.driver_connection.iterdump() if line.startswith(prefix)
            ]
        finally:
            connection.close()
        # Each key is the row's first value, quoted: 'abc...',
        return [(line[len(prefix) :].split(",", 1)[0].strip("'"),) for line in lines]
    return [tuple(row) for row in db.session.execute(db.metadata.tables[table].select()).all()]


def submit_in_turn(api, tokens: list[str], comment_of=None) -> list[str]:
    """Submit each token's response in turn; return the new response keys in the order
    they were written (read between submissions, as someone watching the database could)."""
    order: list[str] = []
    for n, token in enumerate(tokens):
        comments = {"keep_doing": comment_of(n)} if comment_of else {}
        response = api.call(
            "POST",
            "/api/v1/survey/submit",
            token,
            json={"answers": dict.fromkeys(INSTRUMENT.item_ids, 1 + n % 5), "comments": comments},
        )
        assert response.status_code == 200, response.get_json()
        with api.app.app_context():
            new = set(db.session.scalars(select(Response.key))) - set(order)
        assert len(new) == 1
        order += new
    return order


@pytest.fixture
def eight_submitted(api):
    """A launched round about Maya whose 8 peers submitted one after the other; returns
    (round id, the keys in submission order)."""
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org", raters=PEERS)
    tokens = api.launch(hr, created["id"])
    order = submit_in_turn(
        api, [tokens[peer["email"]] for peer in PEERS], lambda n: f"Remark {n} from a peer"
    )
    return created["id"], order


def test_the_response_tables_hold_no_column_or_value_of_a_rater(app, eight_submitted):
    round_id, order = eight_submitted
    with app.app_context():
        inspector = inspect(db.engine)
        for table, columns in RESPONSE_TABLES.items():
            assert {column["name"] for column in inspector.get_columns(table)} == columns
            assert {fk["referred_table"] for fk in inspector.get_foreign_keys(table)} <= {
                "rounds",
                "responses",
            }
        raters = db.session.scalars(select(Rater).where(Rater.round_id == round_id)).all()
        assert len(raters) == 9  # the 8 peers and Maya's self-assessment
        # Every value of a rater row besides round and relationship: none may reappear.
        rater_values = {
            str(getattr(rater, column.key))
            for rater in raters
            for column in Rater.__table__.columns
            if column.key not in SHARED and getattr(rater, column.key) is not None
        }
        names = {rater.name for rater in raters} | {rater.email for rater in raters}
        rows = [
            row
            for table in RESPONSE_TABLES
            for row in db.session.execute(db.metadata.tables[table].select()).all()
        ]
        assert len(rows) == 8 + 8 * len(INSTRUMENT.item_ids) + 8  # responses, answers, comments
        for row in rows:
            for value in row:
                if value is None or value == round_id or value == "peer":
                    continue
                assert str(value) not in rater_values, (row, value)
                assert not any(name in str(value) for name in names), (row, value)
        submitted = [rater for rater in raters if rater.response_status == "submitted"]
        assert len(submitted) == 8
        for rater in submitted:
            # The day, not the time: a date, not a datetime; and no draft time left.
            assert type(rater.submitted_on) is date
            assert rater.draft_saved_at is None
        # The drafts were deleted with the submission.
        assert db.session.scalar(select(func.count()).select_from(DraftAnswer)) == 0
        assert db.session.scalar(select(func.count()).select_from(DraftComment)) == 0
        # Written in one order, each with a new random key.
        assert sorted(order) == sorted(db.session.scalars(select(Response.key)))
        assert all(len(key) == 32 and int(key, 16) >= 0 for key in order)


def test_sqlite_lists_responses_by_their_random_key_not_by_arrival(app, eight_submitted):
    _, order = eight_submitted
    with app.app_context():
        if not is_sqlite():
            # PostgreSQL keeps its heap in arrival order until the table is rewritten:
            # docs/security.md says so rather than claim otherwise.
            assert [row[0] for row in stored_order("responses")] == order
            return
        assert [row[0] for row in stored_order("responses")] == sorted(order)
        answers = stored_order("response_answers")
        assert [row[0] for row in answers] == sorted(row[0] for row in answers)


def test_a_dump_does_not_follow_the_submission_order(app, api, monkeypatch):
    # Keys that fall as responses arrive (ff…, fe…, …): in arrival order the dump would list
    # them falling, so only storage by key lists them rising. Random keys cannot make this
    # test pass by luck.
    falling = (f"{255 - n:02x}{secrets.token_hex(15)}" for n in range(8))
    monkeypatch.setattr("service.services.responses.new_response_key", lambda: next(falling))
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org", raters=PEERS)
    tokens = api.launch(hr, created["id"])
    order = submit_in_turn(api, [tokens[peer["email"]] for peer in PEERS])
    assert order == sorted(order, reverse=True)
    with app.app_context():
        dumped = [row[0] for row in stored_order("responses")]
        if is_sqlite():
            assert dumped == sorted(order)
        else:
            assert dumped == order  # the heap's arrival order (docs/security.md)


def test_a_decline_reason_is_kept_with_the_round_only(app, api):
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org", raters=PEERS[:2])
    tokens = api.launch(hr, created["id"])
    reason = "Away all quarter"
    declined = api.call(
        "POST", "/api/v1/survey/decline", tokens[PEERS[0]["email"]], json={"reason": reason}
    )
    assert declined.status_code == 200
    with app.app_context():
        assert "decline_reason" not in {c["name"] for c in inspect(db.engine).get_columns("raters")}
        rows = db.session.execute(text("SELECT * FROM decline_reasons")).all()
        assert [(row.round_id, row.text) for row in rows] == [(created["id"], reason)]
        rater_ids = set(db.session.scalars(select(Rater.id)))
        assert not rater_ids & {row.key for row in rows}


def test_late_responses_arrive_in_the_next_release_block(app, api, scored_round):
    hr, _, round_id = scored_round
    with app.app_context():
        released_at = db.session.get(Round, round_id).results_released_at
    late_peers(api, hr, round_id, [4, 4, 4])
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        blocks = dict(
            db.session.execute(
                select(Response.release_block, func.count())
                .where(Response.round_id == round_id)
                .group_by(Response.release_block)
            ).all()
        )
        # The 6 answers of the first close came before any release; the 3 late ones after it.
        assert blocks == {0: len(SCORES), 1: 3}
        # Three late peers are k (3) new responses in the peers' block: the results were
        # released again, the second release, so the next late response is in block 2.
        assert round_.results_released_at != released_at
        assert round_.releases == 2


def test_a_submitted_draft_leaves_no_trace_in_the_sqlite_file(app, api):
    # The draft, keyed by its rater, is deleted at the submission; without secure_delete its
    # bytes would stay in the page SQLite freed, readable by anyone with the file.
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org", raters=PEERS[:1])
    token = api.launch(hr, created["id"])[PEERS[0]["email"]]
    draft = "Draft-only words: quokka-marmalade"
    saved = api.call("PUT", "/api/v1/survey/answers", token, json={"comments": {"empathy": draft}})
    assert saved.status_code == 200
    submit_in_turn(api, [token])
    with app.app_context():
        if not is_sqlite():
            # PostgreSQL keeps a deleted row until VACUUM reuses its space: docs/security.md.
            assert db.session.scalar(text("SELECT count(*) FROM draft_comments")) == 0
            return
        # Everything the write-ahead log holds goes into the file, and the log is emptied.
        assert db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()[0] == 0
        path = db.engine.url.database
    with open(path, "rb") as stored:
        assert b"quokka-marmalade" not in stored.read()


def test_a_pulse_answer_is_kept_apart_from_its_rater_too(app, api, pulse):  # noqa: F811
    _, _, _, pulse_id, tokens = pulse
    emails = ["pia@example.org", "pat@example.org", "pol@example.org"]
    for n, email in enumerate(emails):
        sent = submit(api, tokens[email], {"empathy": n - 1, "leadership": None}, f"Change {n}")
        assert sent.status_code == 200
        date.fromisoformat(sent.get_json()["submitted_on"])  # a day, no time
    with app.app_context():
        inspector = inspect(db.engine)
        columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in ("pulse_raters",)}
        assert columns["pulse_raters"] == {"id", "pulse_id", "rater_id", "submitted_on"}
        assert {c["name"] for c in inspector.get_columns("pulse_responses")} == {
            "key",
            "pulse_id",
            "relationship",
            "comment",
        }
        asked = db.session.scalars(select(PulseRater).where(PulseRater.pulse_id == pulse_id)).all()
        rater_values = {str(row.id) for row in asked} | {str(row.rater_id) for row in asked}
        rater_values |= {row.rater.email for row in asked} | {row.rater.name for row in asked}
        rows = [
            row
            for table in ("pulse_responses", "pulse_response_answers")
            for row in db.session.execute(db.metadata.tables[table].select()).all()
        ]
        assert len(rows) == 3 + 3 * 2
        for row in rows:
            assert not {str(value) for value in row} & rater_values, row
        answered = [row for row in asked if row.submitted_on is not None]
        assert len(answered) == 3 and all(type(row.submitted_on) is date for row in answered)
