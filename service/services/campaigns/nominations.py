"""A campaign's person submits the raters they named; their manager (or HR) approves the
list, adding or removing raters in the same step."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import timedelta

from flask_babel import lazy_gettext
from sqlalchemy import delete, select

from service.extensions import db
from service.models import Campaign, Rater, Round
from service.services import audit
from service.services.access import load_actor
from service.services.campaigns.approvals import approvers_of, may_approve
from service.services.campaigns.rules import list_problems
from service.services.clock import now
from service.services.errors import Conflict, Invalid, NotFound, worded_later
from service.services.notifications import dispatch, new_job
from service.services.rounds import check_new_rater, new_rater
from service.services.settings import current_settings

ROUND_NOT_FOUND = lazy_gettext("round not found")


def _campaign_round(round_id: str) -> tuple[Round, Campaign] | None:
    round_ = db.session.scalar(select(Round).where(Round.id == round_id).with_for_update())
    if round_ is None or round_.campaign_id is None:
        return None
    return round_, db.session.get(Campaign, round_.campaign_id)


def _named(round_: Round, removed: Iterable[str] = ()) -> Counter:
    return Counter(
        rater.relationship
        for rater in round_.raters
        if rater.relationship != "self" and rater.id not in removed
    )


# Where a list of raters stands when it cannot be approved, each state worded whole.
NOT_AWAITING_APPROVAL = {
    "nominating": lazy_gettext("this list of raters has not been submitted yet"),
    "approved": lazy_gettext("this list of raters is already approved"),
}
LAUNCHED = lazy_gettext("this list of raters is launched")


def _refuse_unless_complete(named: Counter, campaign: Campaign, refusal) -> None:
    problems = list_problems(named, campaign.minimum_raters, campaign.maximum_raters)
    if problems:
        details = worded_later("; ", (m for messages in problems.values() for m in messages))
        raise Invalid(
            lazy_gettext("%(refusal)s: %(details)s", refusal=refusal, details=details), problems
        )


def submit_nominations(actor_id: str, round_id: str) -> Round:
    """The person (or HR) sends their list: it must meet the campaign's minimum per
    relationship and its maximum in all. It then waits for approval (its approvers are
    emailed), or is approved at once when the campaign asks for no approval."""
    actor = load_actor(actor_id)
    found = _campaign_round(round_id)
    if found is None or not (actor.is_hr or found[0].subject_id == actor.id):
        raise NotFound(ROUND_NOT_FOUND)
    round_, campaign = found
    if round_.status != "draft" or round_.nomination_stage != "nominating":
        raise Conflict(lazy_gettext("the raters of this round were already submitted"))
    _refuse_unless_complete(
        _named(round_), campaign, lazy_gettext("the list of raters is not complete")
    )
    round_.nominated_at = now()
    jobs = []
    if campaign.manager_approval:
        round_.nomination_stage = "awaiting_approval"
        for approver in approvers_of(round_.subject):
            key = f"approval_request:{round_.id}:{approver.id}:{round_.nominated_at.isoformat()}"
            jobs.append(new_job("approval_request", key, round_.id, person_id=approver.id))
    else:
        round_.nomination_stage, round_.approved_at = "approved", now()
    audit.record(
        "nominations_submitted", actor, round_, detail=f"{sum(_named(round_).values())} raters"
    )
    db.session.commit()
    dispatch([job.id for job in jobs if job is not None])
    return round_


def approve_nominations(
    actor_id: str,
    round_id: str,
    *,
    add: Iterable[Mapping[str, str]] = (),
    remove: Iterable[str] = (),
) -> Round:
    """The manager (or HR) approves the submitted list, with the raters to add and the ids of
    those to remove; the edited list must still meet the campaign's rules. Anyone else, the
    person themselves included, is told the round does not exist."""
    actor = load_actor(actor_id)
    found = _campaign_round(round_id)
    if found is None or not may_approve(actor, found[0]):
        raise NotFound(ROUND_NOT_FOUND)
    round_, campaign = found
    if round_.status != "draft" or round_.nomination_stage != "awaiting_approval":
        raise Conflict(NOT_AWAITING_APPROVAL.get(round_.nomination_stage or "", LAUNCHED))
    add, remove = list(add), list(dict.fromkeys(remove))
    by_id = {rater.id: rater for rater in round_.raters}
    errors: dict = {}
    unknown = [rater_id for rater_id in remove if rater_id not in by_id]
    if unknown or any(by_id[r].relationship == "self" for r in remove if r in by_id):
        errors["remove"] = [
            lazy_gettext("name raters of this round (not the self-assessment) by their id")
        ]
    taken = {rater.email for rater in round_.raters if rater.id not in remove}
    added_errors = {}
    for index, rater in enumerate(add):
        problems = check_new_rater(
            round_.subject.email, taken, rater["name"], rater["email"], rater["relationship"]
        )
        if problems:
            added_errors[str(index)] = problems
        else:
            taken.add(rater["email"].strip().lower())
    if added_errors:
        errors["add"] = added_errors
    if errors:
        raise Invalid(lazy_gettext("the list cannot be changed so"), errors)
    named = _named(round_, remove) + Counter(rater["relationship"] for rater in add)
    _refuse_unless_complete(
        named, campaign, lazy_gettext("the approved list must still be complete")
    )
    if remove:
        db.session.execute(delete(Rater).where(Rater.id.in_(remove)))
        db.session.expire(round_, ["raters"])
    for rater in add:
        new_rater(round_, rater["name"], rater["email"], rater["relationship"])
    round_.nomination_stage, round_.approved_at = "approved", now()
    changes = f", {len(add)} added, {len(remove)} removed" if add or remove else ""
    audit.record(
        "nominations_approved", actor, round_, detail=f"for {round_.subject.name}{changes}"
    )
    db.session.commit()
    return round_


def queue_nomination_reminders() -> int:
    """The housekeeping: before a campaign's nomination deadline (in the organisation's
    reminder windows, by default 3 days and 1 day before), remind each person who has not
    submitted their raters, and each approver with lists waiting (one email per campaign)."""
    current = now()
    windows = sorted(current_settings().reminder_days)
    if not windows:
        return 0
    campaigns = db.session.scalars(
        select(Campaign).where(
            Campaign.launched_at.is_(None),
            Campaign.nomination_deadline > current,
            Campaign.nomination_deadline <= current + timedelta(days=windows[-1]),
        )
    ).all()
    jobs = []
    for campaign in campaigns:
        left = campaign.nomination_deadline - current
        days = next(d for d in windows if left <= timedelta(days=d))
        if campaign.nomination_deadline - campaign.created_at <= timedelta(days=days):
            continue  # started inside this window: the request itself is fresh
        waiting = db.session.scalars(
            select(Round).where(Round.campaign_id == campaign.id, Round.status == "draft")
        ).all()
        approvers: set[str] = set()
        for round_ in waiting:
            if round_.nomination_stage == "nominating":
                key = f"nomination_reminder:{round_.id}:before-{days}d"
                jobs.append(
                    new_job("nomination_reminder", key, round_.id, person_id=round_.subject_id)
                )
            elif round_.nomination_stage == "awaiting_approval":
                approvers |= {person.id for person in approvers_of(round_.subject)}
        for approver_id in sorted(approvers):
            key = f"approval_reminder:{campaign.id}:{approver_id}:before-{days}d"
            jobs.append(new_job("approval_reminder", key, None, person_id=approver_id))
    queued = [job.id for job in jobs if job is not None]
    db.session.commit()
    dispatch(queued)
    return len(queued)
