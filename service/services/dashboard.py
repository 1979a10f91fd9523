"""HR's dashboard: every round with its subject, manager and response rate, filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from service.extensions import db
from service.models import ROUND_STATUSES, Person, Round
from service.services.counts import response_counts
from service.services.errors import Invalid
from service.services.people import load_hr

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


@dataclass(frozen=True)
class DashboardPage:
    rounds: list[RoundRow]
    page: int
    pages: int
    total: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def list_rounds_for_hr(
    actor_id: str,
    *,
    status: str | None = None,
    manager_id: str | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    page: int = 1,
) -> DashboardPage:
    """Rounds whose deadline falls within the days given (UTC, both included), latest
    deadline first, a page at a time; three queries whatever the page holds."""
    load_hr(actor_id)
    if status and status not in ROUND_STATUSES:
        raise Invalid(f"status must be one of {', '.join(ROUND_STATUSES)}", {"status": [status]})
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise Invalid(
            "the first day must not be after the last", {"deadline_from": ["after deadline_to"]}
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
    if deadline_from:
        query = query.where(Round.deadline >= _start_of(deadline_from))
    if deadline_to:
        query = query.where(Round.deadline < _start_of(deadline_to + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // DASHBOARD_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.order_by(Round.deadline.desc(), Round.id)
        .limit(DASHBOARD_PAGE_SIZE)
        .offset((page - 1) * DASHBOARD_PAGE_SIZE)
    ).all()
    counts = response_counts([round_.id for round_, _, _ in rows])
    return DashboardPage(
        [
            RoundRow(
                id=round_.id,
                subject=person,
                manager=boss,
                status=round_.status,
                deadline=round_.deadline,
                invited=_others(counts[round_.id]["invited"]),
                submitted=_others(counts[round_.id]["submitted"]),
            )
            for round_, person, boss in rows
        ],
        page,
        pages,
        total,
    )


def _others(by_relationship: dict[str, int]) -> int:
    return sum(n for relationship, n in by_relationship.items() if relationship != "self")


def list_managers(actor_id: str) -> list[Person]:
    """Everyone who manages someone, by name: the dashboard's manager filter."""
    load_hr(actor_id)
    managed = select(Person.manager_id).where(Person.manager_id.is_not(None))
    return list(
        db.session.scalars(
            select(Person).where(Person.id.in_(managed)).order_by(func.lower(Person.name))
        )
    )
