"""Notes API: private notes about the people in one's network, their author's alone."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.notes import NoteCreateSchema, NoteListSchema, NoteSchema, NoteUpdateSchema
from service.services import notes

blp = Blueprint(
    "notes",
    __name__,
    url_prefix="/api/v1/notes",
    description="Private notes about people: only their author ever reads them.",
)
AUTH = {"security": [{"api_token": []}]}


@blp.route("")
class Notes(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, NoteListSchema)
    def get(self):
        """Your notes: those with a follow-up first (soonest first), then the newest"""
        return {"notes": notes.list_notes(current_person_id())}

    @blp.doc(**AUTH)
    @blp.arguments(NoteCreateSchema)
    @blp.response(201, NoteSchema)
    def post(self, body):
        """Add a note"""
        return notes.create_note(current_person_id(), **body)


@blp.route("/<note_id>")
class NoteById(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        """One of your notes (anyone else's answers 404)"""
        return notes.get_note(current_person_id(), note_id)

    @blp.doc(**AUTH)
    @blp.arguments(NoteUpdateSchema)
    @blp.response(200, NoteSchema)
    def patch(self, body, note_id):
        """Change a note"""
        return notes.update_note(current_person_id(), note_id, **body)

    @blp.doc(**AUTH)
    @blp.response(204)
    def delete(self, note_id):
        """Delete a note"""
        notes.delete_note(current_person_id(), note_id)
