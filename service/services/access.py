"""Who may act on what: HR on every round, a member on rounds about themselves."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from service.extensions import db
from service.models import Person, Round
from service.services.errors import Forbidden, NotFound


def load_actor(actor_id: str) -> Person:
    actor = db.session.get(Person, actor_id)
    if actor is None:
        raise NotFound(lazy_gettext("no such person"))
    return actor


ONLY_HR = lazy_gettext("only HR can do this")


def load_hr(actor_id: str, refusal=ONLY_HR) -> Person:
    """The actor if they are HR; anyone else is refused with Forbidden(refusal)."""
    actor = load_actor(actor_id)
    if not actor.is_hr:
        raise Forbidden(refusal)
    return actor


def load_round_for(actor: Person, round_id: str, *, lock: bool = False) -> Round:
    """The round if the actor may act on it: HR on every round, a member on their own."""
    query = select(Round).where(Round.id == round_id)
    if lock:
        query = query.with_for_update()
    round_ = db.session.scalar(query)
    # A member learns nothing about rounds that are not theirs, not even that they exist.
    if round_ is None or not (actor.is_hr or round_.subject_id == actor.id):
        raise NotFound(lazy_gettext("round not found"))
    return round_


def acts_as_hr(actor: Person, round_: Round) -> bool:
    """Whether the actor gets HR's detail on this round (who answered, delivery, links): HR,
    except on a round about themselves, where they are its subject like anyone else."""
    return actor.is_hr and round_.subject_id != actor.id
