"""HR's dashboard: every round with its subject, manager and response rate, filtered."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from service.extensions import db
from service.models import ROUND_STATUSES, Person, Round
from service.services.access import load_hr
from service.services.counts import response_counts
from service.services.days import on_days
from service.services.errors import Invalid
from service.services.paging import Page, read_page

DASHBOARD_PAGE_SIZE = 50


@dataclass(frozen=True)
class RoundRow:
    id: str
    subject: Person
    manager: Person | None
    status: str
    deadline: datetime
    invited: int  # raters besides the self-assessment
    submitted: int

    @property
    def response_rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def list_rounds_for_hr(
    actor_id: str,
    *,
    status: str | None = None,
    manager_id: str | None = None,
    department: str | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    page: int = 1,
) -> Page[RoundRow]:
    """Rounds whose deadline falls within the days given (UTC, both included), latest
    deadline first, a page at a time; three queries whatever the page holds."""
    load_hr(actor_id)
    if status and status not in ROUND_STATUSES:
        raise Invalid(
            lazy_gettext("status must be one of %(statuses)s", statuses=", ".join(ROUND_STATUSES)),
            {"status": [status]},
        )
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise Invalid(
            lazy_gettext("the first day must not be after the last"),
            {"deadline_from": [lazy_gettext("after deadline_to")]},
        )
    subject, manager = aliased(Person), aliased(Person)
    query = (
        select(Round, subject, manager)
        .join(subject, Round.subject_id == subject.id)
        .outerjoin(manager, subject.manager_id == manager.id)
    )
    if status:
        query = query.where(Round.status == status)
    if manager_id:
        query = query.where(subject.manager_id == manager_id)
    if department:
        query = query.where(subject.department == department)
    query = query.where(*on_days(Round.deadline, deadline_from, deadline_to))
    listed = read_page(query.order_by(Round.deadline.desc(), Round.id), page, DASHBOARD_PAGE_SIZE)
    counts = response_counts([round_.id for round_, _, _ in listed.rows])
    rows = [
        RoundRow(
            id=round_.id,
            subject=person,
            manager=boss,
            status=round_.status,
            deadline=round_.deadline,
            invited=_others(counts[round_.id]["invited"]),
            submitted=_others(counts[round_.id]["submitted"]),
        )
        for round_, person, boss in listed.rows
    ]
    return replace(listed, rows=rows)


def _others(by_relationship: dict[str, int]) -> int:
    return sum(n for relationship, n in by_relationship.items() if relationship != "self")


def list_departments(actor_id: str) -> list[str]:
    """Every department someone belongs to, in order: the dashboard's department filter."""
    load_hr(actor_id)
    return list(
        db.session.scalars(
            select(Person.department)
            .where(Person.department.is_not(None))
            .distinct()
            .order_by(Person.department)
        )
    )


def list_managers(actor_id: str) -> list[Person]:
    """Everyone who manages someone, by name: the dashboard's manager filter."""
    load_hr(actor_id)
    managed = select(Person.manager_id).where(Person.manager_id.is_not(None))
    return list(
        db.session.scalars(
            select(Person).where(Person.id.in_(managed)).order_by(func.lower(Person.name))
        )
    )
