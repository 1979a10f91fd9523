"""Fields and schemas shared by the API's resources."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields


class StrictInteger(fields.Integer):
    """An integer that refuses floats, numeric strings and booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


def aware_datetime(**kwargs) -> fields.AwareDateTime:
    """An ISO 8601 timestamp; one without a time zone is read as UTC."""
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class PersonSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
