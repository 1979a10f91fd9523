"""After the report: the thank-you to a round's raters, and the impact pulse (for the person
and HR, and the rater's side with the pulse token)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import bearer_token, current_person_id
from service.api.schemas.pulses import (
    FollowUpSchema,
    FollowUpSentSchema,
    PulseCreateSchema,
    PulseSchema,
    PulseStartedSchema,
    PulseSubmissionSchema,
    PulseSubmittedSchema,
    RaterPulseSchema,
)
from service.api.survey import JsonBodyParser
from service.i18n import use_rater_language
from service.services import follow_ups, pulses
from service.services.pulse_links import pulse_rater_for_token

blp = Blueprint(
    "pulses",
    __name__,
    url_prefix="/api/v1/rounds",
    description="After the report: thank the raters, and ask them in a short pulse how the "
    "plan's focus skills have changed.",
)
blp.ARGUMENTS_PARSER = JsonBodyParser()
AUTH = {"security": [{"api_token": []}]}

rater_blp = Blueprint(
    "pulse",
    __name__,
    url_prefix="/api/v1/pulse",
    description="For raters: send the token from your pulse link as 'Authorization: Bearer'.",
)
rater_blp.ARGUMENTS_PARSER = JsonBodyParser()
RATER_AUTH = {"security": [{"survey_token": []}]}


@blp.route("/<round_id>/follow-up")
class FollowUp(MethodView):
    @blp.doc(
        **AUTH,
        description="To every rater besides you, whoever answered. 409 without a saved plan "
        "or while the round is open; 429 within a week of the last one.",
    )
    @blp.arguments(FollowUpSchema)
    @blp.response(200, FollowUpSentSchema)
    def post(self, body, round_id):
        """Thank your raters (the person the round is about), at most once a week"""
        return follow_ups.thank_raters(current_person_id(), round_id, message=body["message"])


@blp.route("/<round_id>/pulses")
class Pulses(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, PulseSchema(many=True))
    def get(self, round_id):
        """The round's pulses, newest first"""
        return pulses.list_round_pulses(current_person_id(), round_id)

    @blp.doc(**AUTH, description="409 without a saved plan or while a pulse is open.")
    @blp.arguments(PulseCreateSchema)
    @blp.response(201, PulseStartedSchema)
    def post(self, body, round_id):
        """Start a pulse on the plan's focus skills (the person or HR)"""
        return pulses.start_pulse(current_person_id(), round_id, deadline=body["deadline"])


@blp.route("/<round_id>/pulses/<pulse_id>")
class PulseOfRound(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, PulseSchema)
    def get(self, round_id, pulse_id):
        """A pulse: the response counts while open, the results once closed"""
        return pulses.get_pulse(current_person_id(), round_id, pulse_id)


@blp.route("/<round_id>/pulses/<pulse_id>/close")
class ClosePulse(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, PulseSchema)
    def post(self, round_id, pulse_id):
        """Close a pulse before its deadline (the person or HR)"""
        return pulses.close_pulse(current_person_id(), round_id, pulse_id)


@rater_blp.route("")
class RaterPulse(MethodView):
    @rater_blp.doc(**RATER_AUTH)
    @rater_blp.response(200, RaterPulseSchema)
    def get(self):
        """The pulse's questions: one per focus skill, in the rater's language"""
        pulse_rater = pulse_rater_for_token(bearer_token())
        return pulses.pulse_for_rater(pulse_rater, language=use_rater_language(pulse_rater.rater))


@rater_blp.route("/submit")
class SubmitPulse(MethodView):
    @rater_blp.doc(**RATER_AUTH, description="Once only: then 409, as after the deadline.")
    @rater_blp.arguments(PulseSubmissionSchema)
    @rater_blp.response(200, PulseSubmittedSchema)
    def post(self, body):
        """Answer the pulse"""
        pulse_rater = pulse_rater_for_token(bearer_token())
        use_rater_language(pulse_rater.rater)
        return pulses.submit_pulse(pulse_rater.id, body["answers"], body["comment"])
