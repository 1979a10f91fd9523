"""A campaign's emails before launch: the request to name raters, the request to approve a
list, and their reminders before the nomination deadline.

notifications.MESSAGES composes them through these functions; each decides at sending time
whether the email is still wanted (None when it is not)."""

from __future__ import annotations

from email.message import EmailMessage

from service.extensions import db
from service.models import Campaign, Job, Person, Round
from service.services.absolute_urls import base_url, round_page_url
from service.services.campaigns.approvals import waiting_for
from service.services.campaigns.rules import guidance
from service.services.followup_emails import email_to_person
from service.time_text import long_datetime


def team_page_url() -> str:
    return f"{base_url()}/team"


def _nominating(job: Job) -> tuple[Round, Campaign] | None:
    round_ = db.session.get(Round, job.round_id)
    if round_ is None or round_.status != "draft" or round_.nomination_stage != "nominating":
        return None  # submitted, launched or deleted since the job was queued
    return round_, db.session.get(Campaign, round_.campaign_id)


def nomination_message(job: Job, *, reminder: bool) -> EmailMessage | None:
    found = _nominating(job)
    if found is None:
        return None
    round_, campaign = found
    return email_to_person(
        "nomination_request",
        round_.subject,
        reminder=reminder,
        campaign_name=campaign.name,
        nomination_deadline=long_datetime(campaign.nomination_deadline),
        guidance=guidance(campaign.minimum_raters, campaign.maximum_raters),
        manager_approval=campaign.manager_approval,
        link=round_page_url(round_.id),
    )


def approval_message(job: Job) -> EmailMessage | None:
    round_ = db.session.get(Round, job.round_id)
    approver = db.session.get(Person, job.person_id)
    if round_ is None or approver is None or round_.nomination_stage != "awaiting_approval":
        return None  # approved or deleted since
    campaign = db.session.get(Campaign, round_.campaign_id)
    return email_to_person(
        "approval_request",
        approver,
        subject_name=round_.subject.name,
        campaign_name=campaign.name,
        nomination_deadline=long_datetime(campaign.nomination_deadline),
        link=f"{team_page_url()}/rounds/{round_.id}",
    )


def approval_reminder_message(job: Job) -> EmailMessage | None:
    """One reminder per approver and campaign: key approval_reminder:<campaign>:<person>:..."""
    campaign = db.session.get(Campaign, job.key.split(":")[1])
    approver = db.session.get(Person, job.person_id)
    if campaign is None or approver is None:
        return None
    waiting = [r for r in waiting_for(approver) if r.campaign_id == campaign.id]
    if not waiting:
        return None
    return email_to_person(
        "approval_reminder",
        approver,
        campaign_name=campaign.name,
        names=[r.subject.name for r in waiting],
        nomination_deadline=long_datetime(campaign.nomination_deadline),
        link=team_page_url(),
    )
