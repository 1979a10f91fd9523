"""A person's development plan after a round: suggested from the results, saved by the person,
followed with check-ins, and shared with their manager if they wish.

The plan is the person's. Their manager reads it (and may comment) only when it is shared;
HR learns only whether one exists, when it last changed and how many check-ins it has. The
plan's words never reach the audit log or the logs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from reports.plan import development_plan
from reports.results import Results
from service.extensions import db
from service.models import (
    CHECKIN_INTERVALS,
    Person,
    Plan,
    PlanCheckin,
    PlanComment,
    PlanFocus,
    Round,
)
from service.services import audit
from service.services.access import load_actor
from service.services.clock import now
from service.services.errors import Conflict, Forbidden, Invalid, NotFound
from service.services.free_text import text_problem
from service.services.people import email_problem, name_problem
from service.services.results import may_read_results
from surveys.instrument import Instrument, Skill

MAX_FOCUS = 3
GOAL_LENGTH = 1_000
CHECKIN_LENGTH = 5_000
COMMENT_LENGTH = 2_000
DEFAULT_CHECKIN_DAYS = 14
# A suggested goal is due this long after the plan is made: time for a few rounds of practice.
SUGGESTED_DUE_AFTER = timedelta(weeks=12)
# The report suggests a new round this long after the close (reports.content.ReportContext).
REASSESSMENT_AFTER_DAYS = 180

SUBJECT, MANAGER, HR = "subject", "manager", "hr"
ROUND_NOT_FOUND = lazy_gettext("round not found")
ONLY_THE_PERSON = lazy_gettext("only the person the round is about can change their plan")


@dataclass(frozen=True)
class PlanAccess:
    """Who is asking about which round's plan, and in what capacity."""

    actor: Person
    round: Round
    role: str  # SUBJECT, MANAGER (the plan is shared with them) or HR
    plan: Plan | None


def load_saved_plan(round_: Round) -> Plan | None:
    """The round's saved plan (its focus in the person's order), or None."""
    return db.session.scalar(select(Plan).where(Plan.round_id == round_.id))


def saved_focus_skills(round_: Round) -> list[str]:
    """The skill ids of the round's saved plan, in the person's order; empty without one."""
    plan = load_saved_plan(round_)
    return [] if plan is None else [focus.skill_id for focus in plan.focus]


def _is_manager_of_subject(actor: Person, round_: Round) -> bool:
    return round_.subject.manager_id == actor.id


def load_plan_access(actor_id: str, round_id: str) -> PlanAccess:
    """The actor's access to a round's plan. Anyone but the subject, their manager when the
    plan is shared with them, and HR learns nothing: the same 404 as a missing round. A
    round whose results were never released has no plan yet (409)."""
    actor = load_actor(actor_id)
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(ROUND_NOT_FOUND)
    plan = load_saved_plan(round_)
    if round_.subject_id == actor.id:
        role = SUBJECT
    elif plan is not None and plan.shared_with_manager and _is_manager_of_subject(actor, round_):
        role = MANAGER
    elif actor.is_hr:
        role = HR
    else:
        raise NotFound(ROUND_NOT_FOUND)
    if round_.results is None:
        raise Conflict(
            lazy_gettext("the round has not closed yet; a plan is made once its results are out")
        )
    return PlanAccess(actor, round_, role, plan)


# Reading -------------------------------------------------------------------------------


def suggested_focus(round_: Round, actor: Person) -> list[dict]:
    """The report's focus skills with their exercises, as a plan to start from; none when
    the person may not read their results (their focus would tell what the results say)."""
    if not may_read_results(actor, round_):
        return []
    suggestion = development_plan(
        Results.from_dict(round_.results),
        round_.instrument,
        closed_at=round_.closed_at or round_.results_released_at,
        reassessment_after_days=REASSESSMENT_AFTER_DAYS,
    )
    due = (now() + SUGGESTED_DUE_AFTER).date()
    return [
        {
            "skill": area.skill.id,
            "goal": None,
            "success_measure": None,
            "due": due,
            "exercises": [exercise.id for exercise in area.exercises],
            "support": None,
            "reasons": list(area.reasons),
        }
        for area in suggestion.focus[:MAX_FOCUS]
    ]


def _focus_document(focus: PlanFocus) -> dict:
    support = (
        {"name": focus.support_name, "email": focus.support_email} if focus.support_name else None
    )
    return {
        "skill": focus.skill_id,
        "goal": focus.goal,
        "success_measure": focus.success_measure,
        "due": focus.due_on,
        "exercises": list(focus.exercises),
        "support": support,
    }


def _checkin_document(checkin: PlanCheckin) -> dict:
    return {
        "id": checkin.id,
        "at": checkin.at,
        "text": checkin.text,
        "exercise": checkin.exercise_id,
        "progress": checkin.progress,
    }


def _comment_document(comment: PlanComment) -> dict:
    return {"id": comment.id, "at": comment.at, "author": comment.author_name, "text": comment.text}


def checkin_count(plan: Plan | None) -> int:
    if plan is None:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(PlanCheckin).where(PlanCheckin.plan_id == plan.id)
    )


def plan_document(access: PlanAccess) -> dict:
    """The plan as its reader may see it: whole for the person and a manager it is shared
    with; for HR only whether it exists, when it changed and how many check-ins it has."""
    plan = access.plan
    status = "suggested" if plan is None else "saved"
    if access.role == HR:
        return {
            "status": status,
            "updated_at": None if plan is None else plan.updated_at,
            "checkin_count": checkin_count(plan),
        }
    if plan is None:
        return {
            "status": status,
            "updated_at": None,
            "focus": suggested_focus(access.round, access.actor),
            "shared_with_manager": False,
            "checkin_every_days": DEFAULT_CHECKIN_DAYS,
            "reminders_paused": False,
            "next_reminder_at": None,
            "checkins": [],
            "comments": [],
        }
    return {
        "status": status,
        "updated_at": plan.updated_at,
        "focus": [_focus_document(focus) for focus in plan.focus],
        "shared_with_manager": plan.shared_with_manager,
        "checkin_every_days": plan.checkin_every_days,
        "reminders_paused": plan.reminders_paused,
        "next_reminder_at": plan.next_reminder_at,
        "checkins": [_checkin_document(checkin) for checkin in plan.checkins],
        "comments": [_comment_document(comment) for comment in plan.comments],
    }


def get_plan(actor_id: str, round_id: str) -> dict:
    return plan_document(load_plan_access(actor_id, round_id))


# Saving --------------------------------------------------------------------------------


def _subject_access(actor_id: str, round_id: str) -> PlanAccess:
    access = load_plan_access(actor_id, round_id)
    if access.role != SUBJECT:
        raise Forbidden(ONLY_THE_PERSON)
    return access


def _skill_problems(instrument: Instrument, skill_id: str) -> tuple[Skill | None, list[str]]:
    try:
        return instrument.skill(skill_id), []
    except KeyError:
        names = ", ".join(skill.id for skill in instrument.skills)
        return None, [
            lazy_gettext("is not a skill of this round's survey (one of %(names)s)", names=names)
        ]


def _entry_problems(
    entry: dict, instrument: Instrument, saved_due: dict[str, date], today: date
) -> dict[str, list[str]]:
    """What is wrong with one focus entry, by field."""
    problems: dict[str, list[str]] = {}
    skill, skill_problems = _skill_problems(instrument, entry.get("skill") or "")
    if skill_problems:
        problems["skill"] = skill_problems
    for field in ("goal", "success_measure"):
        if problem := text_problem(entry.get(field) or "", GOAL_LENGTH):
            problems[field] = [problem]
    due = entry.get("due")
    if due is None:
        problems["due"] = [lazy_gettext("enter the date you aim to reach this goal by")]
    elif due <= today and not (skill and saved_due.get(skill.id) == due):
        # A date saved earlier may stay as it is, even once it has passed.
        problems["due"] = [lazy_gettext("must be in the future")]
    exercises = entry.get("exercises") or []
    if not exercises:
        problems["exercises"] = [lazy_gettext("choose at least one exercise")]
    elif skill is not None:
        own = {exercise.id for exercise in skill.exercises}
        others = [exercise for exercise in exercises if exercise not in own]
        if others:
            problems["exercises"] = [
                lazy_gettext(
                    "not an exercise of %(skill)s: %(exercises)s",
                    skill=skill.name,
                    exercises=", ".join(others),
                ),
            ]
        elif len(set(exercises)) != len(exercises):
            problems["exercises"] = [lazy_gettext("each exercise once")]
    support = entry.get("support")
    if support:
        if problem := name_problem(support.get("name") or ""):
            problems["support.name"] = [problem]
        if support.get("email") and (problem := email_problem(support["email"])):
            problems["support.email"] = [problem]
    return problems


def plan_problems(focus: list[dict], instrument: Instrument, plan: Plan | None) -> dict:
    """Every problem of a plan's focus entries at once, as {"focus": {"1": {...}}}."""
    today = now().date()
    if not 1 <= len(focus) <= MAX_FOCUS:
        return {
            "focus": [
                lazy_gettext(
                    "choose 1 to %(most)s focus skills (not %(count)s)",
                    most=MAX_FOCUS,
                    count=len(focus),
                )
            ]
        }
    saved_due = {} if plan is None else {entry.skill_id: entry.due_on for entry in plan.focus}
    entries: dict[str, dict] = {}
    seen: set[str] = set()
    for index, entry in enumerate(focus):
        problems = _entry_problems(entry, instrument, saved_due, today)
        if entry.get("skill") in seen:
            problems["skill"] = [lazy_gettext("is chosen twice; choose each skill once")]
        seen.add(entry.get("skill"))
        if problems:
            entries[str(index)] = _nested(problems)
    return {"focus": entries} if entries else {}


def _nested(problems: dict[str, list[str]]) -> dict:
    """{"support.name": [...]} as {"support": {"name": [...]}}, the shape of the input."""
    nested: dict = {}
    for key, messages in problems.items():
        head, _, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = messages
        else:
            nested[head] = messages
    return nested


def _settings_problems(checkin_every_days: int | None) -> dict:
    if checkin_every_days is not None and checkin_every_days not in CHECKIN_INTERVALS:
        allowed = ", ".join(str(days) for days in CHECKIN_INTERVALS)
        return {"checkin_every_days": [lazy_gettext("must be one of %(codes)s", codes=allowed)]}
    return {}


def _apply_focus(plan: Plan, focus: list[dict]) -> None:
    """Update the plan's focus in place: a kept skill keeps its row (the unique skill per
    plan would refuse a delete and insert of the same skill in one flush)."""
    existing = {entry.skill_id: entry for entry in plan.focus}
    kept = []
    for position, entry in enumerate(focus):
        row = existing.pop(entry["skill"], None) or PlanFocus(skill_id=entry["skill"])
        support = entry.get("support") or {}
        row.position = position
        row.goal = entry["goal"].strip()
        row.success_measure = entry["success_measure"].strip()
        row.due_on = entry["due"]
        row.exercises = list(entry["exercises"])
        row.support_name = (support.get("name") or "").strip() or None
        row.support_email = (support.get("email") or "").strip() or None
        kept.append(row)
    for removed in existing.values():
        db.session.delete(removed)
    plan.focus = kept


def _apply_settings(
    plan: Plan,
    *,
    shared_with_manager: bool | None,
    checkin_every_days: int | None,
    reminders_paused: bool | None,
) -> None:
    """Change what was given; the reminders start a new period from now when their interval
    changes or they resume."""
    if shared_with_manager is not None:
        plan.shared_with_manager = shared_with_manager
    # A new plan, or one whose reminders ended with its last due date, starts afresh.
    restart = plan.next_reminder_at is None
    if checkin_every_days is not None and checkin_every_days != plan.checkin_every_days:
        plan.checkin_every_days = checkin_every_days
        restart = True
    if reminders_paused is not None and reminders_paused != plan.reminders_paused:
        plan.reminders_paused = reminders_paused
        restart = restart or not reminders_paused
    if restart:
        plan.next_reminder_at = now() + timedelta(days=plan.checkin_every_days)


def save_plan(
    actor_id: str,
    round_id: str,
    *,
    focus: list[dict],
    shared_with_manager: bool | None = None,
    checkin_every_days: int | None = None,
    reminders_paused: bool | None = None,
) -> dict:
    """The person saves their plan: 1 to 3 focus skills of the round's survey, each with a
    goal, a success measure, a future due date, exercises of that skill and maybe someone
    to support them. Every problem is reported at once; nothing is written then."""
    access = _subject_access(actor_id, round_id)
    errors = {
        **plan_problems(focus, access.round.instrument, access.plan),
        **_settings_problems(checkin_every_days),
    }
    if errors:
        raise Invalid(lazy_gettext("the plan was not saved"), errors)
    plan = access.plan or Plan(
        round_id=access.round.id,
        shared_with_manager=False,
        checkin_every_days=DEFAULT_CHECKIN_DAYS,
        reminders_paused=False,
    )
    _apply_settings(
        plan,
        shared_with_manager=shared_with_manager,
        checkin_every_days=checkin_every_days,
        reminders_paused=reminders_paused,
    )
    _apply_focus(plan, focus)
    plan.updated_at = now()
    db.session.add(plan)
    audit.record("plan_saved", access.actor, access.round)
    db.session.commit()
    return get_plan(actor_id, round_id)


def _saved_plan_access(actor_id: str, round_id: str, role: str, refusal: str) -> PlanAccess:
    access = load_plan_access(actor_id, round_id)
    if access.role != role:
        raise Forbidden(refusal)
    if access.plan is None:
        raise Conflict(lazy_gettext("there is no saved plan yet; save your plan first"))
    return access


def update_plan_settings(
    actor_id: str,
    round_id: str,
    *,
    shared_with_manager: bool | None = None,
    checkin_every_days: int | None = None,
    reminders_paused: bool | None = None,
) -> dict:
    """Share or stop sharing, change how often to be reminded, pause or resume reminders."""
    access = _saved_plan_access(actor_id, round_id, SUBJECT, ONLY_THE_PERSON)
    if errors := _settings_problems(checkin_every_days):
        raise Invalid(lazy_gettext("the plan's settings were not changed"), errors)
    _apply_settings(
        access.plan,
        shared_with_manager=shared_with_manager,
        checkin_every_days=checkin_every_days,
        reminders_paused=reminders_paused,
    )
    access.plan.updated_at = now()
    db.session.commit()
    return get_plan(actor_id, round_id)


def plan_exercise_ids(plan: Plan, instrument: Instrument) -> set[str]:
    """The exercises of the plan's focus skills: what a check-in may be about."""
    return {
        exercise.id
        for focus in plan.focus
        for exercise in instrument.skill(focus.skill_id).exercises
    }


def add_checkin(
    actor_id: str,
    round_id: str,
    *,
    text: str,
    exercise: str | None = None,
    progress: int | None = None,
) -> dict:
    """A dated check-in on the person's saved plan, maybe about one exercise and with a
    progress mark from 0 to 100."""
    access = _saved_plan_access(actor_id, round_id, SUBJECT, ONLY_THE_PERSON)
    errors = {}
    if problem := text_problem(text, CHECKIN_LENGTH):
        errors["text"] = [problem]
    if exercise and exercise not in plan_exercise_ids(access.plan, access.round.instrument):
        errors["exercise"] = [lazy_gettext("is not an exercise of one of your focus skills")]
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = [lazy_gettext("must be a whole number from 0 to 100")]
    if errors:
        raise Invalid(lazy_gettext("the check-in was not saved"), errors)
    checkin = PlanCheckin(
        plan_id=access.plan.id,
        at=now(),
        text=text.strip(),
        exercise_id=exercise or None,
        progress=progress,
    )
    db.session.add(checkin)
    access.plan.updated_at = checkin.at
    db.session.commit()
    return _checkin_document(checkin)


def add_comment(actor_id: str, round_id: str, *, text: str) -> dict:
    """The manager a plan is shared with comments on it."""
    access = _saved_plan_access(
        actor_id, round_id, MANAGER, "only the manager the plan is shared with can comment"
    )
    if problem := text_problem(text, COMMENT_LENGTH):
        raise Invalid(lazy_gettext("the comment was not saved"), {"text": [problem]})
    comment = PlanComment(
        plan_id=access.plan.id,
        author_id=access.actor.id,
        author_name=access.actor.name,
        at=now(),
        text=text.strip(),
    )
    db.session.add(comment)
    db.session.commit()
    return _comment_document(comment)


def plans_shared_with(actor_id: str) -> list[tuple[Round, Plan]]:
    """The saved plans of the people this person manages that are shared with them."""
    actor = load_actor(actor_id)
    rows = db.session.execute(
        select(Round, Plan)
        .join(Plan, Plan.round_id == Round.id)
        .join(Person, Person.id == Round.subject_id)
        .where(Person.manager_id == actor.id, Plan.shared_with_manager.is_(True))
        .order_by(Plan.updated_at.desc())
    ).all()
    return [(round_, plan) for round_, plan in rows]


def read_plan(actor_id: str, round_id: str) -> tuple[PlanAccess, dict]:
    """For the plan page: who is reading in what capacity, and the plan as they may see it."""
    access = load_plan_access(actor_id, round_id)
    return access, plan_document(access)
