"""Checking and launching many rounds from one CSV: pure rules first, then the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.models import Job, Person, Round
from service.services.bulk_rounds import (
    Subject,
    check_bulk_rounds,
    launch_bulk_rounds,
    preview_bulk_launch,
)
from service.services.errors import Forbidden, Invalid

HEADER = "subject_email,rater_name,rater_email,relationship\n"
NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=14)
SUBJECTS = {
    "ana@x.org": Subject("Ana Silva", has_open_round=False),
    "sam@x.org": Subject("Sam Okafor", has_open_round=False),
    "busy@x.org": Subject("Bea Busy", has_open_round=True),
}


def check(text: str, deadline=LATER):
    return check_bulk_rounds(text, deadline, NOW, SUBJECTS)


def problems(text: str, deadline=LATER) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in check(text, deadline).problems]


def test_a_valid_file_plans_one_round_per_subject_with_its_raters():
    checked = check(
        HEADER + "ana@x.org,Jo,jo@x.org,manager\n"
        "SAM@x.org,Jo,JO@x.org,Manager\n"
        "ana@x.org,Kim,kim@x.org,direct-report\n"
        "ana@x.org,Lee,lee@x.org,Direct Report\n"
    )
    assert checked.ok and checked.rater_count == 4
    ana, sam = checked.rounds
    assert (ana.subject_email, ana.subject_name, ana.row) == ("ana@x.org", "Ana Silva", 2)
    assert ana.raters == [
        {"name": "Jo", "email": "jo@x.org", "relationship": "manager"},
        {"name": "Kim", "email": "kim@x.org", "relationship": "direct_report"},
        {"name": "Lee", "email": "lee@x.org", "relationship": "direct_report"},
    ]
    assert (ana.count("direct_report"), ana.count("peer")) == (2, 0)
    assert sam.raters == [{"name": "Jo", "email": "jo@x.org", "relationship": "manager"}]


def test_every_problem_is_reported_with_its_row_and_column():
    text = HEADER + (
        "ghost@x.org,Jo,jo@x.org,manager\n"  # 2: unknown subject
        "ana@x.org,Kim,kim@x.org,friend\n"  # 3: bad relationship
        "ana@x.org,Ana,ana@x.org,peer\n"  # 4: subject as own rater
        "ana@x.org,Jo,jo@x.org,peer\n"  # 5: fine
        "ana@x.org,Jo Again,jo@x.org,other\n"  # 6: duplicate rater for ana
        "ana@x.org,,not-mail,self\n"  # 7: no name, bad email, self
        "busy@x.org,Jo,jo@x.org,peer\n"  # 8: an open round already
        "busy@x.org,Kim,kim@x.org,peer\n"  # 9: reported once, on row 8
        "sam@x.org,,,\n"  # 10: nobody rates Sam
        "not an email,Jo,jo@x.org,peer\n"  # 11: bad subject email
    )
    found = problems(text)
    assert [(row, column) for row, column, _ in found] == [
        (2, "subject_email"),
        (3, "relationship"),
        (4, "rater_email"),
        (6, "rater_email"),
        (7, "rater_name"),
        (7, "rater_email"),
        (7, "relationship"),
        (8, "subject_email"),
        (10, "subject_email"),
        (11, "subject_email"),
    ]
    messages = dict(((row, column), message) for row, column, message in found)
    assert messages[2, "subject_email"] == (
        "nobody has the email ghost@x.org; add them on People first"
    )
    assert messages[6, "rater_email"] == "jo@x.org is already a rater for ana@x.org on row 5"
    assert messages[7, "relationship"] == "self is added automatically; leave it out"
    assert messages[8, "subject_email"].startswith("Bea Busy already has an open round")
    assert messages[10, "subject_email"] == "Sam Okafor has no raters besides the self-assessment"
    assert check(text).rounds == []


@pytest.mark.parametrize(
    ("deadline", "message"),
    [(None, "choose a deadline"), (NOW, "the deadline must be in the future")],
)
def test_the_deadline_must_be_given_and_in_the_future(deadline, message):
    assert problems(HEADER + "ana@x.org,Jo,jo@x.org,peer\n", deadline) == [
        (None, "deadline", message)
    ]


def test_the_file_needs_every_column():
    found = problems("subject_email,rater_email,relationship\nana@x.org,jo@x.org,peer\n")
    assert found == [
        (
            1,
            None,
            "missing columns: rater_name (the columns are "
            "subject_email, rater_name, rater_email, relationship)",
        )
    ]


# With the database ----------------------------------------------------------------------


@pytest.fixture
def hr_id(app, api):
    person_id, _ = api.person("hr", email="hana@example.org")
    with app.app_context():
        db.session.add_all(
            [
                Person(email="ana@example.org", name="Ana Silva", role="member"),
                Person(email="sam@example.org", name="Sam Okafor", role="member"),
            ]
        )
        db.session.commit()
    return person_id


FILE = HEADER + (
    "ana@example.org,Jo,jo@example.org,manager\n"
    "ana@example.org,Kim,kim@example.org,peer\n"
    "sam@example.org,Jo,jo@example.org,peer\n"
)


def in_days(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_launching_creates_and_opens_a_round_per_subject_with_invitations(app, hr_id):
    with app.app_context():
        outcomes = launch_bulk_rounds(hr_id, FILE, in_days(7))
        assert [(o.subject_email, o.status, o.raters) for o in outcomes] == [
            ("ana@example.org", "open", 2),
            ("sam@example.org", "open", 1),
        ]
        rounds = {r.id: r for r in db.session.scalars(select(Round))}
        assert set(rounds) == {o.round_id for o in outcomes}
        assert {r.status for r in rounds.values()} == {"open"}
        # One invitation per rater, the self-assessments included.
        assert db.session.scalar(select(func.count()).where(Job.kind == "invitation")) == 5


def test_the_preview_sees_open_rounds_in_the_database(app, hr_id):
    with app.app_context():
        launch_bulk_rounds(hr_id, HEADER + "ana@example.org,Jo,jo@example.org,peer\n", in_days(7))
        checked = preview_bulk_launch(hr_id, FILE, in_days(7))
        assert [(p.row, p.column) for p in checked.problems] == [(2, "subject_email")]


def test_a_file_with_a_problem_launches_nothing(app, hr_id):
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            launch_bulk_rounds(
                hr_id, FILE + "ana@example.org,Ana,ana@example.org,peer\n", in_days(7)
            )
        assert refused.value.errors["rows"] == [
            "Row 5, rater_email: is the subject's own email; "
            "the self-assessment is added automatically"
        ]
        assert count(Round) == 0 and count(Job) == 0


def test_only_hr_may_launch_in_bulk(app, api, hr_id):
    member_id, _ = api.person("member")
    with app.app_context():
        with pytest.raises(Forbidden):
            preview_bulk_launch(member_id, FILE, in_days(7))
        with pytest.raises(Forbidden):
            launch_bulk_rounds(member_id, FILE, in_days(7))
        assert count(Round) == 0


def test_a_rater_name_with_a_control_character_is_a_problem():
    assert problems(HEADER + "ana@x.org,Jo\tX,jo@x.org,manager\n") == [
        (2, "rater_name", "must not contain line breaks, tabs or other control characters")
    ]
