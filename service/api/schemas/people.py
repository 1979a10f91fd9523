"""Schemas of HR's people directory."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.schemas.common import InputSchema, StrictInteger
from service.models import ROLES
from service.services.people import MAX_DEPARTMENT_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH

PAGE_SIZE_LIMIT = 500


class PeopleQuerySchema(InputSchema):
    email = fields.Email(metadata={"description": "Only the person with this email"})
    manager_email = fields.Email(metadata={"description": "Only this manager's direct reports"})
    department = fields.String(validate=validate.Length(min=1, max=MAX_DEPARTMENT_LENGTH))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=PAGE_SIZE_LIMIT))


class PersonCreateSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NAME_LENGTH))
    email = fields.Email(required=True, validate=validate.Length(max=MAX_EMAIL_LENGTH))
    role = fields.String(load_default="member", validate=validate.OneOf(ROLES))
    manager_email = fields.Email(
        allow_none=True, validate=validate.Length(max=MAX_EMAIL_LENGTH), load_default=None
    )
    department = fields.String(
        allow_none=True, validate=validate.Length(max=MAX_DEPARTMENT_LENGTH), load_default=None
    )


class PersonUpdateSchema(InputSchema):
    name = fields.String(validate=validate.Length(min=1, max=MAX_NAME_LENGTH))
    role = fields.String(validate=validate.OneOf(ROLES))
    manager_email = fields.Email(
        allow_none=True,
        validate=validate.Length(max=MAX_EMAIL_LENGTH),
        metadata={"description": "The new manager's email; null for none"},
    )
    department = fields.String(
        allow_none=True,
        validate=validate.Length(max=MAX_DEPARTMENT_LENGTH),
        metadata={"description": "null or empty for none"},
    )


class PersonRecordSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    manager_email = fields.String(allow_none=True)
    department = fields.String(allow_none=True)


class PeopleListSchema(Schema):
    people = fields.List(fields.Nested(PersonRecordSchema))
    page = StrictInteger()
    pages = StrictInteger()
    total = StrictInteger()
