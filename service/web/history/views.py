"""Routes of the history page: /history for the person, /hr/people/<id>/history for HR."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.models import Person
from service.services.history import person_history
from service.web.auth import hr_required, login_required
from service.web.time_zone import on_the_viewers_clock

bp = Blueprint("history", __name__)


@bp.get("/history")
@login_required
def my_history(person: Person):
    return _page(person_history(person.id), own=True)


@bp.get("/hr/people/<person_id>/history")
@hr_required
def person_history_page(person: Person, person_id: str):
    return _page(person_history(person.id, person_id), own=person_id == person.id)


def _page(history: dict, *, own: bool):
    rounds = history["rounds"]
    skills = _skills(rounds)
    return render_template(
        "history/history.html",
        history=history,
        own=own,
        skills=skills,
        chart_data={
            "rounds": _round_labels(rounds),
            "self_label": "you" if own else "self",
            "skills": [
                {
                    "name": name,
                    "others": [_score(r, skill_id, "others") for r in rounds],
                    "self": [_score(r, skill_id, "self") for r in rounds],
                }
                for skill_id, name in skills.items()
            ],
        },
        score=_score,
    )


def _round_labels(rounds: list[dict]) -> list[str]:
    """Each round by the day it closed on the viewer's clock ("2 Dec 2026"); a second round
    closed the same day is "2 Dec 2026 (2)", so that every round has a place of its own."""
    labels: list[str] = []
    for round_ in rounds:
        day = on_the_viewers_clock(round_["closed_at"])
        label = f"{day.day} {day:%b %Y}"
        same = sum(1 for seen in labels if seen.split(" (")[0] == label)
        labels.append(f"{label} ({same + 1})" if same else label)
    return labels


def _skills(rounds: list[dict]) -> dict[str, str]:
    """Every skill of any round, by id, in the order they first appear (the newest name)."""
    names: dict[str, str] = {}
    for round_ in rounds:
        for skill in round_["skills"]:
            names[skill["id"]] = skill["name"]
    return names


def _score(round_: dict, skill_id: str, key: str) -> float | None:
    return next((s[key] for s in round_["skills"] if s["id"] == skill_id), None)
