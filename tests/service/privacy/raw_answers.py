"""How many raw answers and comments the database holds for a round: submitted responses'
and drafts'."""

from __future__ import annotations

from sqlalchemy import func, select

from service.extensions import db
from service.models import (
    DraftAnswer,
    DraftComment,
    Rater,
    Response,
    ResponseAnswer,
    ResponseComment,
)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def raw_answer_rows(app, round_id: str) -> dict[str, int]:
    with app.app_context():
        raters = select(Rater.id).where(Rater.round_id == round_id)
        responses = select(Response.key).where(Response.round_id == round_id)
        count = {
            "answers": _count(
                select(ResponseAnswer.item_id).where(ResponseAnswer.response_key.in_(responses))
            )
            + _count(select(DraftAnswer.item_id).where(DraftAnswer.rater_id.in_(raters))),
            "comments": _count(
                select(ResponseComment.key).where(ResponseComment.response_key.in_(responses))
            )
            + _count(select(DraftComment.key).where(DraftComment.rater_id.in_(raters))),
        }
        db.session.remove()
        return count
