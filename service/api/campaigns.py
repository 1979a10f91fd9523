"""Campaigns API: HR opens a 360 cycle for many people and follows it; each person submits
their raters and their manager (or HR) approves the list."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.campaigns import (
    ApprovalSchema,
    CampaignCreatedSchema,
    CampaignCreateSchema,
    CampaignListSchema,
    CampaignRemindedSchema,
    CampaignSchema,
    ClosedSchema,
    ExportStartedSchema,
    LaunchedSchema,
    NominationStageSchema,
)
from service.services.campaigns import launch, nominations, progress, setup
from service.services.campaigns.rules import stage_of

blp = Blueprint(
    "campaigns",
    __name__,
    url_prefix="/api/v1",
    description="Campaigns (HR), nominations (the person) and approvals (their manager or HR).",
)
AUTH = {"security": [{"api_token": []}]}


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, CampaignListSchema)
    def get(self):
        """List campaigns, newest first"""
        listed = progress.list_campaigns(current_person_id())
        return {
            "campaigns": [
                {
                    "id": c.id,
                    "name": c.name,
                    "nomination_deadline": c.nomination_deadline.isoformat(),
                    "deadline": c.deadline.isoformat(),
                }
                for c in listed
            ]
        }

    @blp.doc(**AUTH)
    @blp.arguments(CampaignCreateSchema)
    @blp.response(201, CampaignCreatedSchema)
    def post(self, body):
        """Start a campaign: a draft round per person, each emailed to name their raters"""
        campaign = setup.create_campaign(current_person_id(), **body)
        rounds = setup.campaign_rounds(campaign.id)
        return {
            "id": campaign.id,
            "rounds": [{"id": rid, "subject_email": email} for rid, email in rounds],
        }


@blp.route("/campaigns/<campaign_id>")
class CampaignById(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id):
        """Each round's stage and response rate, rolled up by team and by department"""
        return progress.campaign_progress(current_person_id(), campaign_id)


@blp.route("/campaigns/<campaign_id>/launch")
class LaunchCampaign(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, LaunchedSchema)
    def post(self, campaign_id):
        """Launch every approved round now; the others stay drafts"""
        return launch.launch_campaign(current_person_id(), campaign_id)


@blp.route("/campaigns/<campaign_id>/remind")
class RemindCampaign(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, CampaignRemindedSchema)
    def post(self, campaign_id):
        """Remind every rater of its open rounds who has not answered (once a day each)"""
        return launch.remind_campaign(current_person_id(), campaign_id)


@blp.route("/campaigns/<campaign_id>/close")
class CloseCampaign(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, ClosedSchema)
    def post(self, campaign_id):
        """Close every open round of the campaign"""
        return launch.close_campaign(current_person_id(), campaign_id)


@blp.route("/campaigns/<campaign_id>/export")
class ExportCampaign(MethodView):
    @blp.doc(**AUTH)
    @blp.response(202, ExportStartedSchema)
    def post(self, campaign_id):
        """The reports of its closed rounds as one ZIP, built by the worker (HR downloads it
        from /hr/exports/{id})"""
        export = launch.export_campaign(current_person_id(), campaign_id)
        return {"id": export.id, "status": export.status, "total": export.total}


def _stage(round_) -> dict:
    return {"id": round_.id, "stage": stage_of(round_.status, round_.nomination_stage)}


@blp.route("/rounds/<round_id>/nominations")
class SubmitNominations(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, NominationStageSchema)
    def post(self, round_id):
        """Submit your list of raters for approval (422 names each rule it breaks)"""
        return _stage(nominations.submit_nominations(current_person_id(), round_id))


@blp.route("/rounds/<round_id>/approve")
class ApproveNominations(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ApprovalSchema)
    @blp.response(200, NominationStageSchema)
    def post(self, body, round_id):
        """Approve a report's list of raters, adding or removing some (their manager or HR)"""
        round_ = nominations.approve_nominations(
            current_person_id(), round_id, add=body["add"], remove=body["remove"]
        )
        return _stage(round_)
