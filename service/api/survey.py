"""Rater API, authenticated by the rater's survey token."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_rater
from service.api.schemas.survey import (
    DeclineSchema,
    ResponseSchema,
    ResponseStateSchema,
    SubmissionSchema,
    SurveySchema,
)
from service.services import survey

blp = Blueprint(
    "survey",
    __name__,
    url_prefix="/api/v1/survey",
    description="For raters: send the survey token from your link as 'Authorization: Bearer'.",
)
AUTH = {"security": [{"survey_token": []}]}


@blp.route("")
class Survey(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, SurveySchema)
    def get(self):
        """The questionnaire worded for you, with your saved draft"""
        return survey.survey_for_rater(current_rater())


@blp.route("/answers")
class Answers(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ResponseSchema)
    @blp.response(200, ResponseStateSchema)
    def put(self, body):
        """Save a draft (partial is fine); it replaces the previous draft"""
        return survey.save_draft(current_rater().id, body["answers"], body["comments"])


@blp.route("/submit")
class Submit(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(SubmissionSchema)
    @blp.response(200, ResponseStateSchema)
    def post(self, body):
        """Submit your final answers: every item a score 1–5 or null"""
        return survey.submit_response(current_rater().id, body["answers"], body["comments"])


@blp.route("/decline")
class Decline(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(DeclineSchema)
    @blp.response(200, ResponseStateSchema)
    def post(self, body):
        """Decline to give feedback, with an optional reason"""
        return survey.decline_response(current_rater().id, body.get("reason"))
