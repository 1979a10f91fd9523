"""Routes of the notes page: list, add, edit and delete one's own notes (nobody else's)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from service.http_errors import status_of
from service.models import Person
from service.services.errors import Invalid
from service.services.notes import (
    NOTE_LENGTH,
    create_note,
    delete_note,
    get_note,
    list_notes,
    update_note,
)
from service.web.auth import NOTICE, login_required

bp = Blueprint("notes", __name__)
FOLLOW_UP_UNREADABLE = lazy_gettext("enter a date, e.g. 2030-01-31")
# The fields as the page names them in its summary of problems.
FIELD_LABELS = {
    "note-about": lazy_gettext("Who"),
    "note-text": lazy_gettext("Note"),
    "note-follow_up_on": lazy_gettext("Follow-up day"),
}


def _fields() -> tuple[dict, dict]:
    """The form's note and the problems found before the service (an unreadable date)."""
    raw = request.form.get("follow_up_on", "").strip()
    fields = {"about": request.form.get("about", ""), "text": request.form.get("text", "")}
    try:
        fields["follow_up_on"] = date.fromisoformat(raw) if raw else None
    except ValueError:
        return fields, {"follow_up_on": [FOLLOW_UP_UNREADABLE]}
    return fields, {}


def _page(person: Person, *, editing: dict | None = None, errors=None, status: int = 200):
    page = render_template(
        "notes/notes.html",
        notes=list_notes(person.id),
        editing=editing,
        form=request.form if errors else {},
        errors={f"note-{field}": messages for field, messages in (errors or {}).items()},
        note_length=NOTE_LENGTH,
        field_labels=FIELD_LABELS,
    )
    return page, status


@bp.get("/notes")
@login_required
def notes_page(person: Person):
    return _page(person)


@bp.post("/notes")
@login_required
def add_note(person: Person):
    fields, errors = _fields()
    try:
        if errors:
            raise Invalid(lazy_gettext("the note was not saved"), errors)
        create_note(person.id, **fields)
    except Invalid as error:
        return _page(person, errors=error.errors, status=status_of(error))
    flash(gettext("Your note is saved."), NOTICE)
    return redirect(url_for(".notes_page"), code=303)


@bp.get("/notes/<note_id>/edit")
@login_required
def edit_note(person: Person, note_id: str):
    return _page(person, editing=get_note(person.id, note_id))


@bp.post("/notes/<note_id>")
@login_required
def save_note(person: Person, note_id: str):
    note = get_note(person.id, note_id)  # another person's note: 404 before anything else
    fields, errors = _fields()
    try:
        if errors:
            raise Invalid(lazy_gettext("the note was not saved"), errors)
        update_note(person.id, note_id, **fields)
    except Invalid as error:
        return _page(person, editing=note, errors=error.errors, status=status_of(error))
    flash(gettext("Your note is saved."), NOTICE)
    return redirect(url_for(".notes_page", _anchor=f"note-{note_id}"), code=303)


@bp.post("/notes/<note_id>/delete")
@login_required
def remove_note(person: Person, note_id: str):
    delete_note(person.id, note_id)
    flash(gettext("The note is deleted."), NOTICE)
    return redirect(url_for(".notes_page"), code=303)
