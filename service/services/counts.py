"""Response counts per relationship: what anyone may know of who responded."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from reports.response_counts import invited_by_relationship, visible_response_counts
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


def counts_for_subject(
    counts: Mapping[str, Mapping[str, int]], k: int, kept: list | None = None
) -> dict:
    """What the person a round is about may know of who responded: how many were invited per
    relationship, and answered and declined only for sets of at least k invited raters
    (docs/scoring.md, "Response counts"), so a lone manager who declined is never a count
    of one. The subject's own self-assessment is in no set."""
    sets = visible_response_counts(
        counts["invited"], counts["submitted"], counts["declined"], k, kept
    )
    return {
        "invited": invited_by_relationship(counts["invited"]),
        "sets": [count_set.to_dict() for count_set in sets],
    }
