"""Schemas of the signed-in person's own record (GET/PATCH /api/v1/me)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.schemas.common import InputSchema
from service.services.languages import LANGUAGES, unknown_language_message
from service.services.person_language import ORGANISATION_DEFAULT, OWN_CHOICE


class MeSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    language = fields.String(
        metadata={
            "description": "The language of your pages, emails and own report: "
            + ", ".join(LANGUAGES)
        }
    )
    language_source = fields.String(
        metadata={
            "description": f"'{OWN_CHOICE}' when you chose the language, "
            f"'{ORGANISATION_DEFAULT}' when it is the organisation's default (it then follows "
            "any change of that default)"
        }
    )


class MeUpdateSchema(InputSchema):
    language = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(LANGUAGES, error=unknown_language_message()),
        metadata={"description": "Your language; null goes back to the organisation's default"},
    )
