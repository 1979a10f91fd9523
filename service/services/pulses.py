"""The impact pulse: a short survey, some weeks after the report, asking the round's raters
(besides the person) how each focus skill of the person's plan has changed, from -3 to +3.

The person or HR starts it with a deadline; the raters it goes to are fixed then (no one is
ever added); it closes at its deadline or by hand, and its results are frozen at the close.
Counts and results follow the round's anonymity rules (reports/pulse.py); who answered is
never told to anyone but HR."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from reports.pulse import PULSE_SCALE, aggregate_pulse
from service.extensions import db
from service.models import (
    RELATIONSHIPS,
    Person,
    Pulse,
    PulseRater,
    PulseResponse,
    PulseResponseAnswer,
    Round,
)
from service.services import audit
from service.services.access import acts_as_hr
from service.services.clock import now
from service.services.counts import counts_for_subject
from service.services.errors import Conflict, Forbidden, Invalid, NotFound
from service.services.follow_ups import lock_round, observers
from service.services.free_text import text_problem
from service.services.languages import in_sentence
from service.services.notifications import dispatch, new_job
from service.services.plans import HR, SUBJECT, PlanAccess, load_plan_access
from service.services.pulse_emails import pulse_accepts_answers
from service.services.pulse_links import issue_pulse_link, pulse_url
from service.services.rounds import hands_out_links

# By default a pulse closes this long after the report: time for practice to show.
PULSE_AFTER_REPORT = timedelta(weeks=12)
# A default that has passed gives the raters this long instead.
PULSE_AT_LEAST = timedelta(days=14)
COMMENT_LENGTH = 5_000
PULSE_NOT_FOUND = lazy_gettext("pulse not found")
ONLY_PERSON_OR_HR = lazy_gettext("only the person the round is about, or HR, can do this")
NOT_STARTED = lazy_gettext("the pulse was not started")


@dataclass(frozen=True)
class PulseAccess:
    plan: PlanAccess
    pulse: Pulse


def _round_for_pulses(actor_id: str, round_id: str, *, acting: bool) -> PlanAccess:
    """The actor's access to a round's pulses: the person and HR; a manager the plan is
    shared with only to read; anyone else 404 (services/plans.py's rule)."""
    access = load_plan_access(actor_id, round_id)
    if acting and access.role not in (SUBJECT, HR):
        raise Forbidden(ONLY_PERSON_OR_HR)
    return access


def _pulse_access(actor_id: str, round_id: str, pulse_id: str, *, acting: bool) -> PulseAccess:
    access = _round_for_pulses(actor_id, round_id, acting=acting)
    pulse = db.session.get(Pulse, pulse_id)
    if pulse is None or pulse.round_id != access.round.id:
        raise NotFound(PULSE_NOT_FOUND)
    return PulseAccess(access, pulse)


def default_pulse_deadline(round_: Round) -> datetime:
    """12 weeks after the report, or 2 weeks from now when that has passed."""
    released = round_.results_released_at or round_.closed_at or now()
    return max(released + PULSE_AFTER_REPORT, now() + PULSE_AT_LEAST)


def open_pulse(round_: Round) -> Pulse | None:
    return db.session.scalar(
        select(Pulse).where(Pulse.round_id == round_.id, Pulse.status == "open")
    )


def round_pulses(round_: Round) -> list[Pulse]:
    """The round's pulses, newest first."""
    return list(
        db.session.scalars(
            select(Pulse).where(Pulse.round_id == round_.id).order_by(Pulse.created_at.desc())
        )
    )


def pulse_start_access(actor_id: str, round_id: str, *, lock: bool = False) -> PlanAccess:
    """Whether the actor may start a pulse now: the person or HR, on a closed round with a
    saved plan and no pulse open."""
    access = _round_for_pulses(actor_id, round_id, acting=True)
    if lock:
        lock_round(access.round)  # two pulses started at once: the second sees the first
    if access.plan is None or not access.plan.focus:
        raise Conflict(
            lazy_gettext("there is no saved plan yet; a pulse asks about the plan's focus skills")
        )
    if access.round.status != "closed":
        raise Conflict(lazy_gettext("the round is open again; start a pulse once it has closed"))
    if open_pulse(access.round) is not None:
        raise Conflict(lazy_gettext("a pulse is already running for this round; close it first"))
    return access


def start_pulse(actor_id: str, round_id: str, *, deadline: datetime | None = None) -> dict:
    """Send a pulse on the plan's focus skills to every rater of the round besides the
    person, open until `deadline` (by default 12 weeks after the report)."""
    access = pulse_start_access(actor_id, round_id, lock=True)
    round_ = access.round
    deadline = deadline or default_pulse_deadline(round_)
    if deadline.tzinfo is None:
        raise Invalid(NOT_STARTED, {"deadline": [lazy_gettext("give a time zone (or Z)")]})
    if deadline <= now():
        raise Invalid(NOT_STARTED, {"deadline": [lazy_gettext("must be in the future")]})
    asked = observers(round_)
    if not asked:
        raise Conflict(lazy_gettext("the round has no raters besides the person to ask"))
    pulse = Pulse(
        round_id=round_.id,
        created_by_id=access.actor.id,
        skill_ids=[focus.skill_id for focus in access.plan.focus],
        status="open",
        deadline=deadline,
        comment_seed=secrets.randbelow(2**31),
        created_at=now(),
        raters=[PulseRater(rater_id=rater.id) for rater in asked],
    )
    db.session.add(pulse)
    db.session.flush()
    jobs = [
        new_job(
            "pulse_invitation",
            f"pulse_invitation:{pulse_rater.id}",
            round_.id,
            rater_id=pulse_rater.rater_id,
        )
        for pulse_rater in pulse.raters
    ]
    hand_out = hands_out_links(access.actor, round_)
    raters = [
        {
            "id": pulse_rater.id,
            "relationship": rater.relationship,
            "survey_url": pulse_url(issue_pulse_link(pulse_rater)) if hand_out else None,
        }
        for pulse_rater, rater in zip(pulse.raters, asked, strict=True)
    ]
    audit.record("pulse_started", access.actor, round_)
    db.session.commit()
    dispatch([job.id for job in jobs if job is not None])
    return {"id": pulse.id, "deadline": pulse.deadline, "raters": raters}


def _answers_frames(pulse: Pulse) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The submitted answers and comments, as reports.pulse.aggregate_pulse takes them; the
    "rater" of each is its response's random key."""
    rows, comments = [], []
    responses = db.session.scalars(select(PulseResponse).where(PulseResponse.pulse_id == pulse.id))
    for response in responses:
        given = {answer.skill_id: answer.score for answer in response.answers}
        for skill_id in pulse.skill_ids:
            score = given.get(skill_id)
            rows.append(
                (
                    response.key,
                    response.relationship,
                    skill_id,
                    float("nan") if score is None else score,
                )
            )
        if response.comment:
            comments.append((response.key, response.relationship, response.comment))
    answers = pd.DataFrame(rows, columns=["rater_id", "relationship", "skill_id", "score"])
    return answers.astype({"score": float}), pd.DataFrame(
        comments, columns=["rater_id", "relationship", "text"]
    )


def score_pulse(pulse: Pulse) -> dict:
    answers, comments = _answers_frames(pulse)
    results = aggregate_pulse(
        answers,
        comments,
        pulse.skill_ids,
        k=pulse.round.anonymity_threshold,
        seed=pulse.comment_seed,
    )
    return results.to_dict()


def _close(pulse: Pulse, actor: Person | None) -> None:
    pulse.status = "closed"
    pulse.closed_at = now()
    pulse.results = score_pulse(pulse)
    audit.record("pulse_closed", actor, pulse.round)


def close_pulse(actor_id: str, round_id: str, pulse_id: str) -> dict:
    """Close a pulse before its deadline (the person or HR); its results are then out."""
    access = _pulse_access(actor_id, round_id, pulse_id, acting=True)
    if access.pulse.status != "open":
        raise Conflict(lazy_gettext("the pulse is closed already"))
    _close(access.pulse, access.plan.actor)
    db.session.commit()
    return pulse_document(access.pulse, access.plan)


def close_overdue_pulses() -> int:
    """Close the pulses past their deadline, and tell each person their pulse is done."""
    due = db.session.scalars(
        select(Pulse).where(Pulse.status == "open", Pulse.deadline <= now())
    ).all()
    jobs = []
    for pulse in due:
        _close(pulse, None)
        jobs.append(
            new_job(
                "pulse_due",
                f"pulse_due:{pulse.id}",
                pulse.round_id,
                person_id=pulse.round.subject_id,
            )
        )
    db.session.commit()
    dispatch([job.id for job in jobs if job is not None])
    return len(due)


def _relationship_counts(pulse: Pulse) -> dict[str, dict[str, int]]:
    invited, submitted = Counter(), Counter()
    for pulse_rater in pulse.raters:
        invited[pulse_rater.rater.relationship] += 1
        if pulse_rater.submitted_on is not None:
            submitted[pulse_rater.rater.relationship] += 1
    return {
        "invited": {r: invited[r] for r in RELATIONSHIPS},
        "submitted": {r: submitted[r] for r in RELATIONSHIPS},
        "declined": dict.fromkeys(RELATIONSHIPS, 0),
    }


def pulse_document(pulse: Pulse, access: PlanAccess) -> dict:
    """The pulse as its reader may see it: while open, how many answered by the response
    counts rule (HR: per relationship); once closed, the frozen results."""
    round_ = pulse.round
    instrument = round_.instrument
    counts = _relationship_counts(pulse)
    responses = counts_for_subject(counts, round_.anonymity_threshold)
    if acts_as_hr(access.actor, round_):
        responses["submitted_by_relationship"] = counts["submitted"]
    document = {
        "id": pulse.id,
        "status": pulse.status,
        "deadline": pulse.deadline,
        "created_at": pulse.created_at,
        "closed_at": pulse.closed_at,
        "focus_skills": [
            {"id": skill_id, "name": instrument.skill(skill_id).name}
            for skill_id in pulse.skill_ids
        ],
        "anonymity_threshold": round_.anonymity_threshold,
        "responses": responses,
    }
    if pulse.status == "closed" and pulse.results is not None:
        document.update(pulse.results)
    return document


def get_pulse(actor_id: str, round_id: str, pulse_id: str) -> dict:
    access = _pulse_access(actor_id, round_id, pulse_id, acting=False)
    return pulse_document(access.pulse, access.plan)


def list_round_pulses(actor_id: str, round_id: str) -> list[dict]:
    access = _round_for_pulses(actor_id, round_id, acting=False)
    return [pulse_document(pulse, access) for pulse in round_pulses(access.round)]


# The rater's side -------------------------------------------------------------------------


def pulse_question(first_name: str, skill_name: str) -> str:
    return gettext(
        "Since the feedback round, how has %(first_name)s's %(skill)s changed?",
        first_name=first_name,
        skill=in_sentence(skill_name),
    )


def pulse_for_rater(pulse_rater: PulseRater, language: str | None = None) -> dict:
    """What a rater is asked: whom about, which skills, by when; and whether they answered.
    The skills are named in `language` when the instrument has it."""
    pulse = pulse_rater.pulse
    subject = pulse.round.subject
    instrument = pulse.round.instrument
    if language in instrument.languages:
        instrument = instrument.in_language(language)
    return {
        "subject": {"name": subject.name, "first_name": subject.first_name},
        "skills": [
            {
                "id": skill_id,
                "name": instrument.skill(skill_id).name,
                "question": pulse_question(subject.first_name, instrument.skill(skill_id).name),
            }
            for skill_id in pulse.skill_ids
        ],
        "deadline": pulse.deadline,
        "anonymity_threshold": pulse.round.anonymity_threshold,
        "relationship": pulse_rater.rater.relationship,
        "accepting_answers": pulse_accepts_answers(pulse),
        "submitted": pulse_rater.submitted_on is not None,
    }


def _answer_problems(pulse: Pulse, answers: Mapping, comment: str | None) -> dict:
    problems: dict = {}
    scale = ", ".join(str(value) for value in PULSE_SCALE)
    for skill_id, value in answers.items():
        if skill_id not in pulse.skill_ids:
            problems.setdefault("answers", {})[skill_id] = [
                gettext(
                    "is not a skill of this pulse (one of %(skills)s)",
                    skills=", ".join(pulse.skill_ids),
                )
            ]
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value not in PULSE_SCALE
        ):
            problems.setdefault("answers", {})[skill_id] = [
                gettext("must be one of %(scale)s, or null for not observed", scale=scale)
            ]
    for skill_id in pulse.skill_ids:
        if skill_id not in answers:
            problems.setdefault("answers", {})[skill_id] = [
                gettext("answer this one, or send null for not observed")
            ]
    if comment and (problem := text_problem(comment, COMMENT_LENGTH)):
        problems["comment"] = [problem]
    return problems


def submit_pulse(pulse_rater_id: str, answers: Mapping, comment: str | None = None) -> dict:
    """A rater's answer: every skill -3..+3 or null, an optional comment; once only.

    Written as a PulseResponse that does not say whose it is; the pulse rater keeps only
    the day they answered. The lock on their row makes a second, concurrent answer wait and
    then be refused."""
    pulse_rater = db.session.scalar(
        select(PulseRater).where(PulseRater.id == pulse_rater_id).with_for_update()
    )
    if pulse_rater is None:
        raise NotFound(PULSE_NOT_FOUND)
    if pulse_rater.submitted_on is not None:
        raise Conflict(gettext("you have already answered this pulse; thank you"))
    pulse = pulse_rater.pulse
    if not pulse_accepts_answers(pulse):
        raise Conflict(gettext("this pulse has closed; answers are no longer taken"))
    if problems := _answer_problems(pulse, answers, comment):
        raise Invalid(gettext("the answers were not sent"), problems)
    db.session.add(
        PulseResponse(
            pulse_id=pulse.id,
            relationship=pulse_rater.rater.relationship,
            comment=(comment or "").strip() or None,
            answers=[
                PulseResponseAnswer(skill_id=skill_id, score=answers[skill_id])
                for skill_id in pulse.skill_ids
            ],
        )
    )
    pulse_rater.submitted_on = now().date()
    db.session.commit()
    return {"submitted": True, "submitted_on": pulse_rater.submitted_on}
