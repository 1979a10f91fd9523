"""A submitted response written apart from its rater, and a decline reason apart from its decliner.

The caller (service/services/survey.py) has locked the rater's row and commits: the response
is written, the draft deleted and the rater marked submitted in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert

from service.extensions import db
from service.models import DeclineReason, Response, ResponseAnswer, ResponseComment
from service.models.responses import new_response_key

# Core statements built once, as for drafts: a submission's CPU time is mostly Python's.
_INSERT_RESPONSE = insert(Response.__table__)
_INSERT_ANSWERS = insert(ResponseAnswer.__table__)
_INSERT_COMMENTS = insert(ResponseComment.__table__)
_INSERT_REASON = insert(DeclineReason.__table__)


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
