"""Schemas of a person's history of rounds."""

from __future__ import annotations

from marshmallow import Schema, fields


class HistoryPersonSchema(Schema):
    id = fields.String()
    name = fields.String()


class HistorySkillSchema(Schema):
    id = fields.String()
    name = fields.String()
    others = fields.Float(
        allow_none=True, metadata={"description": "All others' score; null where not published"}
    )
    self = fields.Float(
        allow_none=True, metadata={"description": "The self-assessment's score, if any"}
    )


class HistoryRoundSchema(Schema):
    id = fields.String()
    closed_at = fields.AwareDateTime()
    instrument = fields.Dict(metadata={"description": '{"id": …, "version": …}'})
    skills = fields.List(fields.Nested(HistorySkillSchema))


class HistorySchema(Schema):
    person = fields.Nested(HistoryPersonSchema)
    rounds = fields.List(
        fields.Nested(HistoryRoundSchema), metadata={"description": "Closed rounds, oldest first"}
    )
