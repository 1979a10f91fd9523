"""Team API: a manager's direct reports, their rounds' stages and response counts, the lists
of raters waiting for approval and the plans shared with them."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service.api.auth import current_person_id
from service.services.team import team_view

blp = Blueprint(
    "team",
    __name__,
    url_prefix="/api/v1/team",
    description="Your direct reports' rounds (stages and counts only) and approvals waiting.",
)
AUTH = {"security": [{"api_token": []}]}


class TeamRoundSchema(Schema):
    id = fields.String()
    stage = fields.String()
    deadline = fields.DateTime()
    campaign_id = fields.String(allow_none=True)
    responses = fields.Dict()


class MemberSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    department = fields.String(allow_none=True)
    rounds = fields.List(fields.Nested(TeamRoundSchema))


class ApprovalWaitingSchema(Schema):
    round_id = fields.String()
    subject = fields.Dict()
    nominated_at = fields.DateTime()
    raters = fields.List(fields.Dict())


class SharedPlanSchema(Schema):
    round_id = fields.String()
    subject = fields.Dict()
    updated_at = fields.DateTime()


class TeamSchema(Schema):
    members = fields.List(fields.Nested(MemberSchema))
    approvals = fields.List(fields.Nested(ApprovalWaitingSchema))
    shared_plans = fields.List(fields.Nested(SharedPlanSchema))


@blp.route("")
class Team(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, TeamSchema)
    def get(self):
        """Your team: each direct report's rounds, the lists waiting for your approval, plans
        shared with you"""
        return team_view(current_person_id())
