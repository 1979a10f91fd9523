"""Run a 360 again: a new draft about the same person, with the same raters to edit first."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext

from service.models import Round
from service.services.access import load_actor, load_round_for
from service.services.errors import Conflict
from service.services.rounds import create_round
from service.services.settings import current_settings

# A round that is not closed yet, each state worded whole.
NOT_CLOSED = {
    "draft": lazy_gettext("only a closed round can be run again; this one is draft"),
    "open": lazy_gettext("only a closed round can be run again; this one is open"),
}


def repeat_round(actor_id: str, round_id: str, deadline: datetime) -> Round:
    """A draft round about the closed round's person, on the instrument's current version,
    naming the same raters (names, emails, relationships): HR or the person themselves.

    The new round keeps the closed one's anonymity threshold and gap threshold, except that a
    person starting their own round never goes below the organisation's threshold today."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id)
    if round_.status != "closed":
        raise Conflict(NOT_CLOSED[round_.status])
    threshold = round_.anonymity_threshold
    if round_.subject_id == actor.id:
        threshold = max(threshold, current_settings().anonymity_threshold)
    return create_round(
        actor_id,
        deadline=deadline,
        subject_email=round_.subject.email,
        instrument=round_.instrument_id,
        anonymity_threshold=threshold,
        gap_threshold=round_.gap_threshold,
        raters=[
            {"name": rater.name, "email": rater.email, "relationship": rater.relationship}
            for rater in round_.raters
            if rater.relationship != "self"
        ],
    )
