"""Response counts per relationship: what anyone may know of who responded."""

from __future__ import annotations

from sqlalchemy import func, select

from service.extensions import db
from service.models import RELATIONSHIPS, Rater


def response_counts(round_ids: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """Invited, submitted and declined counts per relationship, never per person."""
    counts = {
        round_id: {
            kind: dict.fromkeys(RELATIONSHIPS, 0) for kind in ("invited", "submitted", "declined")
        }
        for round_id in round_ids
    }
    rows = db.session.execute(
        select(Rater.round_id, Rater.relationship, Rater.response_status, func.count())
        .where(Rater.round_id.in_(round_ids))
        .group_by(Rater.round_id, Rater.relationship, Rater.response_status)
    )
    for round_id, relationship, status, count in rows:
        counts[round_id]["invited"][relationship] += count
        if status in ("submitted", "declined"):
            counts[round_id][status][relationship] += count
    return counts
