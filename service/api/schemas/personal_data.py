"""Schemas of a person's data export (the JSON document inside the ZIP)."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.api.schemas.common import PersonSchema, aware_datetime
from service.api.schemas.notes import NoteSchema
from service.api.schemas.plans import PlanSchema
from service.api.schemas.pulses import PulseSchema
from service.api.schemas.rounds import RoundSchema


class AccountSchema(PersonSchema):
    role = fields.String()
    department = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    manager = fields.Nested(PersonSchema, allow_none=True)
    created_at = aware_datetime()
    has_password = fields.Boolean()
    api_tokens = fields.Integer(metadata={"description": "How many; tokens are kept as digests"})
    open_sessions = fields.Integer()


class RoundAboutSchema(Schema):
    round = fields.Nested(RoundSchema)
    results = fields.Raw(
        allow_none=True,
        metadata={
            "description": "The frozen results; null before the close, or when the "
            "organisation shares results through HR only and the copy is the person's"
        },
    )
    report = fields.String(allow_none=True, metadata={"description": "Its PDF in the ZIP"})
    plan = fields.Nested(
        PlanSchema,
        allow_none=True,
        metadata={"description": "Whole in the person's copy; in HR's, what HR sees of it"},
    )
    pulses = fields.List(fields.Nested(PulseSchema))


class NotesSchema(Schema):
    count = fields.Integer(allow_none=True, metadata={"description": "HR's copy only"})
    notes = fields.List(
        fields.Nested(NoteSchema),
        allow_none=True,
        metadata={"description": "The person's copy only: notes are their author's alone"},
    )


class RatedRoundSchema(Schema):
    subject = fields.String(metadata={"description": "The name of the person rated"})
    asked_at = aware_datetime()
    deadline = aware_datetime()
    closed_at = aware_datetime(allow_none=True)
    response_status = fields.String(
        metadata={
            "description": "pending, draft, submitted or "
            "declined; the answers themselves are not linked to the rater"
        }
    )


class PersonalDataSchema(Schema):
    format = fields.String()
    generated_at = aware_datetime()
    copy_for = fields.String()
    account = fields.Nested(AccountSchema)
    rounds_about_you = fields.List(fields.Nested(RoundAboutSchema))
    notes = fields.Nested(NotesSchema)
    rounds_you_rated = fields.List(fields.Nested(RatedRoundSchema))
    reports = fields.List(fields.String(), metadata={"description": "The PDFs in the ZIP"})
