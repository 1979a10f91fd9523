"""Organisation norms at close, worked by hand: which colleagues' rounds form a skill's norm
set (the latest per other person, same instrument id and version, closed before this round,
the skill published there), and the norms frozen into the results document."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from reports.results import Norm, Results
from service import create_app
from service.extensions import db
from service.models import Person, PublishedSkillScore, Round
from service.services.norms import norms_at_close, record_published_scores
from service.services.people import create_person
from surveys.instrument import load_instrument
from tests.service.conftest import late_peers
from tests.service.test_change_at_close import closed_round, results

DEMO = json.loads(
    (Path(__file__).parents[1] / "reports" / "fixtures" / "demo_results.json").read_text()
)
SKILLS = [skill.id for skill in load_instrument("soft-skills", "1").skills]
CLOSE = datetime(2026, 6, 1, 12, tzinfo=UTC)
# The colleagues' leadership scores from all others; Maya's is 3.40:
# below 2.0, 2.5, 3.0, 3.1, 3.2 = 5, equal 3.4 = 1, so 100 * (5 + 0.5) / 10 = 55.
TEN = [2.0, 2.5, 3.0, 3.1, 3.2, 3.4, 3.5, 3.8, 4.0, 4.5]


def document(others: dict[str, float]) -> dict:
    """The demo results document with all others' score set per skill as given, and withheld
    (as when suppressed) on every other skill."""
    data = copy.deepcopy(DEMO)
    for skill in data["skills"]:
        skill["scores"] = {"others": others[skill["id"]]} if skill["id"] in others else {}
        skill["n"] = {"others": 5} if skill["id"] in others else {}
    return data


class Organisation:
    """People and their frozen rounds, inserted directly (no survey is run)."""

    def __init__(self):
        self.hr = create_person("hana@example.org", "Hana Reyes", "hr")
        self.maya = db.session.scalar(
            select(Person).where(Person.email == "maya@example.org")
        ) or create_person("maya@example.org", "Maya Lind", "member")
        self.people = {}
        self.hr_id = self.hr.id

    def person(self, name: str):
        if name not in self.people:
            self.people[name] = create_person(f"{name}@example.org", name.title(), "member")
        return self.people[name]

    def round(self, subject, others, *, closed_at, version="1", status="closed") -> Round:
        data = document(others)
        round_ = Round(
            subject_id=subject.id,
            created_by_id=self.hr_id,
            instrument_id="soft-skills",
            instrument_version=version,
            status=status,
            deadline=closed_at,
            anonymity_threshold=3,
            comment_seed=1,
            launched_at=closed_at - timedelta(days=14),
            closed_at=closed_at,
            results=data,
            results_released_at=closed_at,
        )
        db.session.add(round_)
        db.session.flush()
        data["round_id"] = round_.id
        record_published_scores(round_.id, Results.from_dict(data))
        db.session.commit()
        return round_

    def colleagues(self, scores, *, first=0):
        """One round each for new colleagues (colleague<first>, …), closed 30 days before."""
        for n, score in enumerate(scores, start=first):
            self.round(
                self.person(f"colleague{n}"),
                {"leadership": score},
                closed_at=CLOSE - timedelta(days=30),
            )

    def maya_round(self, leadership=3.4) -> tuple[Round, Results]:
        round_ = self.round(self.maya, {"leadership": leadership}, closed_at=CLOSE)
        return round_, Results.from_dict(round_.results)


def norms_of_maya(org, leadership=3.4):
    return norms_at_close(*org.maya_round(leadership))


def test_nine_ten_and_eleven_colleagues(app):
    with app.app_context():
        org = Organisation()
        org.colleagues(TEN[:9])
        # Nine: no norm at all, and none for a skill no colleague was rated on.
        assert norms_of_maya(org) == {}
        org.colleagues([TEN[9]], first=9)
        assert norms_of_maya(org) == {"leadership": Norm(55, 10)}
        # An eleventh at 3.3: below 6, equal 1: 100 * 6.5 / 11 = 59.09 -> 59.
        org.round(org.person("eleventh"), {"leadership": 3.3}, closed_at=CLOSE - timedelta(1))
        assert norms_of_maya(org) == {"leadership": Norm(59, 11)}


def test_ties_count_half(app):
    with app.app_context():
        org = Organisation()
        # Maya 3.00 against three at 2.0, four at 3.0 (one of them 3.004, published 3.0),
        # three at 4.0: 100 * (3 + 0.5 * 4) / 10 = 50.
        org.colleagues([2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 4.0, 4.0, 4.0])
        assert norms_of_maya(org, leadership=3.004) == {"leadership": Norm(50, 10)}


def test_only_each_colleagues_latest_round_before_this_close_counts(app):
    with app.app_context():
        org = Organisation()
        org.colleagues(TEN)
        first = org.people["colleague0"]
        last = org.people["colleague9"]
        # Older rounds of two colleagues (below and above Maya): ignored, their latest count.
        org.round(first, {"leadership": 4.9}, closed_at=CLOSE - timedelta(days=300))
        org.round(last, {"leadership": 1.0}, closed_at=CLOSE - timedelta(days=300))
        # A round closed after Maya's: not yet part of what the organisation saw.
        org.round(first, {"leadership": 4.9}, closed_at=CLOSE + timedelta(days=1))
        org.round(org.person("later"), {"leadership": 1.0}, closed_at=CLOSE + timedelta(days=1))
        # Another version of the instrument, a round reopened for late responses (not
        # closed), and Maya's own earlier rounds: none of them.
        org.round(org.person("versioned"), {"leadership": 1.0}, closed_at=CLOSE, version="2")
        org.round(
            org.person("reopened"),
            {"leadership": 1.0},
            closed_at=CLOSE - timedelta(1),
            status="open",
        )
        org.round(org.maya, {"leadership": 1.0}, closed_at=CLOSE - timedelta(days=90))
        # A colleague whose latest round withheld leadership (too few raters on it) while an
        # older one published it: out of leadership's set, the older round does not stand in.
        withheld = org.person("withheld")
        org.round(withheld, {"leadership": 1.0}, closed_at=CLOSE - timedelta(days=200))
        org.round(withheld, {"empathy": 3.0}, closed_at=CLOSE - timedelta(days=10))
        # So leadership's set is still TEN: 55 of 10.
        assert norms_of_maya(org) == {"leadership": Norm(55, 10)}


def test_a_skill_withheld_in_a_colleagues_round_leaves_them_out_of_that_skill_only(app):
    with app.app_context():
        org = Organisation()
        # Ten colleagues rated on leadership and empathy; one of them has no empathy score.
        for n, score in enumerate(TEN):
            others = {"leadership": score} | ({"empathy": score} if n else {})
            org.round(org.person(f"c{n}"), others, closed_at=CLOSE - timedelta(days=5))
        round_ = org.round(org.maya, {"leadership": 3.4, "empathy": 3.4}, closed_at=CLOSE)
        # Empathy: nine left, no norm; leadership: 55 of 10.
        assert norms_at_close(round_, Results.from_dict(round_.results)) == {
            "leadership": Norm(55, 10)
        }


@pytest.fixture(autouse=True)
def _no_report_rendering(monkeypatch):
    """The report a close queues is not what these tests are about, and rendering it costs
    seconds (autouse: in place before a fixture closes a round)."""
    monkeypatch.setattr("service.services.rounds.enqueue", lambda *args: None)


def test_norms_are_frozen_into_the_results_at_close(api, app):
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email="maya@example.org")
    with app.app_context():
        org = Organisation()

    def colleague(n):
        """Colleague n, all others' score TEN[n] on every skill, closed 10 days ago."""
        with app.app_context():
            org.round(
                org.person(f"colleague{n}"),
                dict.fromkeys(SKILLS, TEN[n]),
                closed_at=datetime.now(UTC) - timedelta(days=10),
            )

    for n in range(9):
        colleague(n)
    # Raters give 3, 4, 3, 4 to every item: all others 3.5 on every skill.
    first = closed_round(api, hr, [3, 4, 3, 4])
    assert "norms" not in results(api, hr, first)
    colleague(9)
    second = closed_round(api, hr, [3, 4, 3, 4])
    # Below 3.50: 2.0, 2.5, 3.0, 3.1, 3.2, 3.4 = 6; equal: colleague 6's 3.5 = 1 (Maya's first
    # round, also 3.5, is her own and not counted): 100 * (6 + 0.5) / 10 = 65 on every skill.
    assert results(api, hr, second)["norms"] == {
        skill: {"percentile": 65, "n": 10} for skill in SKILLS
    }
    with app.app_context():
        stored = db.session.execute(
            select(PublishedSkillScore.skill_id, PublishedSkillScore.others).where(
                PublishedSkillScore.round_id == second
            )
        ).all()
    assert sorted(stored) == sorted((skill, 3.5) for skill in SKILLS)


def test_norms_stay_frozen_until_a_late_update_is_released(api, app, scored_round):
    hr, _, round_id = scored_round
    # Closed with no colleagues to compare with: no norms.
    assert "norms" not in results(api, hr, round_id)
    with app.app_context():
        org = Organisation()
        for n, score in enumerate(TEN):
            org.round(
                org.person(f"colleague{n}"),
                dict.fromkeys(SKILLS, score),
                closed_at=datetime.now(UTC) - timedelta(days=10),
            )
    # One late peer: the release stands, and so do its (absent) norms.
    assert "norms" not in late_peers(api, hr, round_id, [1])
    # Two more: three new answers in the changed blocks, the update is released, norms and
    # the kept scores with it. All others = (2 + 4 + 3 + 2 + 5 + 1 + 2 + 2) / 8 = 2.625,
    # published 2.62; below it 2.0 and 2.5, none equal: 100 * 2 / 10 = 20.
    after = late_peers(api, hr, round_id, [2, 2], first=1)
    assert after["skills"][0]["scores"]["others"] == 2.62
    assert after["norms"] == {skill: {"percentile": 20, "n": 10} for skill in SKILLS}
    with app.app_context():
        stored = db.session.execute(
            select(PublishedSkillScore.skill_id, PublishedSkillScore.others).where(
                PublishedSkillScore.round_id == round_id
            )
        ).all()
    assert sorted(stored) == sorted((skill, 2.62) for skill in SKILLS)


def test_the_migration_copies_the_scores_of_rounds_already_closed(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'norms.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        upgrade(revision="0013")
        db.session.execute(
            text(
                "INSERT INTO people (id, email, name, role, created_at)"
                " VALUES ('p1', 'a@x.org', 'Ann Bell', 'hr', CURRENT_TIMESTAMP)"
            )
        )
        for round_id, data in (
            ("r1", document({"leadership": 3.4, "empathy": 2.75})),
            ("r2", None),  # still open: nothing to copy
        ):
            db.session.execute(
                text(
                    "INSERT INTO rounds (id, subject_id, created_by_id, instrument_id,"
                    " instrument_version, status, deadline, anonymity_threshold, comment_seed,"
                    " created_at, results) VALUES (:id, 'p1', 'p1', 'soft-skills', '1', :status,"
                    " CURRENT_TIMESTAMP, 3, 1, CURRENT_TIMESTAMP, :results)"
                ),
                {
                    "id": round_id,
                    "status": "closed" if data else "open",
                    "results": None if data is None else json.dumps(data),
                },
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT round_id, skill_id, others FROM published_skill_scores")
        ).all()
        assert sorted(rows) == [("r1", "empathy", 2.75), ("r1", "leadership", 3.4)]
        db.session.remove()
        db.engine.dispose()
