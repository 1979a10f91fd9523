"""People API (HR): the directory of people, with their managers and departments."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.people import (
    PeopleListSchema,
    PeopleQuerySchema,
    PersonCreateSchema,
    PersonRecordSchema,
    PersonUpdateSchema,
)
from service.services import people, people_directory
from service.services.privacy.erasure import erase_person

# The same prefix as the history API's /people/<id>/history and /people/me/history: these
# routes end at /people and /people/<id>, so neither takes the other's paths.
blp = Blueprint(
    "people",
    __name__,
    url_prefix="/api/v1/people",
    description="People, their managers and departments (HR only).",
)
AUTH = {"security": [{"api_token": []}]}


@blp.route("")
class People(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(PeopleQuerySchema, location="query")
    @blp.response(200, PeopleListSchema)
    def get(self, query):
        """List people by name, filtered by email, manager or department, a page at a time"""
        page = people_directory.find_people(
            current_person_id(),
            email=query.get("email"),
            manager_email=query.get("manager_email"),
            department=query.get("department"),
            page=query["page"],
            size=query["per_page"],
        )
        return {"people": page.rows, "page": page.page, "pages": page.pages, "total": page.total}

    @blp.doc(**AUTH)
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonRecordSchema)
    def post(self, body):
        """Add a person (their manager must exist); they are emailed a welcome"""
        added = people.invite_person(current_person_id(), **body)
        return people_directory.describe_person(added, added.manager)


@blp.route("/<person_id>")
class PersonById(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(PersonUpdateSchema)
    @blp.response(200, PersonRecordSchema)
    def patch(self, body, person_id):
        """Change a person's name, role, manager or department"""
        return people_directory.update_person(current_person_id(), person_id, body)

    @blp.doc(**AUTH)
    @blp.response(204)
    def delete(self, person_id):
        """Erase a person: their account and rounds go, their name leaves every other record"""
        erase_person(current_person_id(), person_id)
