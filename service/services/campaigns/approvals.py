"""Who approves a campaign's lists of raters, and the lists waiting for each approver."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.models import Person, Round


def may_approve(actor: Person, round_: Round) -> bool:
    """The person's manager, or HR; never the person themselves."""
    if round_.subject_id == actor.id:
        return False
    return actor.is_hr or round_.subject.manager_id == actor.id


def approvers_of(subject: Person) -> list[Person]:
    """Who is asked to approve a person's list: their manager, or HR for someone without one."""
    if subject.manager is not None:
        return [subject.manager]
    return list(
        db.session.scalars(select(Person).where(Person.role == "hr", Person.id != subject.id))
    )


def waiting_for(actor: Person) -> list[Round]:
    """The lists waiting for this person's approval: their reports', and for HR those of
    people without a manager."""
    query = (
        select(Round)
        .join(Person, Round.subject_id == Person.id)
        .where(
            Round.status == "draft",
            Round.nomination_stage == "awaiting_approval",
            Person.id != actor.id,
        )
    )
    if actor.is_hr:
        query = query.where((Person.manager_id == actor.id) | Person.manager_id.is_(None))
    else:
        query = query.where(Person.manager_id == actor.id)
    return list(db.session.scalars(query.order_by(Round.nominated_at)))
