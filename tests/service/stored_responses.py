"""What the database holds for a rater's response: the API no longer shows it once sealed."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.models import Answer, Comment, Rater
from service.services.survey_links import rater_for_survey_token


def stored_response(app, survey_token: str) -> dict:
    """{"status": ..., "answers": {item: score}, "comments": {key: text}} of the token's rater."""
    with app.app_context():
        rater_id = rater_for_survey_token(survey_token).id
        status = db.session.scalar(select(Rater.response_status).where(Rater.id == rater_id))
        answers = db.session.execute(
            select(Answer.item_id, Answer.score).where(Answer.rater_id == rater_id)
        )
        comments = db.session.execute(
            select(Comment.key, Comment.text).where(Comment.rater_id == rater_id)
        )
        return {"status": status, "answers": dict(answers.all()), "comments": dict(comments.all())}
