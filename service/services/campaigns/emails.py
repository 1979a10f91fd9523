"""A campaign's emails before launch: the request to name raters, the request to approve a
list, and their reminders before the nomination deadline.

notifications.MESSAGES composes them through these functions; each decides at sending time
whether the email is still wanted (None when it is not)."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage

from flask_babel import ngettext

from service.extensions import db
from service.models import Campaign, Job, Person, Round
from service.services.absolute_urls import base_url, round_page_url
from service.services.campaigns.approvals import waiting_for
from service.services.followup_emails import email_to_person
from service.services.person_language import writing_to_person
from service.services.relationship_words import AT_LEAST
from service.time_text import long_datetime


def team_page_url() -> str:
    return f"{base_url()}/team"


def guidance(minimum: Mapping[str, int], maximum: int | None) -> str:
    """Whom to name, as the nomination email says it ("at least 2 peers, at most 4 raters in
    all"), in the language being written; empty when the campaign asks nothing."""
    lines = [
        say(n) for relationship, say in AT_LEAST.items() if (n := minimum.get(relationship, 0))
    ]
    if maximum is not None:
        lines.append(
            ngettext("at most %(num)s rater in all", "at most %(num)s raters in all", maximum)
        )
    return ", ".join(lines)


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
    # The words, the deadline's date and the guidance in the person's language.
    with writing_to_person(round_.subject):
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
    with writing_to_person(approver):
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
    with writing_to_person(approver):
        return email_to_person(
            "approval_reminder",
            approver,
            campaign_name=campaign.name,
            names=[r.subject.name for r in waiting],
            nomination_deadline=long_datetime(campaign.nomination_deadline),
            link=team_page_url(),
        )
