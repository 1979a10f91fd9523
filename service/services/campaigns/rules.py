"""What a campaign asks of each person's list of raters, and where each round stands; pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import lazy_gettext

from service.services.relationship_words import MANY
from surveys.relationships import RATERS_NAMED

# What each stage reads as, for rounds before and after launch.
STAGE_LABELS = {
    "nominating": lazy_gettext("Nominating"),
    "awaiting_approval": lazy_gettext("Awaiting approval"),
    "approved": lazy_gettext("Approved, waiting for launch"),
    "open": lazy_gettext("Open"),
    "closed": lazy_gettext("Closed"),
}
STAGES = tuple(STAGE_LABELS)


def stage_of(status: str, nomination_stage: str | None) -> str:
    """One word for where a campaign's round is: its nomination stage while it is a draft,
    then its status."""
    if status == "draft":
        return nomination_stage or "nominating"
    return status


def list_problems(
    named: Mapping[str, int], minimum: Mapping[str, int], maximum: int | None
) -> dict[str, list]:
    """Each relationship named fewer times than its minimum, and a total above the maximum,
    as errors by field; empty when the list may be submitted."""
    problems: dict[str, list[str]] = {}
    for relationship in RATERS_NAMED:
        wanted, got = minimum.get(relationship, 0), named.get(relationship, 0)
        if got < wanted:
            problems.setdefault("minimum_raters", []).append(
                lazy_gettext(
                    "%(relationship)s: %(named)s named, at least %(needed)s needed",
                    relationship=MANY[relationship],
                    named=got,
                    needed=wanted,
                )
            )
    total = sum(n for relationship, n in named.items() if relationship != "self")
    if maximum is not None and total > maximum:
        problems["maximum_raters"] = [
            lazy_gettext(
                "%(total)s raters named, at most %(maximum)s allowed", total=total, maximum=maximum
            )
        ]
    if total == 0:
        problems.setdefault("raters", []).append(lazy_gettext("name at least one rater"))
    return problems


def not_ready_reason(
    status: str, nomination_stage: str | None, deadline: datetime, now: datetime
) -> str | None:
    """Why a draft round of a campaign cannot be launched now, or None."""
    if status != "draft":
        return None
    if nomination_stage == "nominating":
        return lazy_gettext("the raters have not been submitted")
    if nomination_stage == "awaiting_approval":
        return lazy_gettext("the list of raters waits for approval")
    if deadline <= now:
        return lazy_gettext("the round's deadline has passed")
    return None
