"""The emails that keep a person's development going: check-in reminders for their plan and
the follow-ups of their notes. Each says who and when, never the plan's or note's words.

notifications.MESSAGES composes them through these functions; they decide at sending time
whether the email is still wanted (None when it is not)."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from service.extensions import db
from service.mail.messages import compose_to
from service.models import Job, Note, Plan
from service.services.absolute_urls import base_url
from service.services.clock import now
from service.services.person_language import writing_to_person
from service.time_text import long_date

CHECKIN_ANCHOR = "check-in"


def plan_page_url(round_id: str) -> str:
    return f"{base_url()}/rounds/{round_id}/plan"


def checkin_form_url(round_id: str) -> str:
    """The plan page at its check-in form (the person signs in first if they must)."""
    return f"{plan_page_url(round_id)}#{CHECKIN_ANCHOR}"


def last_due_on(plan: Plan):
    return max(focus.due_on for focus in plan.focus)


def plan_reminder_wanted(plan: Plan | None) -> bool:
    """A reminder goes only to a saved plan whose reminders run and whose goals are not all
    past their due dates."""
    return (
        plan is not None
        and not plan.reminders_paused
        and bool(plan.focus)
        and now().date() <= last_due_on(plan)
    )


def email_to_person(template: str, person, **context) -> EmailMessage:
    """An email to a person in their language, greeting them by their first name. Dates in
    `context` are written before this is called: inside writing_to_person(person) too."""
    with writing_to_person(person):
        return compose_to(
            template, person.email, person.name, first_name=person.first_name, **context
        )


def plan_reminder_message(job: Job) -> EmailMessage | None:
    plan = db.session.scalar(select(Plan).where(Plan.round_id == job.round_id))
    if not plan_reminder_wanted(plan):
        return None  # paused, finished or deleted since the job was queued
    with writing_to_person(plan.round.subject):
        return email_to_person(
            "plan_reminder",
            plan.round.subject,
            every_days=plan.checkin_every_days,
            last_due=long_date(last_due_on(plan)),
            link=checkin_form_url(job.round_id),
            plan_link=plan_page_url(job.round_id),
        )


def note_id_of(job: Job) -> str:
    """A follow-up job's key is note_follow_up:<note id>:<day> (jobs name no note)."""
    return job.key.split(":")[1]


def note_follow_up_message(job: Job) -> EmailMessage | None:
    note = db.session.get(Note, note_id_of(job))
    if note is None or note.follow_up_on is None:
        return None  # deleted, or the follow-up removed, since the job was queued
    return email_to_person(
        "note_follow_up",
        note.author,
        about=note.about,
        link=f"{base_url()}/notes#note-{note.id}",
    )
