"""A manager's view of their team: each direct report's rounds with their stage and the
response counts anyone outside HR may see, the lists of raters waiting for their approval,
and the plans shared with them. Never a score, an answer, or who answered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from service.extensions import db
from service.models import Person, Round
from service.services.access import load_actor
from service.services.campaigns.approvals import waiting_for
from service.services.campaigns.rules import stage_of
from service.services.counts import counts_for_subject, response_counts
from service.services.plans import plans_shared_with


def _round_summary(round_: Round, counts: dict) -> dict:
    return {
        "id": round_.id,
        "stage": stage_of(round_.status, round_.nomination_stage),
        "deadline": round_.deadline,
        "campaign_id": round_.campaign_id,
        # What the person themselves sees: invited per relationship, answered only for sets
        # of at least k invited raters, so the manager (a rater too) learns no one's answer.
        "responses": counts_for_subject(counts, round_.anonymity_threshold, round_.count_sets),
    }


def team_view(actor_id: str) -> dict:
    actor = load_actor(actor_id)
    reports = list(
        db.session.scalars(
            select(Person).where(Person.manager_id == actor.id).order_by(func.lower(Person.name))
        )
    )
    rounds = list(
        db.session.scalars(
            select(Round)
            .where(Round.subject_id.in_([p.id for p in reports]))
            .options(selectinload(Round.raters))
            .order_by(Round.created_at.desc())
        )
    )
    counts = response_counts([r.id for r in rounds])
    by_person: dict[str, list[dict]] = {p.id: [] for p in reports}
    for round_ in rounds:
        by_person[round_.subject_id].append(_round_summary(round_, counts[round_.id]))
    approvals = [
        {
            "round_id": round_.id,
            "subject": {"name": round_.subject.name, "email": round_.subject.email},
            "nominated_at": round_.nominated_at,
            "raters": [
                {"id": r.id, "name": r.name, "email": r.email, "relationship": r.relationship}
                for r in round_.raters
                if r.relationship != "self"
            ],
        }
        for round_ in waiting_for(actor)
    ]
    plans = [
        {
            "round_id": round_.id,
            "subject": {"name": round_.subject.name},
            "updated_at": plan.updated_at,
        }
        for round_, plan in plans_shared_with(actor.id)
    ]
    return {
        "members": [
            {
                "id": person.id,
                "name": person.name,
                "email": person.email,
                "department": person.department,
                "rounds": by_person[person.id],
            }
            for person in reports
        ],
        "approvals": approvals,
        "shared_plans": plans,
    }
