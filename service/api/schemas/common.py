"""Fields and schemas shared by the API's resources."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, pre_load


def _nul_paths(value, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _nul_paths(key, path or "_schema")
            + _nul_paths(item, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list):
        return [
            found
            for i, item in enumerate(value)
            for found in _nul_paths(item, f"{path}.{i}".lstrip("."))
        ]
    return []


class InputSchema(Schema):
    """A request body or query: text with a NUL character is refused (no database stores it)."""

    @pre_load
    def refuse_nul_characters(self, data, **kwargs):
        paths = _nul_paths(data)
        if paths:
            raise ValidationError({path: ["must not contain NUL characters"] for path in paths})
        return data


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
