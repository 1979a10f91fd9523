"""People with managers and departments, and closed rounds whose frozen results documents are
written directly (no raters, no answers): what the heatmap and its exports read."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime
from pathlib import Path

from reports.results import Results
from service.extensions import db
from service.models import Person, Round
from service.models.types import new_id
from service.services.norms import record_published_scores
from service.services.people import issue_api_token
from surveys.instrument import load_instrument

INSTRUMENT = load_instrument("soft-skills", "1")
SKILLS = [skill.id for skill in INSTRUMENT.skills]
EI, AD = SKILLS[0], SKILLS[1]
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
    if status == "closed":
        # As freezing the results does: the published scores beside the document.
        record_published_scores(round_id, Results.from_dict(round_.results))
    db.session.commit()
    return round_


def day(year: int, month: int, date: int, hour: int = 12) -> datetime:
    return datetime(year, month, date, hour, tzinfo=UTC)


def build_org(app) -> dict:
    """Alice manages p1-p3 (Sales), Bob p4 (Support) and p5 (no department); p6 (Sales) has
    no manager; Omar manages nobody. Scores: the pure golden test's (tests/reports). Returns
    API tokens by first name ("hr" for Hana) and Hana's id."""
    with app.app_context():
        hana = add_person("Hana Reyes", role="hr", email="hana@example.org")
        alice = add_person("Alice Manager", email="alice@example.org", department="Sales")
        bob = add_person("Bob Manager", email="bob@example.org", department="Support")
        omar = add_person("Omar Diaz", email="omar@example.org")
        people = {
            "p1": add_person("Pia One", manager=alice, department="Sales"),
            "p2": add_person("Per Two", manager=alice, department="Sales"),
            "p3": add_person("Pam Three", manager=alice, department="Sales"),
            "p4": add_person("Pol Four", manager=bob, department="Support"),
            "p5": add_person("Pip Five", manager=bob),
            "p6": add_person("Pat Six", department="Sales"),
        }
        june = day(2026, 6, 15)
        scores = {
            "p1": {EI: 3.0, AD: 2.0},
            "p2": {EI: 4.0, AD: 4.0},
            "p3": {EI: 3.5, AD: None},  # all others withheld on adaptability
            "p4": {EI: 2.0, AD: 3.0},
            "p5": {EI: 2.5},
            "p6": {EI: 5.0, AD: 4.5},
        }
        for key, others in scores.items():
            closed_at = day(2026, 3, 10) if key == "p2" else june
            closed_round(people[key], hana, others, closed_at)
        # Older rounds that the latest ones replace, an open round and another instrument's
        # round, none of which counts unless the dates leave only the older ones.
        closed_round(people["p1"], hana, {EI: 1.0, AD: 1.0}, day(2025, 5, 1))
        closed_round(people["p4"], hana, {EI: 2.0, AD: 1.0}, day(2025, 9, 1))
        closed_round(people["p1"], hana, {}, day(2026, 7, 1), status="open")
        tokens = {
            name: issue_api_token(person.id)
            for name, person in (("hr", hana), ("alice", alice), ("bob", bob), ("omar", omar))
        }
        ids = {"hana": hana.id}
    return tokens | ids
