"""Schemas of private notes about people."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.api.schemas.common import InputSchema, aware_datetime
from service.services.notes import NOTE_LENGTH

FOLLOW_UP_HELP = "YYYY-MM-DD, today or later: an email reminds you that morning"


ABOUT_HELP = "Who (at most 200 characters)"
TEXT_HELP = f"What you learned or promised (at most {NOTE_LENGTH:,} characters)"


class NoteCreateSchema(InputSchema):
    about = fields.String(required=True, metadata={"description": ABOUT_HELP})
    text = fields.String(required=True, metadata={"description": TEXT_HELP})
    follow_up_on = fields.Date(allow_none=True, metadata={"description": FOLLOW_UP_HELP})


class NoteUpdateSchema(InputSchema):
    """The fields to change; null follow_up_on removes the follow-up."""

    about = fields.String(metadata={"description": ABOUT_HELP})
    text = fields.String(metadata={"description": TEXT_HELP})
    follow_up_on = fields.Date(allow_none=True, metadata={"description": FOLLOW_UP_HELP})


class NoteSchema(Schema):
    id = fields.String()
    about = fields.String()
    text = fields.String()
    follow_up_on = fields.Date(allow_none=True)
    created_at = aware_datetime()
    updated_at = aware_datetime()


class NoteListSchema(Schema):
    notes = fields.List(fields.Nested(NoteSchema))
