"""The emails after a report: the person's thank-you to their raters, the pulse invitation
(its link minted as it is sent) and the note to the person that their pulse has closed.

notifications.MESSAGES composes them through these functions; each decides at sending time
whether the email is still wanted (None when it is not)."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from service.extensions import db
from service.mail.messages import compose_to
from service.models import FollowUp, Job, Pulse, PulseRater, Rater
from service.services.clock import now
from service.services.followup_emails import email_to_person, plan_page_url
from service.services.person_language import writing_to_person
from service.services.pulse_links import issue_pulse_link, pulse_url
from service.services.rater_emails import skills_in_language, writing_to
from service.time_text import long_datetime
from surveys.instrument import Instrument


def skills_in_words(instrument: Instrument, skill_ids: Sequence[str]) -> str:
    """ "empathy, leadership and adaptability": skill names as a sentence says them."""
    names = [instrument.skill(skill_id).name.lower() for skill_id in skill_ids]
    if len(names) < 2:
        return "".join(names)
    # "empathy and compassion, and leadership": a comma keeps names that hold "and" apart.
    last = ", and " if len(names) > 2 or any(" and " in name for name in names) else " and "
    return f"{', '.join(names[:-1])}{last}{names[-1]}"


def _key_part(job: Job) -> str:
    """The id a job's key names after its kind: <kind>:<id>[:...]."""
    return job.key.split(":")[1]


def thank_you_message(job: Job) -> EmailMessage | None:
    follow_up = db.session.get(FollowUp, _key_part(job))
    rater = db.session.get(Rater, job.rater_id)
    if follow_up is None or rater is None:
        return None  # the round or the rater was deleted since
    subject = rater.round.subject
    with writing_to(rater):
        return compose_to(
            "thank_you",
            rater.email,
            rater.name,
            rater_name=rater.name,
            subject_name=subject.name,
            message=follow_up.message,
        )


def pulse_accepts_answers(pulse: Pulse) -> bool:
    return pulse.status == "open" and now() < pulse.deadline


def pulse_invitation_message(job: Job) -> EmailMessage | None:
    pulse_rater = db.session.get(PulseRater, _key_part(job))
    if (
        pulse_rater is None
        or pulse_rater.submitted_on is not None
        or not pulse_accepts_answers(pulse_rater.pulse)
    ):
        return None  # answered, closed or deleted since the job was queued
    pulse, rater = pulse_rater.pulse, pulse_rater.rater
    subject = pulse.round.subject
    instrument = pulse.round.instrument
    with writing_to(rater) as language:
        return compose_to(
            "pulse_invitation",
            rater.email,
            rater.name,
            rater_name=rater.name,
            subject_name=subject.name,
            subject_first_name=subject.first_name,
            skills_text=skills_in_language(instrument, pulse.skill_ids, language)
            or skills_in_words(instrument, pulse.skill_ids),
            question_count=len(pulse.skill_ids),
            deadline=long_datetime(pulse.deadline),
            threshold=pulse.round.anonymity_threshold,
            is_manager=rater.relationship == "manager",
            link=pulse_url(issue_pulse_link(pulse_rater)),
        )


def pulse_due_message(job: Job) -> EmailMessage | None:
    pulse = db.session.get(Pulse, _key_part(job))
    if pulse is None:
        return None
    person = pulse.round.subject
    with writing_to_person(person):
        return email_to_person(
            "pulse_due",
            person,
            deadline=long_datetime(pulse.deadline),
            link=plan_page_url(pulse.round_id),
        )
