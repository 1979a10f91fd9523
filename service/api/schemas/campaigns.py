"""Schemas of campaigns, nominations and approvals."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from reports.anonymity import THRESHOLD_RANGE
from service.api.schemas.common import InputSchema, StrictInteger, aware_datetime
from service.api.schemas.rounds import RaterCreateSchema
from service.services.people import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from surveys.relationships import RATERS_NAMED


class CampaignCreateSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NAME_LENGTH))
    instrument = fields.String(load_default="soft-skills", validate=validate.Length(min=1, max=64))
    anonymity_threshold = StrictInteger(
        validate=validate.Range(min=THRESHOLD_RANGE.start, max=THRESHOLD_RANGE.stop - 1),
        metadata={"description": "k (default: the organisation's threshold)"},
    )
    nomination_deadline = aware_datetime(
        required=True, metadata={"description": "When lists of raters are due; ISO 8601"}
    )
    deadline = aware_datetime(
        required=True, metadata={"description": "When the rounds close; after the nominations"}
    )
    subjects = fields.List(
        fields.Email(validate=validate.Length(max=MAX_EMAIL_LENGTH)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "The emails of the people the rounds are about"},
    )
    manager_approval = fields.Boolean(load_default=True)
    minimum_raters = fields.Dict(
        keys=fields.String(validate=validate.OneOf(RATERS_NAMED)),
        values=StrictInteger(validate=validate.Range(min=0, max=50)),
        load_default=dict,
        metadata={"description": 'The fewest raters per relationship, e.g. {"peer": 3}'},
    )
    maximum_raters = StrictInteger(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=200),
        metadata={"description": "The most raters in all (self not counted)"},
    )


class CampaignRoundSchema(Schema):
    id = fields.String()
    subject_email = fields.String()


class CampaignCreatedSchema(Schema):
    id = fields.String()
    rounds = fields.List(fields.Nested(CampaignRoundSchema))


class CampaignSchema(Schema):
    id = fields.String()
    name = fields.String()
    instrument = fields.Dict()
    anonymity_threshold = fields.Integer()
    nomination_deadline = fields.DateTime()
    deadline = fields.DateTime()
    manager_approval = fields.Boolean()
    minimum_raters = fields.Dict()
    maximum_raters = fields.Integer(allow_none=True)
    launched_at = fields.DateTime(allow_none=True)
    total = fields.Dict()
    rounds = fields.List(fields.Dict())
    teams = fields.List(fields.Dict())
    departments = fields.List(fields.Dict())


class CampaignListSchema(Schema):
    campaigns = fields.List(fields.Dict())


class LaunchedSchema(Schema):
    launched = fields.Integer()
    not_ready = fields.Integer()


class CampaignRemindedSchema(Schema):
    message = fields.String()
    queued = fields.Integer()
    already_reminded_today = fields.Integer()


class ClosedSchema(Schema):
    closed = fields.Integer()


class ExportStartedSchema(Schema):
    id = fields.String()
    status = fields.String()
    total = fields.Integer()


class ApprovalSchema(InputSchema):
    add = fields.List(fields.Nested(RaterCreateSchema), load_default=list)
    remove = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        load_default=list,
        metadata={"description": "Ids of raters to take out of the list"},
    )


class NominationStageSchema(Schema):
    id = fields.String()
    stage = fields.String()
