"""The person thanks their raters after the report: one message, emailed to every rater of
the round besides themselves, whoever answered (so the list tells nothing of who did); at
most once a week per round. The audit log records that it was sent, never its words."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import get_locale, gettext, lazy_gettext
from sqlalchemy import select

from service.extensions import db
from service.models import FollowUp, Round
from service.services import audit
from service.services.clock import now
from service.services.errors import Conflict, Forbidden, Invalid, TooSoon
from service.services.free_text import text_problem
from service.services.notifications import dispatch, new_job
from service.services.plans import SUBJECT, PlanAccess, load_plan_access, saved_focus_skills
from service.services.pulse_emails import skills_in_words
from service.services.rater_emails import skills_in_language
from service.time_text import long_datetime

MESSAGE_LENGTH = 5_000
FOLLOW_UP_EVERY = timedelta(days=7)
ONLY_THE_PERSON = lazy_gettext("only the person the round is about can thank their raters")


def observers(round_: Round) -> list:
    """Every rater of the round besides the person, whatever their response."""
    return [rater for rater in round_.raters if rater.relationship != "self"]


def lock_round(round_: Round) -> None:
    """Hold the round's row until the commit (PostgreSQL; SQLite has one writer anyway)."""
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())


def last_follow_up(round_: Round) -> FollowUp | None:
    return db.session.scalar(
        select(FollowUp).where(FollowUp.round_id == round_.id).order_by(FollowUp.sent_at.desc())
    )


def next_follow_up_at(round_: Round) -> datetime | None:
    """When the person may thank their raters again; None when they may now."""
    last = last_follow_up(round_)
    if last is None or now() >= last.sent_at + FOLLOW_UP_EVERY:
        return None
    return last.sent_at + FOLLOW_UP_EVERY


def suggested_thanks(round_: Round) -> str:
    """A message to start from: thanks, the plan's focus skills in plain words, and an
    invitation to keep the feedback coming."""
    skills = saved_focus_skills(round_)
    # In the language the person reads the page in, which is the one they write in.
    locale = get_locale()
    language = locale.language if locale is not None else "en"
    focus = (
        gettext(
            "Your feedback helped me choose what to work on next: %(skills)s. ",
            skills=skills_in_language(round_.instrument, skills, language)
            or skills_in_words(round_.instrument, skills),
        )
        if skills
        else ""
    )
    thanks = gettext(
        "Thank you for taking the time to give me feedback. %(focus)sIf you notice me trying "
        "something new, or slipping back into old habits, please tell me: I would value "
        "hearing it.",
        focus=focus,
    )
    return f"{thanks}\n\n{round_.subject.first_name}"


def thank_you_access(actor_id: str, round_id: str, *, lock: bool = False) -> PlanAccess:
    """The person's access to thanking their raters: their own closed round with a saved
    plan (403 for anyone else who may read the plan, 409 without one or while it is open)."""
    access = load_plan_access(actor_id, round_id)
    if access.role != SUBJECT:
        raise Forbidden(ONLY_THE_PERSON)
    if lock:
        # Two thank-yous sent at once wait for each other here, so only one goes in a week.
        lock_round(access.round)
    if access.plan is None:
        raise Conflict(lazy_gettext("there is no saved plan yet; save your plan first"))
    if access.round.status != "closed":
        raise Conflict(
            lazy_gettext("the round is open again; thank your raters once it has closed")
        )
    return access


def thank_raters(actor_id: str, round_id: str, *, message: str) -> dict:
    """Email the person's message to every rater of the closed round besides themselves.

    Refused (409) without a saved plan or while the round is open, and (429) within a week
    of the last thank-you, saying when it is possible again."""
    access = thank_you_access(actor_id, round_id, lock=True)
    round_ = access.round
    if problem := text_problem(message, MESSAGE_LENGTH):
        raise Invalid(lazy_gettext("the thank-you was not sent"), {"message": [problem]})
    if (again := next_follow_up_at(round_)) is not None:
        raise TooSoon(
            lazy_gettext(
                "your raters were thanked less than a week ago; you can send another from "
                "%(moment)s",
                moment=long_datetime(again),
            )
        )
    follow_up = FollowUp(
        round_id=round_.id, sent_by_id=access.actor.id, sent_at=now(), message=message.strip()
    )
    db.session.add(follow_up)
    db.session.flush()
    recipients = observers(round_)
    jobs = [
        new_job("thank_you", f"thank_you:{follow_up.id}:{rater.id}", round_.id, rater_id=rater.id)
        for rater in recipients
    ]
    audit.record("raters_thanked", access.actor, round_)
    db.session.commit()
    dispatch([job.id for job in jobs if job is not None])
    return {"sent": len(recipients)}
