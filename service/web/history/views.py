"""Routes of the history page: /history for the person, /hr/people/<id>/history for HR."""

from __future__ import annotations

from babel.dates import format_skeleton
from flask import Blueprint, render_template
from flask_babel import format_decimal, gettext

from service.i18n import current_language, in_current_language
from service.models import Person
from service.services.history import person_history
from service.web.auth import hr_required, login_required
from service.web.time_zone import on_the_viewers_clock
from surveys.instrument import load_instrument

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
            "self_label": gettext("you") if own else gettext("self"),
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
        two_places=_two_places,
    )


def _two_places(value: float) -> str:
    """A score as the page's language writes it: 3.50 in English, 3,50 in German."""
    return format_decimal(value, format="0.00")


def _round_labels(rounds: list[dict]) -> list[str]:
    """Each round by the day it closed on the viewer's clock ("2 Dec 2026", "2. Dez. 2026");
    a second round closed the same day is "2 Dec 2026 (2)", so that every round has a place
    of its own."""
    labels: list[str] = []
    for round_ in rounds:
        day = on_the_viewers_clock(round_["closed_at"])
        language = current_language()
        label = (
            f"{day.day} {day:%b %Y}"
            if language == "en"
            else format_skeleton("yMMMd", day, locale=language)
        )
        same = sum(1 for seen in labels if seen.split(" (")[0] == label)
        labels.append(f"{label} ({same + 1})" if same else label)
    return labels


def _skills(rounds: list[dict]) -> dict[str, str]:
    """Every skill of any round, by id, in the order they first appear (the newest name), in
    the page's language where the round's instrument has it (the results keep English)."""
    names: dict[str, str] = {}
    for round_ in rounds:
        worded = _worded(round_["instrument"])
        for skill in round_["skills"]:
            known = worded is not None and skill["id"] in {s.id for s in worded.skills}
            names[skill["id"]] = worded.skill(skill["id"]).name if known else skill["name"]
    return names


def _worded(instrument: dict):
    """The round's instrument in the page's language; None for one no longer shipped."""
    try:
        return in_current_language(load_instrument(instrument["id"], instrument["version"]))
    except (OSError, ValueError, LookupError):
        return None


def _score(round_: dict, skill_id: str, key: str) -> float | None:
    return next((s[key] for s in round_["skills"] if s["id"] == skill_id), None)
