"""The signed-in person's own record: who they are and the language they read in."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.me import MeSchema, MeUpdateSchema
from service.services.access import load_actor
from service.services.person_language import describe_language, set_my_language

blp = Blueprint(
    "me",
    __name__,
    url_prefix="/api/v1/me",
    description="You: your name, role and the language of your pages and emails.",
)
AUTH = {"security": [{"api_token": []}]}


def _described(person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "role": person.role,
        **describe_language(person),
    }


@blp.route("")
class Me(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, MeSchema)
    def get(self):
        """Who you are, and the language your pages and emails are written in"""
        return _described(load_actor(current_person_id()))

    @blp.doc(**AUTH)
    @blp.arguments(MeUpdateSchema)
    @blp.response(200, MeSchema)
    def patch(self, body):
        """Choose your language (en, de, fr or es); null goes back to the organisation's"""
        return _described(set_my_language(current_person_id(), body["language"]))
