"""Erasing a person (GDPR article 17): their account and everything about them goes; their
name and email go from every place they were copied into.

What goes: the person, their API tokens, sign-in links, web sessions and notes; every round
about them with its raters, drafts, responses, results, plans, check-ins, pulses and emails
to send (the database cascades from the round), and the round's stored reports on disk.
What stays, without them: the rounds they rated (their rater entry keeps its relationship and
status, under a placeholder name and an address that cannot receive mail, so the results,
counts and responses stand); the rounds they created about others; the people they managed
(with no manager); the audit log, whose entries about them are blanked (models/audit.py) and
which records that a person was erased, and by whom, but not whom."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import Text, cast, delete, func, null, or_, select, update

from service.extensions import db
from service.models import (
    AuditEvent,
    Export,
    Job,
    Note,
    OrgSettings,
    Person,
    PlanComment,
    PlanFocus,
    Rater,
    Round,
    SurveyLink,
)
from service.models.audit import ERASED
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.development_reports import REPORTS_FOLDER
from service.services.errors import Invalid, NotFound
from service.services.exports import EXPORTS_FOLDER
from service.services.notifications import OUTBOX_FOLDER

log = logging.getLogger(__name__)
ERASED_NAME = "erased"
# .invalid is reserved (RFC 2606): no mail can ever be delivered there.
ERASED_DOMAIN = "invalid"
LAST_HR = lazy_gettext(
    "this is the only HR person: make someone else HR first, so that somebody can still run "
    "the service"
)


def erased_email() -> str:
    """A rater entry's new address: unique within its round, as raters' addresses must be."""
    return f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"


def _refuse_last_hr(person: Person) -> None:
    if not person.is_hr:
        return
    others = db.session.scalar(
        select(func.count()).select_from(Person).where(Person.role == "hr", Person.id != person.id)
    )
    if others == 0:
        raise Invalid(LAST_HR, {"person": [str(LAST_HR)]})


def _instance_folder(name: str) -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / name


def _files_of_rounds(round_ids: list[str]) -> list[Path]:
    folder = _instance_folder(REPORTS_FOLDER)
    return [path for round_id in round_ids for path in folder.glob(f"{round_id}-*")]


def _expire_exports_of(person: Person, round_ids: set[str]) -> list[Path]:
    """Bulk exports holding one of these rounds' reports, or asked for by the person (their
    rows go with them): expired, their ZIPs to delete."""
    folder = _instance_folder(EXPORTS_FOLDER)
    zips = []
    for export in db.session.scalars(select(Export).where(Export.status != "expired")):
        if export.requested_by_id == person.id or round_ids & set(export.round_ids):
            export.status, export.expires_at = "expired", now()
            zips.append(folder / f"{export.id}.zip")
    return zips


def _anonymise_rater_entries(person: Person) -> int:
    """Their entries in other people's rounds keep relationship and status, not who."""
    raters = db.session.scalars(
        select(Rater)
        .join(Round)
        .where(func.lower(Rater.email) == person.email, Round.subject_id != person.id)
    ).all()
    for rater in raters:
        rater.name, rater.email = ERASED_NAME, erased_email()
    ids = [rater.id for rater in raters]
    if ids:
        db.session.execute(
            update(SurveyLink)
            .where(SurveyLink.rater_id.in_(ids), SurveyLink.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        # An email still to go would go to nobody: skipped, not failed.
        db.session.execute(
            update(Job)
            .where(Job.rater_id.in_(ids), Job.status.in_(("queued", "retrying")))
            .values(status="skipped", finished_at=now())
        )
    return len(ids)


def _blank_copied_names(person: Person) -> None:
    """Where others' records copied their name or email: plan supporters, plan comments,
    the "about" of others' notes."""
    db.session.execute(
        update(PlanFocus)
        .where(
            or_(
                func.lower(PlanFocus.support_email) == person.email,
                PlanFocus.support_name == person.name,
            )
        )
        .values(support_name=ERASED_NAME, support_email=None)
    )
    db.session.execute(
        update(PlanComment).where(PlanComment.author_id == person.id).values(author_name=ERASED)
    )
    db.session.execute(
        update(Note)
        .where(Note.author_id != person.id, func.lower(Note.about) == person.name.lower())
        .values(about=ERASED)
    )


def _patterns(person: Person) -> list[str]:
    # Also as JSON writes them (non-ASCII escaped), for the entries' data.
    texts = {person.name, person.email, json.dumps(person.name)[1:-1]}
    return [f"%{text.lower()}%" for text in texts]


def _blank_audit_entries(person: Person) -> int:
    """Blank the person's name and email (and id) in the audit log: the one UPDATE its
    triggers let through (migration 0015)."""
    patterns = _patterns(person)

    def mentions(column):
        return or_(*(func.lower(column).like(pattern) for pattern in patterns))

    data_text = cast(AuditEvent.data, Text)
    rows = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.actor_id,
            AuditEvent.actor_label,
            AuditEvent.subject_label,
            AuditEvent.detail,
            data_text,
        ).where(
            or_(
                AuditEvent.actor_id == person.id,
                mentions(AuditEvent.actor_label),
                mentions(AuditEvent.subject_label),
                mentions(AuditEvent.detail),
                mentions(data_text),
                data_text.like(f"%{person.id}%"),
            )
        )
    ).all()

    def names_them(text: str | None) -> bool:
        lowered = (text or "").lower()
        return any(pattern.strip("%") in lowered for pattern in patterns)

    blanked = 0
    for row_id, actor_id, actor_label, subject_label, detail, data in rows:
        values = {}
        if actor_id == person.id or names_them(actor_label):
            values |= {"actor_id": None, "actor_label": ERASED}
        if names_them(subject_label):
            values["subject_label"] = ERASED
        if names_them(detail):
            values["detail"] = ERASED
        if names_them(data) or person.id in (data or ""):
            values["data"] = null()
        if values:  # LIKE's "_" matches any character: a near miss is left alone
            db.session.execute(update(AuditEvent).where(AuditEvent.id == row_id).values(**values))
            blanked += 1
    return blanked


def _delete_files(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not delete %s after an erasure", path)


def _outbox_files_naming(person: Person) -> list[Path]:
    """The emails kept in the outbox folder (no mail server set) to or about the person."""
    needles = [person.email.encode(), person.name.encode()]
    folder = _instance_folder(OUTBOX_FOLDER)
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.glob("*.eml")
        if any(needle in path.read_bytes() for needle in needles)
    ]


def erase_person(actor_id: str, person_id: str) -> dict:
    """HR erases a person, in one transaction; the files on disk go once it has committed.
    Returns what was done, in counts."""
    actor = load_hr(actor_id, lazy_gettext("only HR can erase a person"))
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(lazy_gettext("no such person"))
    _refuse_last_hr(person)
    round_ids = list(db.session.scalars(select(Round.id).where(Round.subject_id == person.id)))
    files = _files_of_rounds(round_ids) + _expire_exports_of(person, set(round_ids))
    files += _outbox_files_naming(person)
    rater_entries = _anonymise_rater_entries(person)
    _blank_copied_names(person)
    db.session.execute(update(Person).where(Person.manager_id == person.id).values(manager_id=None))
    db.session.execute(
        update(Round).where(Round.created_by_id == person.id).values(created_by_id=None)
    )
    db.session.execute(
        update(OrgSettings).where(OrgSettings.updated_by_id == person.id).values(updated_by_id=None)
    )
    # The database cascades from each round to its raters, answers, responses, plans,
    # pulses, emails; and from the person to their tokens, links, sessions and notes.
    db.session.execute(delete(Round).where(Round.id.in_(round_ids)))
    db.session.flush()
    audit_entries = _blank_audit_entries(person)
    erased_self = actor.id == person.id
    db.session.execute(delete(Person).where(Person.id == person.id))
    db.session.expunge_all()  # the deleted rows must not be written back
    summary = {
        "rounds_deleted": len(round_ids),
        "rater_entries_anonymised": rater_entries,
        "audit_entries_blanked": audit_entries,
    }
    audit.record(
        "person_erased",
        None if erased_self else db.session.get(Person, actor_id),
        detail="a person was erased" + (" (an HR person, by themselves)" if erased_self else ""),
        data=summary,
    )
    db.session.commit()
    _delete_files(files)
    return summary
