"""A campaign's rounds go live: the approved ones at the nomination deadline (or earlier, by
HR), then HR reminds everyone who has not answered and closes them all."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import selectinload

from reports.response_counts import launch_partition
from service.extensions import db
from service.models import Campaign, Export, Job, Person, Rater, Round
from service.models.types import new_id
from service.services import audit
from service.services.campaigns.setup import job_row, load_campaign
from service.services.clock import now
from service.services.errors import Conflict
from service.services.exports import start_export
from service.services.notifications import AWAITING, dispatch, reminders_queued
from service.services.rounds import close_round
from surveys.relationships import RELATIONSHIPS


def _launch_approved(campaign: Campaign, actor: Person | None) -> dict:
    """Open every approved draft round of the campaign whose deadline is ahead, queueing an
    invitation per rater; the rest stay drafts. One statement per kind of write, so thousands
    of rounds launch in seconds."""
    current = now()
    rounds = list(
        db.session.scalars(
            select(Round)
            .where(Round.campaign_id == campaign.id, Round.status == "draft")
            .options(selectinload(Round.raters))
            .with_for_update()
        )
    )
    ready = [
        r
        for r in rounds
        if r.nomination_stage == "approved"
        and r.deadline > current
        and any(rater.relationship != "self" for rater in r.raters)
    ]
    moves, jobs = [], []
    for round_ in ready:
        invited = Counter(rater.relationship for rater in round_.raters)
        sets = launch_partition(
            {r: invited.get(r, 0) for r in RELATIONSHIPS}, round_.anonymity_threshold
        )
        moves.append({"rid": round_.id, "sets": [list(s) for s in sets]})
        # Each invitation is its own email, as for a round launched by hand: a fresh key.
        jobs += [
            job_row(
                "invitation",
                f"invitation:{rater.id}:{new_id()}",
                current,
                round_id=round_.id,
                rater_id=rater.id,
            )
            for rater in round_.raters
        ]
    if moves:
        table = Round.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("rid"), table.c.status == "draft")
            .values(status="open", launched_at=current, count_sets=bindparam("sets")),
            moves,
            execution_options={"synchronize_session": False},
        )
        db.session.execute(insert(Job), jobs)
    campaign.launched_at = campaign.launched_at or current
    audit.record(
        "campaign_launched",
        actor,
        detail=f"{campaign.name}: {len(ready)} launched, {len(rounds) - len(ready)} not ready",
        data={"campaign_id": campaign.id, "launched": len(ready)},
    )
    db.session.commit()
    dispatch([job["id"] for job in jobs])
    return {"launched": len(ready), "not_ready": len(rounds) - len(ready)}


def launch_campaign(actor_id: str, campaign_id: str) -> dict:
    """HR launches, before the nomination deadline or again after it, every approved round
    not yet launched."""
    actor, campaign = load_campaign(actor_id, campaign_id)
    db.session.refresh(campaign, with_for_update=True)
    return _launch_approved(campaign, actor)


def launch_due_campaigns() -> int:
    """The housekeeping: each campaign whose nomination deadline has passed launches its
    approved rounds once. Returns how many rounds were launched."""
    due = db.session.scalars(
        select(Campaign.id).where(
            Campaign.launched_at.is_(None), Campaign.nomination_deadline <= now()
        )
    ).all()
    launched = 0
    for campaign_id in due:
        campaign = db.session.scalar(
            select(Campaign).where(Campaign.id == campaign_id).with_for_update()
        )
        if campaign.launched_at is not None:  # another worker was first
            db.session.rollback()
            continue
        launched += _launch_approved(campaign, None)["launched"]
    return launched


def remind_campaign(actor_id: str, campaign_id: str) -> dict:
    """Remind every rater of the campaign's open rounds who has not answered, each at most
    once a day: the same reminder, under the same once-a-day key, as a round's own Remind."""
    actor, campaign = load_campaign(actor_id, campaign_id)
    current = now()
    day = current.date().isoformat()
    awaiting = db.session.execute(
        select(Rater.id, Rater.round_id)
        .join(Round, Rater.round_id == Round.id)
        .where(
            Round.campaign_id == campaign.id,
            Round.status == "open",
            Round.deadline > current,
            Rater.response_status.in_(AWAITING),
        )
    ).all()
    keys = {
        f"reminder:{rater_id}:manual:{day}": (rater_id, round_id) for rater_id, round_id in awaiting
    }
    sent = set()
    key_list = list(keys)
    for start in range(0, len(key_list), 1000):
        sent |= set(
            db.session.scalars(select(Job.key).where(Job.key.in_(key_list[start : start + 1000])))
        )
    jobs = [
        job_row("reminder", key, current, round_id=round_id, rater_id=rater_id)
        for key, (rater_id, round_id) in keys.items()
        if key not in sent
    ]
    if jobs:
        db.session.execute(insert(Job), jobs)
        audit.record(
            "reminders_sent", actor, detail=f"{campaign.name}: {len(jobs)} raters reminded"
        )
    db.session.commit()
    dispatch([job["id"] for job in jobs])
    return {
        "message": reminders_queued(len(jobs)),
        "queued": len(jobs),
        "already_reminded_today": len(keys) - len(jobs),
    }


def close_campaign(actor_id: str, campaign_id: str) -> dict:
    """Close every open round of the campaign (each frozen and reported as a round closed by
    hand is)."""
    _, campaign = load_campaign(actor_id, campaign_id)
    open_ids = db.session.scalars(
        select(Round.id).where(Round.campaign_id == campaign.id, Round.status == "open")
    ).all()
    closed = 0
    for round_id in open_ids:
        try:
            close_round(actor_id, round_id)
        except Conflict:
            continue  # closed meanwhile
        closed += 1
    return {"closed": closed}


def export_campaign(actor_id: str, campaign_id: str) -> Export:
    """The reports of the campaign's closed rounds in one ZIP."""
    _, campaign = load_campaign(actor_id, campaign_id)
    closed = [
        round_.id
        for round_ in db.session.scalars(
            select(Round)
            .join(Person, Round.subject_id == Person.id)
            .where(Round.campaign_id == campaign.id, Round.status == "closed")
            .order_by(Person.name)
        )
        if round_.results is not None
    ]
    if not closed:
        raise Conflict(
            lazy_gettext("no round of this campaign is closed yet; there is no report to export")
        )
    return start_export(actor_id, list(closed))
