"""Retention: raters' raw answers and comments are deleted a set number of days after their
round closes (HR's setting; off by default). The round's frozen results, its stored report
and its plan stay: they are what the organisation uses, and they single nobody out. A round
whose raw answers are gone cannot be reopened (services/rounds.py), since late answers
would then be scored without the earlier ones."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from service.extensions import db
from service.models import DeclineReason, DraftAnswer, DraftComment, Rater, Response, Round
from service.services import audit
from service.services.clock import now
from service.services.settings import current_settings

log = logging.getLogger(__name__)


def _delete_raw_answers(round_id: str) -> None:
    """Every submitted response of the round (the database takes its answers and comments
    with it), every draft left unsent, and the reasons raters gave for declining."""
    db.session.execute(delete(Response).where(Response.round_id == round_id))
    raters = select(Rater.id).where(Rater.round_id == round_id)
    db.session.execute(delete(DraftAnswer).where(DraftAnswer.rater_id.in_(raters)))
    db.session.execute(delete(DraftComment).where(DraftComment.rater_id.in_(raters)))
    db.session.execute(delete(DeclineReason).where(DeclineReason.round_id == round_id))


def delete_expired_raw_answers() -> int:
    """For the housekeeping: delete the raw answers of every round closed at least the
    retention period ago, once; each deletion is audited. Returns how many rounds."""
    days = current_settings().retention_days
    if days is None:
        return 0
    cutoff = now() - timedelta(days=days)
    due = db.session.scalars(
        select(Round)
        .where(
            Round.status == "closed",
            Round.closed_at <= cutoff,
            Round.raw_answers_deleted_at.is_(None),
        )
        .order_by(Round.closed_at)
    ).all()
    for round_ in due:
        _delete_raw_answers(round_.id)
        round_.raw_answers_deleted_at = now()
        audit.record(
            "raw_answers_deleted",
            None,
            round_,
            detail=f"{days} days after the round closed",
            data={"retention_days": days},
        )
    db.session.commit()
    if due:
        log.info("retention: deleted the raw answers of %d rounds", len(due))
    return len(due)
