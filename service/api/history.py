"""History API: every closed round about a person, per skill, on one timeline."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.history import HistorySchema
from service.services.history import person_history

blp = Blueprint(
    "history",
    __name__,
    url_prefix="/api/v1/people",
    description="A person's closed rounds over time: your own, or anyone's for HR.",
)
AUTH = {"security": [{"api_token": []}]}


@blp.route("/me/history")
class MyHistory(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, HistorySchema)
    def get(self):
        """Your closed rounds, oldest first, with all others' and your own score per skill"""
        return person_history(current_person_id())


@blp.route("/<person_id>/history")
class PersonHistory(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, HistorySchema)
    def get(self, person_id):
        """A person's closed rounds, oldest first (HR: anyone; a member: only themselves)"""
        return person_history(current_person_id(), person_id)
