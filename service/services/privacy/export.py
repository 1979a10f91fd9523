"""Everything held about a person, as one document and their stored reports: the copy a
person may ask for (GDPR articles 15 and 20), read by themselves or by HR on their behalf.

The documents are the ones the API already serves (rounds, results, plans, pulses, notes),
built by the same functions, so the export says exactly what the pages say. Two things stay
the person's own even here: the words of their development plans and their private notes.
HR's copy carries what HR sees of them (whether a plan exists, how many check-ins, how many
notes); the person's own copy carries them whole."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from reports.results import Results
from service.extensions import db
from service.models import ApiToken, Note, Person, Rater, Round, WebSession
from service.services import audit
from service.services.access import load_actor, load_hr
from service.services.clock import now
from service.services.counts import response_counts
from service.services.development_reports import ensure_report_pdf
from service.services.errors import NotFound, Unavailable
from service.services.notes import list_notes
from service.services.plans import HR, SUBJECT, PlanAccess, load_saved_plan, plan_document
from service.services.pulses import pulse_document, round_pulses
from service.services.results import may_read_results
from service.services.rounds import describe_round

DOCUMENT_NAME = "feedback360-data.json"
REPORTS_FOLDER = "reports"
FORMAT = "feedback360 personal data export, version 1"


@dataclass(frozen=True)
class PersonalData:
    """The export's document (ORM objects and datetimes still in it, for the API's schema
    to write out) and the stored report PDFs that go beside it, by their name in the ZIP."""

    person: Person
    document: dict
    reports: dict[str, Path]


def _account(person: Person) -> dict:
    sessions = db.session.scalar(
        select(func.count())
        .select_from(WebSession)
        .where(WebSession.person_id == person.id, WebSession.ended_at.is_(None))
    )
    tokens = db.session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.person_id == person.id)
    )
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "department": person.department,
        "language": person.language,
        "manager": person.manager,
        "created_at": person.created_at,
        # Secrets are kept only as digests, which mean nothing to anyone: counted, not copied.
        "has_password": person.password_hash is not None,
        "api_tokens": tokens,
        "open_sessions": sessions,
    }


def _report_name(round_: Round) -> str:
    # The round's id keeps two rounds closed on one day apart.
    day = (round_.closed_at or round_.results_released_at).date()
    return f"{REPORTS_FOLDER}/report-{day.isoformat()}-{round_.id[:8]}.pdf"


def _round_about(round_: Round, person: Person, *, own_copy: bool, reports: dict) -> dict:
    """One round about the person as they see it: its counts (never who answered), its
    frozen results and stored report where they may read them, its plan and pulses."""
    counts = response_counts([round_.id])[round_.id]
    entry = {"round": describe_round(round_, counts, for_hr=False)}
    readable = may_read_results(person, round_)
    entry["results"] = (
        Results.from_dict(round_.results).to_dict()
        if readable and round_.results is not None
        else None
    )
    entry["report"] = None
    if entry["results"] is not None:
        # In the person's language today, drawn now if they changed language since the close.
        try:
            stored = ensure_report_pdf(round_)
        except Unavailable:
            stored = None  # no Chromium here: the document says so with "report": null
        if stored is not None:
            entry["report"] = _report_name(round_)
            reports[entry["report"]] = stored
    if round_.results is not None:
        plan = load_saved_plan(round_)
        access = PlanAccess(person, round_, SUBJECT if own_copy else HR, plan)
        entry["plan"] = plan_document(access) if plan is not None else None
        entry["pulses"] = [pulse_document(pulse, access) for pulse in round_pulses(round_)]
    else:
        entry["plan"], entry["pulses"] = None, []
    return entry


def _rated(person: Person) -> list[dict]:
    """The rounds the person was asked to rate: whom about, when, and where their own
    response stands. Never the answers: a submitted response is not linked to its rater."""
    raters = db.session.scalars(
        select(Rater)
        .join(Round)
        .where(Rater.email == person.email, Round.subject_id != person.id)
        .order_by(Rater.created_at)
    ).all()
    return [
        {
            "subject": rater.round.subject.name,
            "asked_at": rater.created_at,
            "deadline": rater.round.deadline,
            "closed_at": rater.round.closed_at,
            "response_status": rater.response_status,
        }
        for rater in raters
    ]


def _notes(person: Person, *, own_copy: bool) -> dict:
    if own_copy:
        return {"count": None, "notes": list_notes(person.id)}
    count = db.session.scalar(
        select(func.count()).select_from(Note).where(Note.author_id == person.id)
    )
    return {"count": count, "notes": None}


def collect_personal_data(actor_id: str, person_id: str | None = None) -> PersonalData:
    """The person's data: the actor's own (person_id None), or any person's for HR. The
    request is audited; what it holds is not."""
    actor = load_actor(actor_id) if person_id is None else load_hr(actor_id)
    person = actor if person_id is None else db.session.get(Person, person_id)
    if person is None:
        raise NotFound(lazy_gettext("no such person"))
    own_copy = person.id == actor.id
    rounds = db.session.scalars(
        select(Round).where(Round.subject_id == person.id).order_by(Round.created_at)
    ).all()
    reports: dict[str, Path] = {}
    document = {
        "format": FORMAT,
        "generated_at": now(),
        "copy_for": "the person" if own_copy else "HR, on the person's behalf",
        "account": _account(person),
        "rounds_about_you": [
            _round_about(round_, person, own_copy=own_copy, reports=reports) for round_ in rounds
        ],
        "notes": _notes(person, own_copy=own_copy),
        "rounds_you_rated": _rated(person),
        "reports": sorted(reports),
    }
    audit.record(
        "personal_data_exported",
        actor,
        detail=None if own_copy else "for another person",
        data=None if own_copy else {"person_id": person.id},
    )
    db.session.commit()
    return PersonalData(person, document, reports)


def export_zip(document_json: str, reports: dict[str, Path]) -> io.BytesIO:
    """The ZIP: the JSON document, then each stored report under its name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT_NAME, document_json)
        for name, path in sorted(reports.items()):
            archive.write(path, name)
    buffer.seek(0)
    return buffer


def export_filename() -> str:
    return f"feedback360-data-{now():%Y-%m-%d}.zip"


def dump_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
