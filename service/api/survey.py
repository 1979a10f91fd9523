"""Rater API, authenticated by the rater's survey token."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext
from flask_smorest import Blueprint
from marshmallow import ValidationError, missing
from webargs.flaskparser import FlaskParser

from service.api.auth import current_rater
from service.api.schemas.survey import (
    DeclineSchema,
    ResponseSchema,
    ResponseStateSchema,
    SubmissionSchema,
    SurveySchema,
)
from service.i18n import current_language, use_rater_language
from service.services import survey

NO_BODY = lazy_gettext("the request needs a JSON body, sent with 'Content-Type: application/json'")
NOT_JSON = lazy_gettext("the body must be JSON, sent with 'Content-Type: application/json'")


class JsonBodyParser(FlaskParser):
    """Reads the JSON body; a request without one is refused instead of read as {}.

    Read as {}, a body-less PUT of answers would replace the saved draft with nothing. A
    schema whose fields are all optional may allow no body (BODY_OPTIONAL), but a body
    that is not JSON is refused even then: a reason sent as a form must not be dropped by
    a decline that can't be undone.
    """

    def load_json(self, req, schema):
        body = super().load_json(req, schema)
        if body is not missing:
            return body
        if req.get_data(cache=True):
            raise ValidationError([str(NOT_JSON)])
        if not getattr(schema, "BODY_OPTIONAL", False):
            raise ValidationError([str(NO_BODY)])
        return body


blp = Blueprint(
    "survey",
    __name__,
    url_prefix="/api/v1/survey",
    description="For raters: send the survey token from your link as 'Authorization: Bearer'.",
)
blp.ARGUMENTS_PARSER = JsonBodyParser()
AUTH = {"security": [{"survey_token": []}]}
REQUIRED_BODY = "Required: a request without a JSON body is refused with 422."
# One rule for every change to a response (services/survey.py refuses them alike).


def _rater():
    """The rater whose token was sent, this request then answered in their language."""
    rater = current_rater()
    use_rater_language(rater)
    return rater


REFUSED_ONCE_FINAL = (
    "Refused with 409 once the response is submitted or declined, or once the round is "
    "closed or past its deadline."
)


@blp.route("")
class Survey(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, SurveySchema)
    def get(self):
        """The questionnaire worded for you, with your saved draft; only its state once sealed

        While you can answer: the questionnaire and your saved draft. Once you submitted
        (or declined, or the round stopped accepting answers): only the response's state.
        A submitted response is sealed: its answers and comments are never shown again.
        """
        rater = _rater()
        return survey.survey_for_rater(rater, language=current_language())


@blp.route("/answers")
class Answers(MethodView):
    @blp.doc(**AUTH, description=REFUSED_ONCE_FINAL)
    @blp.arguments(
        ResponseSchema,
        description=f"{REQUIRED_BODY} The whole draft: it replaces the saved one; "
        '{"answers": {}} empties it.',
    )
    @blp.response(200, ResponseStateSchema)
    def put(self, body):
        """Save a draft (partial is fine); it replaces the previous draft"""
        return survey.save_draft(_rater().id, body["answers"], body["comments"])


@blp.route("/submit")
class Submit(MethodView):
    @blp.doc(
        **AUTH,
        description="The response is then sealed: it can't change, and no link shows its "
        f"answers again. {REFUSED_ONCE_FINAL}",
    )
    @blp.arguments(SubmissionSchema, description=REQUIRED_BODY)
    @blp.response(200, ResponseStateSchema)
    def post(self, body):
        """Submit your final answers: every item a score 1–5 or null"""
        return survey.submit_response(_rater().id, body["answers"], body["comments"])


@blp.route("/decline")
class Decline(MethodView):
    @blp.doc(**AUTH, description=f"Any saved draft is deleted. {REFUSED_ONCE_FINAL}")
    @blp.arguments(
        DeclineSchema,
        required=not DeclineSchema.BODY_OPTIONAL,
        description="Optional: without a body, or with {}, you decline without a reason. "
        "A body that is not JSON is refused with 422.",
    )
    @blp.response(200, ResponseStateSchema)
    def post(self, body):
        """Decline to give feedback, with an optional reason"""
        return survey.decline_response(_rater().id, body.get("reason"))
