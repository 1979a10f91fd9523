"""Where a campaign stands, for HR: each round's stage and response rate, and the same
rolled up by team (the person's manager) and by department. Two queries, whatever its size."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from service.extensions import db
from service.models import Campaign, Person, Rater, Round
from service.services.access import load_hr
from service.services.campaigns.rules import STAGES, not_ready_reason, stage_of
from service.services.campaigns.setup import ONLY_HR_RUNS_CAMPAIGNS, load_campaign
from service.services.clock import now


@dataclass
class Tally:
    """Rounds by stage and raters (besides the self-assessment) invited and answered."""

    rounds: int = 0
    stages: Counter = field(default_factory=Counter)
    invited: int = 0
    submitted: int = 0

    def add(self, row: dict) -> None:
        self.rounds += 1
        self.stages[row["stage"]] += 1
        self.invited += row["invited"]
        self.submitted += row["submitted"]

    def to_dict(self) -> dict:
        return {
            "rounds": self.rounds,
            "stages": {stage: self.stages.get(stage, 0) for stage in STAGES},
            "invited": self.invited,
            "submitted": self.submitted,
            "response_rate": rate(self.submitted, self.invited),
        }


def rate(submitted: int, invited: int) -> float | None:
    return round(submitted / invited, 4) if invited else None


def _answers_by_round(campaign_id: str) -> dict[str, Counter]:
    """Raters invited and answered per round, the self-assessment aside: one grouped pass."""
    rows = db.session.execute(
        select(
            Rater.round_id,
            func.count(),
            func.sum(case((Rater.response_status == "submitted", 1), else_=0)),
        )
        .where(
            Rater.round_id.in_(select(Round.id).where(Round.campaign_id == campaign_id)),
            Rater.relationship != "self",
        )
        .group_by(Rater.round_id)
    )
    return {
        round_id: Counter(invited=invited, submitted=submitted or 0)
        for round_id, invited, submitted in rows
    }


def campaign_progress(actor_id: str, campaign_id: str) -> dict:
    _, campaign = load_campaign(actor_id, campaign_id)
    return describe_campaign(campaign)


def describe_campaign(campaign: Campaign) -> dict:
    subject, manager = aliased(Person), aliased(Person)
    rows = db.session.execute(
        select(
            Round.id,
            Round.status,
            Round.nomination_stage,
            Round.deadline,
            subject.name,
            subject.email,
            subject.department,
            manager.name,
            manager.email,
        )
        .join(subject, Round.subject_id == subject.id)
        .outerjoin(manager, subject.manager_id == manager.id)
        .where(Round.campaign_id == campaign.id)
        .order_by(func.lower(subject.name), subject.email)
    ).all()
    counts = _answers_by_round(campaign.id)
    current = now()
    total, teams, departments = Tally(), defaultdict(Tally), defaultdict(Tally)
    team_names: dict[str | None, str | None] = {}
    described = []
    for round_id, status, nomination, deadline, name, email, department, boss, boss_email in rows:
        counted = counts.get(round_id, Counter())
        row = {
            "id": round_id,
            "subject": {
                "name": name,
                "email": email,
                "department": department,
                "manager_email": boss_email,
            },
            "stage": stage_of(status, nomination),
            "invited": counted["invited"],
            "submitted": counted["submitted"],
            "response_rate": rate(counted["submitted"], counted["invited"]),
            "not_ready": not_ready_reason(status, nomination, deadline, current),
        }
        described.append(row)
        total.add(row)
        teams[boss_email].add(row)
        team_names[boss_email] = boss
        departments[department].add(row)
    return {
        "id": campaign.id,
        "name": campaign.name,
        "instrument": {"id": campaign.instrument_id, "version": campaign.instrument_version},
        "anonymity_threshold": campaign.anonymity_threshold,
        "nomination_deadline": campaign.nomination_deadline,
        "deadline": campaign.deadline,
        "manager_approval": campaign.manager_approval,
        "minimum_raters": campaign.minimum_raters,
        "maximum_raters": campaign.maximum_raters,
        "launched_at": campaign.launched_at,
        "total": total.to_dict(),
        "rounds": described,
        "teams": [
            {"manager_name": team_names[key], "manager_email": key, **tally.to_dict()}
            for key, tally in sorted(
                teams.items(), key=lambda kv: (kv[0] is None, team_names[kv[0]] or "")
            )
        ],
        "departments": [
            {"department": key, **tally.to_dict()}
            for key, tally in sorted(
                departments.items(), key=lambda kv: (kv[0] is None, kv[0] or "")
            )
        ],
    }


def list_campaigns(actor_id: str) -> list[Campaign]:
    load_hr(actor_id, ONLY_HR_RUNS_CAMPAIGNS)
    return list(db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc())))
