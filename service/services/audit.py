"""The audit log: one append-only entry per launch, close, report view, download and so on."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext
from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Person, Round
from service.services.access import load_hr
from service.services.clock import now
from service.services.days import on_days
from service.services.paging import Page, read_page

# What each action reads as on the audit page.
ACTIONS = {
    "round_created": lazy_gettext("created a round"),
    "round_launched": lazy_gettext("launched a round"),
    "round_closed": lazy_gettext("closed a round"),
    "round_reopened": lazy_gettext("reopened a round"),
    "deadline_changed": lazy_gettext("changed a deadline"),
    "rater_added": lazy_gettext("added a rater"),
    "rater_removed": lazy_gettext("removed a rater"),
    "reminders_sent": lazy_gettext("sent reminders"),
    "report_viewed": lazy_gettext("viewed a report"),
    "report_downloaded": lazy_gettext("downloaded a report"),
    "plan_saved": lazy_gettext("saved their development plan"),
    "raters_thanked": lazy_gettext("thanked their raters"),
    "pulse_started": lazy_gettext("started an impact pulse"),
    "pulse_closed": lazy_gettext("closed an impact pulse"),
    "reports_exported": lazy_gettext("exported reports as a ZIP"),
    "insights_exported": lazy_gettext("exported a heatmap or published results"),
    "person_added": lazy_gettext("added a person"),
    "people_imported": lazy_gettext("imported people"),
    "person_changed": lazy_gettext("changed a person"),
    "campaign_created": lazy_gettext("started a campaign"),
    "campaign_launched": lazy_gettext("launched a campaign's rounds"),
    "nominations_submitted": lazy_gettext("submitted their nominations"),
    "nominations_approved": lazy_gettext("approved a list of raters"),
    "settings_changed": lazy_gettext("changed the settings"),
    "signed_in": lazy_gettext("signed in"),
    "signed_out": lazy_gettext("signed out"),
    "personal_data_exported": lazy_gettext("exported personal data"),
    "person_erased": lazy_gettext("erased a person"),
    "raw_answers_deleted": lazy_gettext("deleted raw answers (retention)"),
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
