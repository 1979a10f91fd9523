"""The plan page's form: one fieldset per skill, read into the service's focus entries."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from surveys.instrument import Skill


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def focus_from_form(form: MultiDict, skills: list[Skill]) -> tuple[list[dict], list[str]]:
    """The focus entries of the ticked skills, in the page's order, and their skill ids (the
    service names a problem by the entry's index)."""
    entries, chosen = [], []
    for skill in skills:
        if form.get(f"focus-{skill.id}") != "on":
            continue
        support_name = form.get(f"support_name-{skill.id}", "").strip()
        support_email = form.get(f"support_email-{skill.id}", "").strip()
        entries.append(
            {
                "skill": skill.id,
                "goal": form.get(f"goal-{skill.id}", ""),
                "success_measure": form.get(f"measure-{skill.id}", ""),
                "due": _date(form.get(f"due-{skill.id}", "")),
                "exercises": form.getlist(f"exercises-{skill.id}"),
                "support": {"name": support_name, "email": support_email or None}
                if support_name or support_email
                else None,
            }
        )
        chosen.append(skill.id)
    return entries, chosen


def _row_from_form(form: MultiDict, skill_id: str) -> dict:
    return {
        "chosen": form.get(f"focus-{skill_id}") == "on",
        "goal": form.get(f"goal-{skill_id}", ""),
        "measure": form.get(f"measure-{skill_id}", ""),
        "due": form.get(f"due-{skill_id}", ""),
        "exercises": form.getlist(f"exercises-{skill_id}"),
        "support_name": form.get(f"support_name-{skill_id}", ""),
        "support_email": form.get(f"support_email-{skill_id}", ""),
    }


def _row_from_plan(entry: dict | None) -> dict:
    entry = entry or {}
    support = entry.get("support") or {}
    return {
        "chosen": bool(entry),
        "goal": entry.get("goal") or "",
        "measure": entry.get("success_measure") or "",
        "due": entry["due"].isoformat() if entry else "",
        "exercises": entry.get("exercises") or [],
        "support_name": support.get("name") or "",
        "support_email": support.get("email") or "",
    }


def rows_for_page(plan: dict, skills: list[Skill], form: MultiDict | None) -> list[dict]:
    """What each skill's fieldset shows: the form as sent (after a refusal), else the saved
    or suggested plan; the plan's skills first, in its order, then the others."""
    focus = {entry["skill"]: entry for entry in plan["focus"]}
    order = list(focus)
    ordered = sorted(
        skills, key=lambda skill: order.index(skill.id) if skill.id in focus else len(order)
    )
    return [
        {
            "skill": skill,
            "in_plan": skill.id in focus,
            "reasons": (focus.get(skill.id) or {}).get("reasons", []),
            **(
                _row_from_form(form, skill.id)
                if form is not None
                else _row_from_plan(focus.get(skill.id))
            ),
        }
        for skill in ordered
    ]
