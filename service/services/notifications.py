"""Email use cases and their jobs: invitations, reminders, report-ready and round-closed
(and the plan reminders and note follow-ups of services/followup_emails.py, the thank-you
and pulse emails of services/pulse_emails.py).

Every email is a Job row first (its state visible in the database, its key making it
idempotent), then a queue task that delivers it. A survey link is minted when its email is
sent, so no plain token ever waits in the queue or the database.

The jobs table, not the queue, decides what is left to send: a worker claims a job before
sending it, so a second copy of its task does nothing, and the housekeeping queues again the
jobs whose task a dead worker had taken off the queue.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal, gettext, lazy_gettext, ngettext
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db
from service.mail.messages import compose_to
from service.mail.transport import (
    DeliveryError,
    OutboxTransport,
    SmtpTransport,
    parse_smtp_url,
    read_eml,
)
from service.models import Job, Person, Rater, Round
from service.models.types import new_id
from service.services import audit
from service.services.absolute_urls import base_url, round_page_url, survey_url
from service.services.access import acts_as_hr, load_actor, load_hr, load_round_for
from service.services.campaigns.emails import (
    approval_message,
    approval_reminder_message,
    nomination_message,
)
from service.services.clock import now
from service.services.counts import response_counts
from service.services.errors import Conflict, NotFound
from service.services.followup_emails import (
    email_to_person,
    note_follow_up_message,
    plan_reminder_message,
)
from service.services.person_language import writing_to_person
from service.services.pulse_emails import (
    pulse_due_message,
    pulse_invitation_message,
    thank_you_message,
)
from service.services.queue import SEND_EMAIL, SEND_EMAILS, enqueue
from service.services.rater_emails import invited_as, writing_to
from service.services.settings import current_settings
from service.services.sign_in_links import mint_sign_in_link
from service.services.survey_links import accepts_answers, issue_survey_link
from service.time_text import long_datetime

OUTBOX_FOLDER = "outbox"
OUTBOX_PAGE = 200
OUTBOX_FOR_HR = lazy_gettext("only HR can read the outbox")
# The names OutboxTransport gives its files: nanoseconds, a dash, 8 hex digits.
OUTBOX_ID = re.compile(r"[0-9]{1,25}-[0-9a-f]{8}")
SHOWN_HEADERS = ("Date", "From", "To", "Reply-To", "Subject", "Message-ID")
AWAITING = ("pending", "draft")
UNFINISHED = ("queued", "retrying")
# Mail server down: ten attempts, the queue waiting 5 s, 10 s, 20 s … between them (about
# 40 minutes in all); a job revived after its worker died counts the attempts it had.
MAX_ATTEMPTS = 10
# A job is presumed lost when it is unfinished and, for this long, either claimed without
# finishing (its worker died mid-send: a live attempt takes seconds, at worst a few SMTP
# timeouts) or not even begun after it was due (its task was taken off the queue and lost).
# Longer would delay the invitations of a dead worker; shorter could send one twice when a
# mail server is very slow.
STALE_AFTER = timedelta(minutes=2)
COMPOSE_FAILED = "the email could not be composed"

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """A temporary failure (the mail server is down): the queue tries the job again."""


def reminders_queued(count: int) -> str:
    """The answer to "remind those who have not answered", for HR (who may know how many)."""
    return ngettext("%(num)s reminder queued", "%(num)s reminders queued", count)


def _outbox_folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / OUTBOX_FOLDER


def transport():
    smtp_url = current_app.config["SMTP_URL"]
    if smtp_url:
        return SmtpTransport(parse_smtp_url(smtp_url), current_app.config["SMTP_CA_FILE"])
    return OutboxTransport(_outbox_folder())


def list_outbox(actor_id: str, limit: int = OUTBOX_PAGE) -> list[dict]:
    """HR reads the emails written to the outbox folder (no mail server), newest first."""
    load_hr(actor_id, OUTBOX_FOR_HR)
    files = sorted(_outbox_folder().glob("*.eml"), reverse=True)[:limit]
    return [read_eml(path) for path in files]


def read_outbox_message(actor_id: str, message_id: str) -> dict:
    """One outbox email by its id (the file name's stem, as list_outbox gives it), with the
    headers a reader wants; anything that is not such an id is simply not found."""
    load_hr(actor_id, OUTBOX_FOR_HR)
    if not OUTBOX_ID.fullmatch(message_id):
        raise NotFound(lazy_gettext("no such email in the outbox"))
    path = _outbox_folder() / f"{message_id}.eml"
    if not path.is_file():
        raise NotFound(lazy_gettext("no such email in the outbox"))
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    headers = [(name, str(message[name])) for name in SHOWN_HEADERS if message[name] is not None]
    return {**read_eml(path), "headers": headers}


def _add_job(kind: str, key: str, **about) -> Job:
    """A job due now, in the session; the caller commits, then dispatches."""
    job = Job(id=new_id(), kind=kind, key=key, due_at=now(), **about)
    db.session.add(job)
    return job


def new_job(
    kind: str,
    key: str,
    round_id: str,
    *,
    rater_id: str | None = None,
    person_id: str | None = None,
) -> Job | None:
    """Add a job unless one with this key exists already (then None): keys make it once-only."""
    if db.session.scalar(select(Job.id).where(Job.key == key)):
        return None
    return _add_job(kind, key, round_id=round_id, rater_id=rater_id, person_id=person_id)


def dispatch(job_ids: list[str]) -> None:
    """Hand committed email jobs to the queue."""
    if len(job_ids) == 1:
        enqueue(SEND_EMAIL, job_ids[0])
    elif job_ids:
        # One message for many jobs keeps a launch's request short; the worker splits it.
        enqueue(SEND_EMAILS, job_ids)


def queue_invitation(rater: Rater) -> str:
    """A job for the rater's invitation email; the caller commits, then dispatches."""
    # Each launch, resend or late addition is its own email: a fresh key, so no look-up.
    key = f"invitation:{rater.id}:{new_id()}"
    return _add_job("invitation", key, round_id=rater.round_id, rater_id=rater.id).id


def queue_person_email(kind: str, person: Person) -> str:
    """A job for an email about a person, not a round: a sign-in link or a welcome."""
    return _add_job(kind, f"{kind}:{person.id}:{new_id()}", person_id=person.id).id


def queue_after_close(round_: Round) -> list[str]:
    """Jobs for "your report is ready" (if the subject may read it) and "round closed" to HR;
    keyed by the close, so a reopened round that closes again tells them again."""
    closed = round_.closed_at.isoformat()
    jobs = []
    if current_settings().subject_sees_report:
        jobs.append(new_job("report_ready", f"report_ready:{round_.id}:{closed}", round_.id))
    for hr in db.session.scalars(select(Person).where(Person.role == "hr")):
        jobs.append(
            new_job(
                "round_closed",
                f"round_closed:{round_.id}:{hr.id}:{closed}",
                round_.id,
                person_id=hr.id,
            )
        )
    return [job.id for job in jobs if job is not None]


# Why no reminder goes out, each state worded whole.
NO_REMINDERS = {
    "draft": lazy_gettext("the round is not launched yet; no reminders are sent"),
    "closed": lazy_gettext("the round is closed; no reminders are sent"),
}
NO_REMINDERS_PAST_DEADLINE = lazy_gettext("the round is past its deadline; no reminders are sent")


def remind_raters(actor_id: str, round_id: str) -> dict:
    """Remind, today, every rater who has neither submitted nor declined (once a day each)."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id)
    if not accepts_answers(round_):
        raise Conflict(NO_REMINDERS.get(round_.status, NO_REMINDERS_PAST_DEADLINE))
    day = now().date().isoformat()
    awaiting = [r for r in round_.raters if r.response_status in AWAITING]
    jobs = [
        new_job("reminder", f"reminder:{r.id}:manual:{day}", round_.id, rater_id=r.id)
        for r in awaiting
    ]
    queued = [job.id for job in jobs if job is not None]
    if queued:
        audit.record("reminders_sent", actor, round_, detail=f"{len(queued)} raters reminded")
    db.session.commit()
    dispatch(queued)
    if not acts_as_hr(actor, round_):
        # How many were reminded is how many have not answered: the subject is not told.
        return {
            "message": gettext("everyone who has not answered yet is reminded (once a day)"),
            "queued": None,
            "already_reminded_today": None,
        }
    return {
        "message": reminders_queued(len(queued)),
        "queued": len(queued),
        "already_reminded_today": len(awaiting) - len(queued),
    }


def queue_due_reminders() -> int:
    """The scheduled reminders due now (by default 3 days and 1 day before the deadline)."""
    current = now()
    windows = sorted(current_settings().reminder_days)
    if not windows:
        return 0
    due = db.session.scalars(
        select(Rater)
        .join(Round)
        .where(
            Round.status == "open",
            Round.deadline > current,
            Round.deadline <= current + timedelta(days=windows[-1]),
            Rater.response_status.in_(AWAITING),
        )
    )
    queued = []
    for rater in due:
        left = rater.round.deadline - current
        # The narrowest window the rater is in: a worker that missed the 3-day reminder
        # sends only the 1-day one, never both at once.
        days = next(d for d in windows if left <= timedelta(days=d))
        if rater.round.deadline - rater.round.launched_at <= timedelta(days=days):
            continue  # launched inside this window: the invitation itself is fresh
        job = new_job(
            "reminder", f"reminder:{rater.id}:before-{days}d", rater.round_id, rater_id=rater.id
        )
        if job is not None:
            queued.append(job.id)
    db.session.commit()
    dispatch(queued)
    return len(queued)


def _link_for(rater: Rater) -> str:
    return survey_url(issue_survey_link(rater))


def _rater_context(rater: Rater) -> dict:
    round_ = rater.round
    return {
        "rater_name": rater.name,
        "subject_name": round_.subject.name,
        "subject_first_name": round_.subject.first_name,
        "relationship_label": invited_as(rater.relationship),
        "is_self": rater.relationship == "self",
        # The recipient's zone is unknown: the pages' format, in UTC, named.
        "deadline": long_datetime(round_.deadline),
        "threshold": round_.anonymity_threshold,
    }


def _rater_message(job: Job, template: str):
    rater = db.session.get(Rater, job.rater_id)
    if rater is None or rater.response_status not in AWAITING or not accepts_answers(rater.round):
        return None  # removed, answered, declined or closed since the job was queued
    with writing_to(rater):
        return compose_to(
            template, rater.email, rater.name, link=_link_for(rater), **_rater_context(rater)
        )


def _report_ready(job: Job):
    round_ = db.session.get(Round, job.round_id)
    return email_to_person(
        "report_ready",
        round_.subject,
        subject_first_name=round_.subject.first_name,
        link=round_page_url(round_.id),
    )


def _round_closed(job: Job):
    round_ = db.session.get(Round, job.round_id)
    hr = db.session.get(Person, job.person_id)
    counts = response_counts([round_.id])[round_.id]
    with writing_to_person(hr):  # the counts as the reader's language writes numbers
        return email_to_person(
            "round_closed",
            hr,
            hr_name=hr.first_name,
            subject_name=round_.subject.name,
            submitted=format_decimal(sum(counts["submitted"].values())),
            invited=format_decimal(sum(counts["invited"].values())),
            link=round_page_url(round_.id),
        )


def _person_message(job: Job, template: str, link) -> EmailMessage | None:
    """An email about a person rather than a round; link(person) gives its link."""
    person = db.session.get(Person, job.person_id)
    if person is None:
        return None
    return email_to_person(template, person, link=link(person))


MESSAGES = {
    "invitation": lambda job: _rater_message(job, "invitation"),
    "reminder": lambda job: _rater_message(job, "reminder"),
    "report_ready": _report_ready,
    "round_closed": _round_closed,
    # A sign-in link is minted as its email is sent, like a survey link.
    "sign_in": lambda job: _person_message(
        job, "sign_in", lambda person: f"{base_url()}/sign-in/{mint_sign_in_link(person)}"
    ),
    "welcome": lambda job: _person_message(job, "welcome", lambda _: f"{base_url()}/sign-in"),
    "plan_reminder": plan_reminder_message,
    "note_follow_up": note_follow_up_message,
    # After the report (services/pulse_emails.py); a pulse link is minted as it is sent.
    "thank_you": thank_you_message,
    "pulse_invitation": pulse_invitation_message,
    "pulse_due": pulse_due_message,
    # A campaign's nominations (services/campaigns/emails.py).
    "nomination_request": lambda job: nomination_message(job, reminder=False),
    "nomination_reminder": lambda job: nomination_message(job, reminder=True),
    "approval_request": approval_message,
    "approval_reminder": approval_reminder_message,
}


def _record_delivery(job: Job, status: str, error: str | None = None) -> None:
    job.status, job.last_error, job.finished_at = status, error, now()
    if job.rater_id and status in ("sent", "failed", "bounced"):
        rater = db.session.get(Rater, job.rater_id)
        if rater is not None:
            rater.delivery_status, rater.delivery_error = status, error


def _claim(job_id: str) -> bool:
    """Take the job for one attempt, in its own commit; False when it is finished or another
    worker is sending it. One UPDATE decides, so two copies of a task never both send."""
    current = now()
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status.in_(UNFINISHED),
            or_(Job.claimed_at.is_(None), Job.claimed_at < current - STALE_AFTER),
        )
        .values(claimed_at=current, attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _compose(job: Job) -> EmailMessage | None:
    """The job's message (None when it is no longer wanted). Nothing is written while the
    mail server takes its time: the links minted for it wait in the session (and go with a
    rollback), so no row stays locked, and on SQLite no other writer waits, during a send."""
    with db.session.no_autoflush:
        return MESSAGES[job.kind](job)


def run_job(job_id: str, *, last_attempt: bool, retry_in: timedelta = timedelta(0)) -> None:
    """Send one job's email once; a temporary failure raises RetryLater (unless last), the
    job due again in `retry_in` (when the queue will retry it).

    Running a job twice never sends twice: a copy finds it finished, or claimed by the worker
    sending it, and does nothing."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id)
    if job is None:
        return  # its round was deleted since the claim
    try:
        message = _compose(job)
    except SQLAlchemyError:
        # The database, not the message: the job stays claimed, and the housekeeping queues
        # it again once the claim is stale.
        raise
    except Exception as error:
        # A name that breaks a header, a template that fails, a person gone: trying again
        # builds the same broken message, so the job fails now, where HR sees it.
        log.exception("job %s (%s): %s", job_id, job.kind, COMPOSE_FAILED)
        db.session.rollback()  # drops the links minted for the message never built
        job = db.session.get(Job, job_id)
        _record_delivery(job, "failed", f"{COMPOSE_FAILED} ({type(error).__name__}: {error})")
        db.session.commit()
        return
    if message is None:
        _record_delivery(job, "skipped")
        db.session.commit()
        return

    def handed_over() -> None:
        # Recorded the moment the server takes the message (its 250 to DATA), before the
        # goodbye: a worker killed after this never sends it again. Killed between the 250
        # and this commit, it does (the housekeeping queues the still-claimed job again).
        _record_delivery(job, "sent")
        db.session.commit()

    try:
        transport().send(message, accepted=handed_over)
    except DeliveryError as error:
        db.session.rollback()  # the minted link was never delivered: drop it
        job = db.session.get(Job, job_id)
        if error.permanent or last_attempt or job.attempts >= MAX_ATTEMPTS:
            _record_delivery(job, "bounced" if error.bounce else "failed", str(error))
            db.session.commit()
            return
        job.status, job.last_error = "retrying", str(error)
        job.claimed_at, job.due_at = None, now() + retry_in
        db.session.commit()
        raise RetryLater(str(error)) from None


def requeue_lost_jobs() -> int:
    """Queue again every job whose task a dead worker took off the queue (see STALE_AFTER);
    one tried MAX_ATTEMPTS times is given up instead, as failed, so an email whose sending
    kills its worker is not tried forever. Safe to run from many workers at once: each job
    is taken by one UPDATE, and a task run twice sends once."""
    current = now()
    lost = (
        Job.status.in_(UNFINISHED),
        func.coalesce(Job.claimed_at, Job.due_at) < current - STALE_AFTER,
    )
    for job in db.session.scalars(select(Job).where(*lost, Job.attempts >= MAX_ATTEMPTS)):
        _record_delivery(job, "failed", f"given up after {job.attempts} attempts")
    db.session.flush()
    requeued = db.session.scalars(
        update(Job)
        .where(*lost)
        .values(claimed_at=None, due_at=current)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    if requeued:
        log.warning("%d email jobs lost by a worker are queued again", len(requeued))
    dispatch(list(requeued))
    return len(requeued)
