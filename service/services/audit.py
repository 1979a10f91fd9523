"""The audit log: one append-only entry per launch, close, report view, download and so on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Person, Round
from service.services.access import load_hr
from service.services.clock import now
from service.services.days import on_days
from service.services.paging import Page, read_page

# What each action reads as on the audit page.
ACTIONS = {
    "round_created": "created a round",
    "round_launched": "launched a round",
    "round_closed": "closed a round",
    "round_reopened": "reopened a round",
    "deadline_changed": "changed a deadline",
    "rater_added": "added a rater",
    "rater_removed": "removed a rater",
    "reminders_sent": "sent reminders",
    "report_viewed": "viewed a report",
    "report_downloaded": "downloaded a report",
    "plan_saved": "saved their development plan",
    "raters_thanked": "thanked their raters",
    "pulse_started": "started an impact pulse",
    "pulse_closed": "closed an impact pulse",
    "reports_exported": "exported reports as a ZIP",
    "insights_exported": "exported a heatmap or published results",
    "person_added": "added a person",
    "people_imported": "imported people",
    "person_changed": "changed a person",
    "campaign_created": "started a campaign",
    "campaign_launched": "launched a campaign's rounds",
    "nominations_submitted": "submitted their nominations",
    "nominations_approved": "approved a list of raters",
    "settings_changed": "changed the settings",
    "signed_in": "signed in",
    "signed_out": "signed out",
    "personal_data_exported": "exported personal data",
    "person_erased": "erased a person",
    "raw_answers_deleted": "deleted raw answers (retention)",
}
SYSTEM_ACTOR = "feedback360 (automatic)"
PAGE_SIZE = 50


def _label(person: Person) -> str:
    return f"{person.name} <{person.email}>"


def record(
    action: str,
    actor: Person | None,
    round_: Round | None = None,
    *,
    detail: str | None = None,
    data: dict | None = None,
) -> None:
    """Add an entry to the caller's transaction: it is logged exactly when the action
    commits. No actor means the service itself (e.g. a deadline closing a round)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if round_ is not None and round_.id is None:
        db.session.flush()  # a round created in this transaction gets its id now
    db.session.add(
        AuditEvent(
            at=now(),
            actor_id=actor.id if actor else None,
            actor_label=_label(actor) if actor else SYSTEM_ACTOR,
            action=action,
            round_id=round_.id if round_ else None,
            subject_label=_label(round_.subject) if round_ else None,
            detail=detail,
            data=data,
        )
    )


def list_events(
    actor_id: str,
    *,
    page: int = 1,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Page[AuditEvent]:
    """HR reads the log, newest first, a page at a time; since and until are days (UTC),
    both included."""
    load_hr(actor_id, "only HR can read the audit log")
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    query = query.where(*on_days(AuditEvent.at, since, until))
    return read_page(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page,
        PAGE_SIZE,
        read=lambda limited: db.session.scalars(limited).all(),
    )
