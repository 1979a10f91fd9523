"""Plans API: the person's development plan after a round, its check-ins, their manager's
comments."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.plans import (
    CheckinCreateSchema,
    CheckinSchema,
    CommentCreateSchema,
    CommentSchema,
    PlanSaveSchema,
    PlanSchema,
    PlanSettingsSchema,
)
from service.services import plans

blp = Blueprint(
    "plans",
    __name__,
    url_prefix="/api/v1/rounds",
    description="The development plan after a round: the person's own; shared with their "
    "manager if they wish; HR sees only that it exists.",
)
AUTH = {"security": [{"api_token": []}]}


@blp.route("/<round_id>/plan")
class PlanOfRound(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, PlanSchema)
    def get(self, round_id):
        """The plan: saved, or suggested from the report (409 until the round has closed)"""
        return plans.get_plan(current_person_id(), round_id)

    @blp.doc(**AUTH)
    @blp.arguments(PlanSaveSchema)
    @blp.response(200, PlanSchema)
    def put(self, body, round_id):
        """Save the plan (the person the round is about)"""
        return plans.save_plan(current_person_id(), round_id, **body)

    @blp.doc(**AUTH)
    @blp.arguments(PlanSettingsSchema)
    @blp.response(200, PlanSchema)
    def patch(self, body, round_id):
        """Share it, change how often to be reminded, pause or resume the reminders"""
        return plans.update_plan_settings(current_person_id(), round_id, **body)


@blp.route("/<round_id>/plan/checkins")
class Checkins(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(CheckinCreateSchema)
    @blp.response(201, CheckinSchema)
    def post(self, body, round_id):
        """Add a check-in to the saved plan (409 without one)"""
        return plans.add_checkin(current_person_id(), round_id, **body)


@blp.route("/<round_id>/plan/comments")
class Comments(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    def post(self, body, round_id):
        """Comment on a plan shared with you (its person's manager)"""
        return plans.add_comment(current_person_id(), round_id, **body)
