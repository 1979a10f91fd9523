"""Schemas of the thank-you to a round's raters and of the impact pulse."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.api.schemas.common import InputSchema, aware_datetime
from service.services.follow_ups import MESSAGE_LENGTH
from service.services.pulses import COMMENT_LENGTH

CHANGE_VALUE = {"type": "integer", "minimum": -3, "maximum": 3}
NO_NUL = "Text containing NUL characters (U+0000) is refused with 422."


class FollowUpSchema(InputSchema):
    message = fields.String(
        required=True,
        metadata={"description": f"The thank-you, 1 to {MESSAGE_LENGTH:,} characters. {NO_NUL}"},
    )


class FollowUpSentSchema(Schema):
    sent = fields.Integer(metadata={"description": "How many raters it is emailed to"})


class PulseCreateSchema(InputSchema):
    deadline = aware_datetime(
        load_default=None,
        metadata={
            "description": "When the pulse closes (ISO 8601; UTC without a zone), in the "
            "future; by default 12 weeks after the report"
        },
    )


class PulseRaterSchema(Schema):
    id = fields.String()
    relationship = fields.String()
    survey_url = fields.String(
        allow_none=True,
        metadata={
            "description": "The rater's pulse link: to HR only, and only where the "
            "deployment sets SURVEY_LINKS_IN_API=true; otherwise null (it is emailed)"
        },
    )


class PulseStartedSchema(Schema):
    id = fields.String()
    deadline = fields.DateTime()
    raters = fields.List(fields.Nested(PulseRaterSchema))


class SkillNameSchema(Schema):
    id = fields.String()
    name = fields.String()


class PulseSkillResultSchema(Schema):
    id = fields.String()
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    n = fields.Dict(keys=fields.String(), values=fields.Integer())
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)


class PulseSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "open or closed"})
    deadline = fields.DateTime()
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    focus_skills = fields.List(fields.Nested(SkillNameSchema))
    anonymity_threshold = fields.Integer()
    responses = fields.Raw(
        metadata={
            "description": "How many were asked per relationship, and how many answered "
            "only for sets of at least k asked (HR also gets submitted_by_relationship)"
        }
    )
    groups = fields.List(
        fields.Raw(), metadata={"description": "Closed pulses: the published groups"}
    )
    skills = fields.List(
        fields.Nested(PulseSkillResultSchema),
        metadata={"description": "Closed pulses: the change per skill, -3 to +3, by group"},
    )
    comments = fields.List(
        fields.String(),
        metadata={"description": "Closed pulses: only with k respondents, shuffled"},
    )


class PulseQuestionSchema(Schema):
    id = fields.String()
    name = fields.String()
    question = fields.String()


class RaterPulseSchema(Schema):
    subject = fields.Raw()
    skills = fields.List(fields.Nested(PulseQuestionSchema))
    deadline = fields.DateTime()
    anonymity_threshold = fields.Integer()
    relationship = fields.String(metadata={"description": "How you were asked"})
    accepting_answers = fields.Boolean()
    submitted = fields.Boolean()


class PulseSubmissionSchema(InputSchema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True, metadata=CHANGE_VALUE),
        required=True,
        metadata={
            "description": "Every skill id of the pulse → a whole number from -3 (much "
            "worse) to 3 (much better), or null for not observed. Anything else is refused "
            f"with 422. {NO_NUL}"
        },
    )
    comment = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": f"Optional, at most {COMMENT_LENGTH:,} characters"},
    )


class PulseSubmittedSchema(Schema):
    submitted = fields.Boolean()
    submitted_on = fields.Date(metadata={"description": "The day (UTC); no time is kept"})
