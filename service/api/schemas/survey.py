"""Schemas of the rater's questionnaire and response."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.schemas.common import InputSchema, aware_datetime

ANSWERS_HELP = 'Item id → 1..5, or null for "don\'t know / not observed"'
COMMENTS_HELP = "Skill or question id → text (at most 5,000 characters)"


class ResponseSchema(InputSchema):
    """A draft (partial is fine) or a submission (every item answered)."""

    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        load_default=dict,
        metadata={"description": ANSWERS_HELP},
    )
    comments = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        load_default=dict,
        metadata={"description": COMMENTS_HELP},
    )


class SubmissionSchema(ResponseSchema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": ANSWERS_HELP},
    )


class DeclineSchema(InputSchema):
    reason = fields.String(allow_none=True, validate=validate.Length(max=1000))


class ResponseStateSchema(Schema):
    response_status = fields.String()
    saved_at = aware_datetime()
    submitted_at = aware_datetime()
    declined_at = aware_datetime()


class TextSchema(Schema):
    id = fields.String()
    text = fields.String()


class SkillSchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    items = fields.List(fields.Nested(TextSchema))


class SurveySchema(Schema):
    subject = fields.Dict(keys=fields.String(), values=fields.String())
    relationship = fields.String()
    deadline = aware_datetime()
    anonymity_threshold = fields.Integer()
    instrument = fields.Dict(keys=fields.String(), values=fields.String())
    response_status = fields.String(metadata={"description": "pending, draft, submitted, declined"})
    accepting_answers = fields.Boolean()
    skills = fields.List(fields.Nested(SkillSchema))
    questions = fields.List(fields.Nested(TextSchema))
    draft = fields.Nested(ResponseSchema)
