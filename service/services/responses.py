"""A submitted response written apart from its rater, and a decline reason apart from its decliner.

The caller (service/services/survey.py) has locked the rater's row and commits: the response
is written, the draft deleted and the rater marked submitted in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert, text

from service.extensions import db
from service.models import DeclineReason, Response, ResponseAnswer, ResponseComment
from service.models.responses import new_response_key

# Core statements built once, as for drafts: a submission's CPU time is mostly Python's.
_INSERT_RESPONSE = insert(Response.__table__)
_INSERT_ANSWERS = insert(ResponseAnswer.__table__)
_INSERT_COMMENTS = insert(ResponseComment.__table__)
_INSERT_REASON = insert(DeclineReason.__table__)
# PostgreSQL writes a response in one statement of fixed text (prepared once by the driver):
# the response row, its answers and its comments from arrays, instead of one INSERT per row
# (35 answers and up to 9 comments), which cost the server most of a submission's time. The
# foreign keys are checked at the statement's end, when the response row is there.
_PG_RECORD_RESPONSE = text(
    "WITH response AS ("
    "INSERT INTO responses (key, round_id, relationship, release_block) "
    "VALUES (:key, :round_id, :relationship, :release_block)"
    "), answers AS ("
    "INSERT INTO response_answers (response_key, item_id, score) "
    "SELECT :key, a.item_id, a.score "
    "FROM unnest(CAST(:item_ids AS VARCHAR[]), CAST(:scores AS SMALLINT[])) AS a(item_id, score)"
    ") INSERT INTO response_comments (response_key, key, text) "
    "SELECT :key, c.comment_key, c.comment_text "
    "FROM unnest(CAST(:keys AS VARCHAR[]), CAST(:texts AS TEXT[])) AS c(comment_key, comment_text)"
)


def record_response(
    round_id: str,
    relationship: str,
    release_block: int,
    answers: Mapping[str, int | None],
    comments: Mapping[str, str],
) -> None:
    """Write a final response under a fresh random key: the round, the relationship and the
    release block it arrived in are all it holds besides its answers and comments."""
    key = new_response_key()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            _PG_RECORD_RESPONSE,
            {
                "key": key,
                "round_id": round_id,
                "relationship": relationship,
                "release_block": release_block,
                "item_ids": list(answers),
                "scores": list(answers.values()),
                "keys": list(comments),
                "texts": list(comments.values()),
            },
        )
        return
    db.session.execute(
        _INSERT_RESPONSE,
        {
            "key": key,
            "round_id": round_id,
            "relationship": relationship,
            "release_block": release_block,
        },
    )
    if answers:
        rows = [{"response_key": key, "item_id": i, "score": s} for i, s in answers.items()]
        db.session.execute(_INSERT_ANSWERS, rows)
    if comments:
        rows = [{"response_key": key, "key": k, "text": t} for k, t in comments.items()]
        db.session.execute(_INSERT_COMMENTS, rows)


def record_decline_reason(round_id: str, reason: str) -> None:
    """Keep a decline reason with the round only, under a random key."""
    db.session.execute(
        _INSERT_REASON, {"key": new_response_key(), "round_id": round_id, "text": reason}
    )
