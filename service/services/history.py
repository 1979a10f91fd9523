"""A person's history: every closed round about them, with all others' and self's published
score per skill, oldest first (one timeline across their rounds)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from reports.results import Results
from service.extensions import db
from service.models import Person, Round
from service.services.access import load_actor
from service.services.errors import Forbidden, NotFound
from service.services.results import may_read_results_about


def person_history(actor_id: str, person_id: str | None = None) -> dict:
    """The history of `person_id` (None: the actor's own). HR reads anyone's; a member only
    their own, where the organisation lets people read their own results; another member's
    is a 404, as if it did not exist."""
    actor = load_actor(actor_id)
    person = actor if person_id is None else db.session.get(Person, person_id)
    if person is None or not (actor.is_hr or person.id == actor.id):
        raise NotFound(lazy_gettext("person not found"))
    if not may_read_results_about(actor, person):
        raise Forbidden(
            lazy_gettext(
                "your organisation shares the results of 360 rounds through HR; ask HR for a "
                "conversation about your history"
            )
        )
    rounds = db.session.scalars(
        select(Round)
        .where(
            Round.subject_id == person.id,
            Round.status == "closed",
            Round.results.is_not(None),
        )
        .order_by(Round.closed_at, Round.id)
    )
    return {
        "person": {"id": person.id, "name": person.name},
        "rounds": [_round_entry(round_) for round_ in rounds],
    }


def _round_entry(round_: Round) -> dict:
    # Read through Results, as the results API serves them: published values only.
    results = Results.from_dict(round_.results)
    return {
        "id": round_.id,
        "closed_at": round_.closed_at,
        "instrument": {"id": results.instrument_id, "version": results.instrument_version},
        "skills": [
            {
                "id": skill.id,
                "name": skill.name,
                "others": skill.scores.get("others"),
                "self": skill.scores.get("self"),
            }
            for skill in results.skills
        ],
    }
