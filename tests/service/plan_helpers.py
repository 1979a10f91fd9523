"""Helpers of the plan tests: a valid plan body, a manager for the subject, plan paths."""

from __future__ import annotations

from datetime import date, timedelta

from service.extensions import db
from service.services.people import find_person_by_email


def day(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def focus_entry(skill: str = "empathy", exercises=("em_understand_first",), **fields) -> dict:
    return {
        "skill": skill,
        "goal": "Hear people out before I answer",
        "success_measure": "Two colleagues tell me they feel heard",
        "due": day(60),
        "exercises": list(exercises),
        "support": {"name": "Lou Mentor", "email": "lou@example.org"},
        **fields,
    }


def plan_path(round_id: str, tail: str = "") -> str:
    return f"/api/v1/rounds/{round_id}/plan{tail}"


def make_manager(api, app, subject_email: str, name: str = "Mo Boss") -> str:
    """A member who becomes the subject's manager; returns their API token."""
    manager_id, token = api.person("member", name=name)
    with app.app_context():
        find_person_by_email(subject_email).manager_id = manager_id
        db.session.commit()
        db.session.remove()
    return token
