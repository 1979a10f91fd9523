"""Schemas of a person's development plan, its check-ins and their manager's comments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.schemas.common import InputSchema, StrictInteger, aware_datetime
from service.models import CHECKIN_INTERVALS
from service.services.plans import CHECKIN_LENGTH, COMMENT_LENGTH, GOAL_LENGTH, MAX_FOCUS

INTERVALS = ", ".join(str(days) for days in CHECKIN_INTERVALS)


class SupportSchema(InputSchema):
    name = fields.String(required=True, metadata={"description": "At most 200 characters"})
    email = fields.String(allow_none=True, load_default=None, metadata={"description": "Optional"})


class FocusSchema(InputSchema):
    skill = fields.String(required=True, metadata={"description": "A skill id of the survey"})
    goal = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": f"In your own words, at most {GOAL_LENGTH:,} characters"},
    )
    success_measure = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": f"How you will know it worked, at most {GOAL_LENGTH:,}"},
    )
    due = fields.Date(required=True, metadata={"description": "YYYY-MM-DD, in the future"})
    exercises = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Ids of this skill's exercises (at least one)"},
    )
    support = fields.Nested(
        SupportSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "A mentor, coach or colleague who supports you"},
    )


class FocusOutSchema(FocusSchema):
    reasons = fields.List(
        fields.String(),
        metadata={
            "description": "Suggested plans only: why the report picked the skill "
            "(lowest_rated, blind_spot or self_rated_low)"
        },
    )


class PlanSettingsSchema(InputSchema):
    shared_with_manager = fields.Boolean(
        metadata={"description": "Your manager may read the plan and comment on it"}
    )
    checkin_every_days = StrictInteger(
        validate=validate.OneOf(CHECKIN_INTERVALS),
        metadata={"description": f"Days between check-in reminders: {INTERVALS} (default 14)"},
    )
    reminders_paused = fields.Boolean(metadata={"description": "No reminders while true"})


class PlanSaveSchema(PlanSettingsSchema):
    focus = fields.List(
        fields.Nested(FocusSchema),
        required=True,
        metadata={"description": f"1 to {MAX_FOCUS} focus skills, each once"},
    )


class CheckinCreateSchema(InputSchema):
    text = fields.String(
        required=True,
        metadata={
            "description": f"What you tried, what happened, what you learned (at most "
            f"{CHECKIN_LENGTH:,} characters)"
        },
    )
    exercise = fields.String(
        allow_none=True, metadata={"description": "An exercise of one of your focus skills"}
    )
    progress = StrictInteger(
        allow_none=True,
        validate=validate.Range(min=0, max=100),
        metadata={"description": "0 to 100"},
    )


class CheckinSchema(Schema):
    id = fields.String()
    at = aware_datetime()
    text = fields.String()
    exercise = fields.String(allow_none=True)
    progress = fields.Integer(allow_none=True)


class CommentCreateSchema(InputSchema):
    text = fields.String(
        required=True, metadata={"description": f"At most {COMMENT_LENGTH:,} characters"}
    )


class CommentSchema(Schema):
    id = fields.String()
    at = aware_datetime()
    author = fields.String()
    text = fields.String()


class PlanSchema(Schema):
    """The whole plan for the person and a manager it is shared with; HR gets status,
    updated_at and checkin_count only."""

    status = fields.String(
        metadata={"description": "suggested (nothing saved yet: the report's focus) or saved"}
    )
    updated_at = aware_datetime(allow_none=True)
    checkin_count = fields.Integer(metadata={"description": "HR only"})
    focus = fields.List(fields.Nested(FocusOutSchema))
    shared_with_manager = fields.Boolean()
    checkin_every_days = fields.Integer()
    reminders_paused = fields.Boolean()
    next_reminder_at = aware_datetime(allow_none=True)
    checkins = fields.List(fields.Nested(CheckinSchema), metadata={"description": "Newest first"})
    comments = fields.List(fields.Nested(CommentSchema))
