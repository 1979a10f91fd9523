"""The shared helpers of the listed pages: one page of a query, and a range of UTC days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import Person
from service.services.days import on_days, start_of
from service.services.paging import read_page
from service.services.people import create_person

NAMES = ["Ana", "Ben", "Cy", "Dee", "Eli"]


@pytest.fixture
def five_people(app):
    with app.app_context():
        for name in NAMES:
            create_person(f"{name.lower()}@example.org", f"{name} Test", "member")
        yield


def names_on(page: int, size: int) -> tuple[list[str], int, int, int]:
    listed = read_page(
        select(Person.name).order_by(Person.name),
        page,
        size,
        read=lambda query: db.session.scalars(query).all(),
    )
    return [name.split()[0] for name in listed.rows], listed.page, listed.pages, listed.total


@pytest.mark.usefixtures("five_people")
def test_a_page_holds_its_share_of_the_rows_in_order():
    # Five rows two at a time: pages of 2, 2 and 1, so 3 pages (5 / 2 rounded up).
    assert names_on(1, 2) == (["Ana", "Ben"], 1, 3, 5)
    assert names_on(2, 2) == (["Cy", "Dee"], 2, 3, 5)
    assert names_on(3, 2) == (["Eli"], 3, 3, 5)
    # Exactly full pages: 5 rows five at a time is one page, not two.
    assert names_on(1, 5) == (NAMES, 1, 1, 5)


@pytest.mark.usefixtures("five_people")
def test_a_page_out_of_range_shows_the_nearest_page():
    assert names_on(9, 2) == (["Eli"], 3, 3, 5)
    assert names_on(0, 2) == (["Ana", "Ben"], 1, 3, 5)
    assert names_on(-4, 2) == (["Ana", "Ben"], 1, 3, 5)


def test_an_empty_list_has_one_empty_page(app):
    with app.app_context():
        assert names_on(3, 2) == ([], 1, 1, 0)


def test_the_default_read_gives_rows(app, five_people):
    with app.app_context():
        listed = read_page(select(Person.name, Person.email).order_by(Person.email), 2, 4)
        assert [tuple(row) for row in listed.rows] == [("Eli Test", "eli@example.org")]


def test_a_day_is_from_midnight_utc():
    assert start_of(date(2030, 1, 31)) == datetime(2030, 1, 31, tzinfo=UTC)


def test_a_range_of_days_includes_the_whole_of_both_ends(app):
    moments = [
        datetime(2030, 1, 9, 23, 59, 59, tzinfo=UTC),  # the day before the first
        datetime(2030, 1, 10, 0, 0, tzinfo=UTC),  # the first moment of the first day
        datetime(2030, 1, 12, 23, 59, 59, 999999, tzinfo=UTC),  # the last of the last day
        datetime(2030, 1, 13, 0, 0, tzinfo=UTC),  # the day after the last
    ]
    with app.app_context():
        people = [
            create_person(f"p{n}@example.org", f"Person {n}", "member") for n in range(len(moments))
        ]
        for person, moment in zip(people, moments, strict=True):
            person.created_at = moment
        db.session.commit()

        def created_on(first, last) -> list[str]:
            query = select(Person.email).where(*on_days(Person.created_at, first, last))
            return sorted(db.session.scalars(query))

        first, last = date(2030, 1, 10), date(2030, 1, 12)
        assert created_on(first, last) == ["p1@example.org", "p2@example.org"]
        assert created_on(first, None) == ["p1@example.org", "p2@example.org", "p3@example.org"]
        assert created_on(None, last) == ["p0@example.org", "p1@example.org", "p2@example.org"]
        assert len(created_on(None, None)) == 4
