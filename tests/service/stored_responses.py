"""What the database holds for a rater's response: the API no longer shows it once sealed."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.models import (
    DraftAnswer,
    DraftComment,
    Rater,
    Response,
    ResponseAnswer,
    ResponseComment,
)
from service.services.survey_links import rater_for_survey_token


def round_responses(round_id: str, relationship: str | None = None) -> list[dict]:
    """The round's submitted responses (in an app context), as {"answers", "comments"}."""
    query = select(Response.key).where(Response.round_id == round_id)
    if relationship is not None:
        query = query.where(Response.relationship == relationship)
    return [
        {
            "answers": dict(
                db.session.execute(
                    select(ResponseAnswer.item_id, ResponseAnswer.score).where(
                        ResponseAnswer.response_key == key
                    )
                ).all()
            ),
            "comments": dict(
                db.session.execute(
                    select(ResponseComment.key, ResponseComment.text).where(
                        ResponseComment.response_key == key
                    )
                ).all()
            ),
        }
        for key in db.session.scalars(query)
    ]


def stored_response(app, survey_token: str) -> dict:
    """{"status": ..., "answers": {item: score}, "comments": {key: text}} of the token's rater.

    Before submitting, their draft. Once submitted nothing links the response to the rater,
    so it is found the way the tests set rounds up: the only response of the rater's
    relationship in the round (a test with more uses round_responses).
    """
    with app.app_context():
        rater = db.session.get(Rater, rater_for_survey_token(survey_token).id)
        draft = {
            "answers": dict(
                db.session.execute(
                    select(DraftAnswer.item_id, DraftAnswer.score).where(
                        DraftAnswer.rater_id == rater.id
                    )
                ).all()
            ),
            "comments": dict(
                db.session.execute(
                    select(DraftComment.key, DraftComment.text).where(
                        DraftComment.rater_id == rater.id
                    )
                ).all()
            ),
        }
        if rater.response_status != "submitted":
            return {"status": rater.response_status, **draft}
        assert draft == {"answers": {}, "comments": {}}, "a submitted rater keeps no draft"
        responses = round_responses(rater.round_id, rater.relationship)
        assert len(responses) == 1, "several responses: this test must use round_responses"
        return {"status": "submitted", **responses[0]}
