"""Outbox API: HR reads the emails written to the outbox folder when no SMTP server is set."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service.api.auth import current_person_id
from service.api.schemas.common import aware_datetime
from service.services import notifications

blp = Blueprint(
    "outbox",
    __name__,
    url_prefix="/api/v1/outbox",
    description="The emails of a deployment without SMTP_URL (HR only).",
)


class OutboxMessageSchema(Schema):
    id = fields.String()
    to = fields.String()
    subject = fields.String()
    date = aware_datetime()
    text = fields.String(metadata={"description": "The plain-text body"})


class OutboxSchema(Schema):
    messages = fields.List(fields.Nested(OutboxMessageSchema))


@blp.route("")
class Outbox(MethodView):
    @blp.doc(security=[{"api_token": []}])
    @blp.response(200, OutboxSchema)
    def get(self):
        """The latest emails in the outbox folder, newest first"""
        return {"messages": notifications.list_outbox(current_person_id())}
