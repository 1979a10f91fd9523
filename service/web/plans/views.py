"""Routes of the plan page: the person makes their plan after the report and checks in; the
manager it is shared with reads it and comments; HR sees whether there is one.

Every rule is the service's (service/services/plans.py), shared with the API."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from service.http_errors import status_of
from service.i18n import in_current_language
from service.models import CHECKIN_INTERVALS, Person
from service.services.errors import Invalid
from service.services.languages import in_sentence
from service.services.plans import (
    CHECKIN_LENGTH,
    COMMENT_LENGTH,
    GOAL_LENGTH,
    MAX_FOCUS,
    add_checkin,
    add_comment,
    plans_shared_with,
    read_plan,
    save_plan,
    update_plan_settings,
)
from service.services.relationship_words import group_label
from service.web.auth import NOTICE, login_required
from service.web.plans.form import focus_from_form, rows_for_page

bp = Blueprint("plans", __name__)

REASONS = {
    "lowest_rated": lazy_gettext("among the lowest scores others gave you"),
    "blind_spot": lazy_gettext("you rated yourself clearly higher than others did"),
    "self_rated_low": lazy_gettext("among your own lowest ratings"),
}
FIELD_LABELS = {
    "skill": lazy_gettext("Skill"),
    "goal": lazy_gettext("Goal"),
    "success_measure": lazy_gettext("How you will know it worked"),
    "due": lazy_gettext("Due date"),
    "exercises": lazy_gettext("Exercises"),
    "support": lazy_gettext("Support"),
}
FIELD_IDS = {"skill": "focus", "success_measure": "measure", "support": "support_name"}
CHECKIN_LABELS = {
    "checkin-text": lazy_gettext("What happened"),
    "checkin-exercise": lazy_gettext("Exercise"),
    "checkin-progress": lazy_gettext("Progress"),
}


def _by_field_id(form: str, errors: dict | None) -> dict:
    """{"text": [...]} as {"checkin-text": [...]}: the ids of the page's fields."""
    return {f"{form}-{field}": messages for field, messages in (errors or {}).items()}


@bp.context_processor
def _constants():
    return {
        "reason_labels": REASONS,
        "group_label": group_label,  # the pulse section's groups
        "intervals": CHECKIN_INTERVALS,
        "max_focus": MAX_FOCUS,
        "goal_length": GOAL_LENGTH,
        "checkin_length": CHECKIN_LENGTH,
        "comment_length": COMMENT_LENGTH,
    }


def _plan_problems(errors: dict, chosen: list[str], skills) -> tuple[list, dict]:
    """The service's errors as (field id, text) for the summary and, per field id, the
    messages beside the fields."""
    names = {skill.id: skill.name for skill in skills}
    summary, by_field = [], {}
    focus = errors.get("focus")
    if isinstance(focus, list):
        summary.append(
            (
                "focus-choice",
                gettext("Focus skills: %(problems)s", problems=" ".join(map(str, focus))),
            )
        )
        by_field["focus-choice"] = focus
        focus = {}
    for index, fields in (focus or {}).items():
        skill_id = chosen[int(index)]
        for field, messages in fields.items():
            if isinstance(messages, dict):  # support: {"name": [...], "email": [...]}
                for part, texts in messages.items():
                    field_id = f"support_{part}-{skill_id}"
                    by_field[field_id] = texts
                    label = (
                        gettext("support's name") if part == "name" else gettext("support's email")
                    )
                    summary.append(
                        (field_id, f"{names[skill_id]}, {label}: {' '.join(map(str, texts))}")
                    )
                continue
            field_id = f"{FIELD_IDS.get(field, field)}-{skill_id}"
            by_field[field_id] = messages
            label = in_sentence(str(FIELD_LABELS.get(field, field)))
            summary.append(
                (field_id, f"{names[skill_id]}, {label}: {' '.join(map(str, messages))}")
            )
    for field in ("checkin_every_days",):
        if field in errors:
            by_field[field] = errors[field]
            summary.append(
                (
                    field,
                    gettext("Reminders: %(problems)s", problems=" ".join(map(str, errors[field]))),
                )
            )
    return summary, by_field


def _page(
    person: Person,
    round_id: str,
    *,
    plan_form=None,
    problems=(),
    field_errors=None,
    checkin_errors=None,
    comment_errors=None,
    status: int = 200,
):
    access, plan = read_plan(person.id, round_id)
    skills = list(in_current_language(access.round.instrument).skills)
    exercises = {exercise.id: exercise for skill in skills for exercise in skill.exercises}
    page = render_template(
        "plans/plan.html",
        access=access,
        role=access.role,
        round=access.round,
        subject=access.round.subject,
        plan=plan,
        skills={skill.id: skill for skill in skills},
        exercises=exercises,
        rows=rows_for_page(plan, skills, plan_form) if access.role == "subject" else [],
        problems=list(problems),
        field_errors=field_errors or {},
        checkin_form=request.form if checkin_errors else {},
        checkin_errors=_by_field_id("checkin", checkin_errors),
        checkin_labels=CHECKIN_LABELS,
        comment_form=request.form if comment_errors else {},
        comment_errors=_by_field_id("comment", comment_errors),
        has_manager=access.round.subject.manager_id is not None,
    )
    return page, status


@bp.get("/rounds/<round_id>/plan")
@login_required
def plan_page(person: Person, round_id: str):
    return _page(person, round_id)


@bp.post("/rounds/<round_id>/plan")
@login_required
def save_plan_action(person: Person, round_id: str):
    access, _ = read_plan(person.id, round_id)
    skills = list(in_current_language(access.round.instrument).skills)
    focus, chosen = focus_from_form(request.form, skills)
    interval = request.form.get("checkin_every_days", "")
    try:
        save_plan(
            person.id,
            round_id,
            focus=focus,
            shared_with_manager=request.form.get("shared_with_manager") == "on",
            checkin_every_days=int(interval) if interval.isdigit() else -1,
        )
    except Invalid as error:
        problems, field_errors = _plan_problems(error.errors or {}, chosen, skills)
        return _page(
            person,
            round_id,
            plan_form=request.form,
            problems=problems,
            field_errors=field_errors,
            status=status_of(error),
        )
    flash(gettext("Your plan is saved. Check in as you practise: a few lines are enough."), NOTICE)
    return redirect(url_for(".plan_page", round_id=round_id), code=303)


@bp.post("/rounds/<round_id>/plan/checkins")
@login_required
def checkin_action(person: Person, round_id: str):
    raw = request.form.get("progress", "").strip()
    try:
        progress = int(raw) if raw else None
    except ValueError:
        errors = {"progress": ["must be a whole number from 0 to 100"]}
        return _page(person, round_id, checkin_errors=errors, status=422)
    try:
        add_checkin(
            person.id,
            round_id,
            text=request.form.get("text", ""),
            exercise=request.form.get("exercise") or None,
            progress=progress,
        )
    except Invalid as error:
        return _page(person, round_id, checkin_errors=error.errors, status=status_of(error))
    flash(gettext("Your check-in is saved."), NOTICE)
    return redirect(url_for(".plan_page", round_id=round_id, _anchor="check-ins"), code=303)


@bp.post("/rounds/<round_id>/plan/reminders")
@login_required
def reminders_action(person: Person, round_id: str):
    paused = request.form.get("action") == "pause"
    update_plan_settings(person.id, round_id, reminders_paused=paused)
    flash(gettext("Reminders are paused.") if paused else gettext("Reminders are back on."), NOTICE)
    return redirect(url_for(".plan_page", round_id=round_id), code=303)


@bp.post("/rounds/<round_id>/plan/comments")
@login_required
def comment_action(person: Person, round_id: str):
    try:
        add_comment(person.id, round_id, text=request.form.get("text", ""))
    except Invalid as error:
        return _page(person, round_id, comment_errors=error.errors, status=status_of(error))
    flash(gettext("Your comment is added."), NOTICE)
    return redirect(url_for(".plan_page", round_id=round_id), code=303)


@bp.get("/plans/shared")
@login_required
def shared_plans(person: Person):
    return render_template("plans/shared.html", shared=plans_shared_with(person.id))
