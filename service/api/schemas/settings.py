"""Schemas of the organisation's settings (HR)."""

from __future__ import annotations

from marshmallow import Schema, fields

from service.api.schemas.common import InputSchema, StrictInteger
from service.services.settings import RETENTION_DAYS

RETENTION_HELP = (
    f"Raw answers and comments are deleted this many days after a round closes "
    f"({RETENTION_DAYS.start}-{RETENTION_DAYS.stop - 1}); null: kept"
)


class SettingsSchema(Schema):
    anonymity_threshold = fields.Integer()
    subject_sees_report = fields.Boolean()
    reminder_days = fields.List(
        fields.Integer(),
        metadata={
            "description": "Days before the "
            "deadline on which raters who have not answered are reminded"
        },
    )
    default_language = fields.String()
    heatmap_min_members = fields.Integer()
    retention_days = fields.Integer(allow_none=True, metadata={"description": RETENTION_HELP})


class SettingsUpdateSchema(InputSchema):
    """Only the settings given change; the service checks each one's range."""

    anonymity_threshold = StrictInteger()
    subject_sees_report = fields.Boolean()
    reminder_days = fields.List(StrictInteger())
    default_language = fields.String()
    heatmap_min_members = StrictInteger()
    retention_days = StrictInteger(allow_none=True, metadata={"description": RETENTION_HELP})
