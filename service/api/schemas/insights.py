"""Schemas of the organisation insights: the team heatmap and HR's exports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.schemas.common import InputSchema
from service.services.exports import MAX_ROUNDS
from service.services.insights.exports import FORMATS
from service.services.insights.heatmap import GROUPINGS


class HeatmapQuerySchema(InputSchema):
    group_by = fields.String(
        load_default="manager",
        validate=validate.OneOf(GROUPINGS),
        metadata={"description": "Teams by manager (key: their email) or by department"},
    )
    instrument = fields.String(load_default="soft-skills", validate=validate.Length(min=1, max=64))
    closed_from = fields.Date(
        metadata={"description": "Count only rounds closed on or after this day (UTC)"}
    )
    closed_to = fields.Date(
        metadata={"description": "Count only rounds closed on or before this day (UTC)"}
    )


class HeatmapExportQuerySchema(HeatmapQuerySchema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))


class ResultsExportQuerySchema(InputSchema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    round_id = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=MAX_ROUNDS),
        metadata={"description": "A closed round; repeat the parameter for each round"},
    )


class CellSchema(Schema):
    mean = fields.Float()
    n = fields.Integer()


class HeatmapRowSchema(Schema):
    key = fields.String(metadata={"description": "The manager's email, or the department"})
    label = fields.String()
    skills = fields.Dict(keys=fields.String(), values=fields.Nested(CellSchema))


class OrganisationRowSchema(Schema):
    skills = fields.Dict(keys=fields.String(), values=fields.Nested(CellSchema))


class HeatmapSchema(Schema):
    group_by = fields.String()
    rows = fields.List(fields.Nested(HeatmapRowSchema))
    organisation = fields.Nested(OrganisationRowSchema)
