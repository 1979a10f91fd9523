"""People with managers and departments, and closed rounds whose frozen results documents are
written directly (no raters, no answers): what the heatmap and its exports read."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime
from pathlib import Path

from service.extensions import db
from service.models import Person, Round
from service.models.types import new_id
from surveys.instrument import load_instrument

INSTRUMENT = load_instrument("soft-skills", "1")
SKILLS = [skill.id for skill in INSTRUMENT.skills]
DEMO = json.loads(
    (Path(__file__).parents[1] / "reports" / "fixtures" / "demo_results.json").read_text()
)


def add_person(
    name: str,
    *,
    role: str = "member",
    manager: Person | None = None,
    department: str | None = None,
    email: str | None = None,
) -> Person:
    person = Person(
        id=new_id(),
        email=email or f"{new_id()[:12]}@example.org",
        name=name,
        role=role,
        manager_id=manager.id if manager else None,
        department=department,
    )
    db.session.add(person)
    db.session.commit()
    return person


def results_document(round_id: str, others: dict[str, float | None], self_score=4.0) -> dict:
    """The demo round's document with these all-others scores (None: withheld, so absent
    from `scores` and `n`, as the aggregation leaves it); skills not named are withheld."""
    document = copy.deepcopy(DEMO)
    document["round_id"] = round_id
    for skill in document["skills"]:
        value = others.get(skill["id"])
        skill["scores"] = {"self": self_score} | ({} if value is None else {"others": value})
        skill["n"] = {"self": 1} | ({} if value is None else {"others": 5})
        skill["group_detail_hidden"] = True
    return document


def closed_round(
    subject: Person,
    created_by: Person,
    others: dict[str, float | None],
    closed_at: datetime,
    *,
    status: str = "closed",
    instrument_id: str = "soft-skills",
) -> Round:
    round_id = new_id()
    round_ = Round(
        id=round_id,
        subject_id=subject.id,
        created_by_id=created_by.id,
        instrument_id=instrument_id,
        instrument_version="1",
        status=status,
        deadline=closed_at,
        anonymity_threshold=3,
        comment_seed=random.randrange(2**31),
        launched_at=closed_at,
        closed_at=closed_at if status == "closed" else None,
        results=results_document(round_id, others) if status == "closed" else None,
        results_released_at=closed_at if status == "closed" else None,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def day(year: int, month: int, date: int, hour: int = 12) -> datetime:
    return datetime(year, month, date, hour, tzinfo=UTC)
