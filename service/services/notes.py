"""Private notes about the people in one's network: who, what was learned or promised, and
maybe a day to follow up (with an email that morning).

A note is its author's alone: no role, HR included, reads another person's notes, no export
holds them, and another person's note answers exactly like one that does not exist."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext
from sqlalchemy import or_, select

from service.extensions import db
from service.models import Note
from service.services.access import load_actor
from service.services.clock import now
from service.services.errors import Invalid, NotFound
from service.services.free_text import text_problem
from service.services.notifications import dispatch, new_job
from service.services.people import name_problem

NOTE_LENGTH = 5_000
NOTE_NOT_FOUND = lazy_gettext("note not found")


def note_document(note: Note) -> dict:
    return {
        "id": note.id,
        "about": note.about,
        "text": note.text,
        "follow_up_on": note.follow_up_on,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _problems(fields: dict, note: Note | None) -> dict:
    errors = {}
    if "about" in fields and (problem := name_problem(fields["about"] or "")):
        errors["about"] = [problem]
    if "text" in fields and (problem := text_problem(fields["text"] or "", NOTE_LENGTH)):
        errors["text"] = [problem]
    follow_up_on = fields.get("follow_up_on")
    unchanged = note is not None and follow_up_on == note.follow_up_on
    if follow_up_on is not None and follow_up_on < now().date() and not unchanged:
        errors["follow_up_on"] = [lazy_gettext("must be today or later")]
    return errors


def _load_own_note(actor_id: str, note_id: str) -> Note:
    note = db.session.get(Note, note_id)
    if note is None or note.author_id != actor_id:
        raise NotFound(NOTE_NOT_FOUND)
    return note


def list_notes(actor_id: str) -> list[dict]:
    """The author's notes: those with a follow-up first, soonest first, then the newest."""
    load_actor(actor_id)
    notes = db.session.scalars(select(Note).where(Note.author_id == actor_id)).all()
    far = date.max
    ordered = sorted(notes, key=lambda note: note.updated_at, reverse=True)
    ordered.sort(key=lambda note: note.follow_up_on or far)
    return [note_document(note) for note in ordered]


def get_note(actor_id: str, note_id: str) -> dict:
    load_actor(actor_id)
    return note_document(_load_own_note(actor_id, note_id))


def create_note(actor_id: str, *, about: str, text: str, follow_up_on: date | None = None) -> dict:
    actor = load_actor(actor_id)
    fields = {"about": about, "text": text, "follow_up_on": follow_up_on}
    if errors := _problems(fields, None):
        raise Invalid(lazy_gettext("the note was not saved"), errors)
    current = now()
    note = Note(
        author_id=actor.id,
        about=about.strip(),
        text=text.strip(),
        follow_up_on=follow_up_on,
        created_at=current,
        updated_at=current,
    )
    db.session.add(note)
    db.session.commit()
    return note_document(note)


def update_note(actor_id: str, note_id: str, **fields) -> dict:
    """Change what is given of about, text and follow_up_on (None clears the follow-up)."""
    load_actor(actor_id)
    note = _load_own_note(actor_id, note_id)
    if errors := _problems(fields, note):
        raise Invalid(lazy_gettext("the note was not saved"), errors)
    for name in ("about", "text"):
        if name in fields:
            setattr(note, name, fields[name].strip())
    if "follow_up_on" in fields:
        note.follow_up_on = fields["follow_up_on"]
    note.updated_at = now()
    db.session.commit()
    return note_document(note)


def delete_note(actor_id: str, note_id: str) -> None:
    load_actor(actor_id)
    db.session.delete(_load_own_note(actor_id, note_id))
    db.session.commit()


def queue_note_follow_ups() -> int:
    """Email each author on the follow-up day of a note, once for each day set (a worker
    that was down that day sends it when it is back)."""
    today = now().date()
    due = db.session.scalars(
        select(Note).where(
            Note.follow_up_on.is_not(None),
            Note.follow_up_on <= today,
            or_(Note.reminded_for.is_(None), Note.reminded_for != Note.follow_up_on),
        )
    ).all()
    queued = []
    for note in due:
        note.reminded_for = note.follow_up_on
        key = f"note_follow_up:{note.id}:{note.follow_up_on.isoformat()}"
        job = new_job("note_follow_up", key, None, person_id=note.author_id)
        if job is not None:
            queued.append(job.id)
    db.session.commit()
    dispatch(queued)
    return len(queued)
