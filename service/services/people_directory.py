"""HR's directory of people through the API: find people, add one, change one (name, role,
manager, department), never letting a chain of managers come back to where it started."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from service.extensions import db
from service.models import ROLES, Person
from service.services import audit
from service.services.access import load_hr
from service.services.errors import Invalid, NotFound
from service.services.paging import Page, read_page
from service.services.people import (
    PEOPLE_PAGE_SIZE,
    department_problem,
    find_person_by_email,
    name_problem,
    normalise_email,
)

PEOPLE_REFUSED = lazy_gettext("this person cannot be changed")


def describe_person(person: Person, manager: Person | None) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "manager_email": manager.email if manager else None,
        "department": person.department,
    }


def find_people(
    actor_id: str,
    *,
    email: str | None = None,
    manager_email: str | None = None,
    department: str | None = None,
    page: int = 1,
    size: int = PEOPLE_PAGE_SIZE,
) -> Page[dict]:
    """HR's people by name, filtered by their email, their manager's email or their
    department (each exact, emails in any case), a page at a time."""
    load_hr(actor_id)
    manager = aliased(Person)
    query = select(Person, manager).outerjoin(manager, Person.manager_id == manager.id)
    if email:
        query = query.where(Person.email == normalise_email(email))
    if manager_email:
        query = query.where(manager.email == normalise_email(manager_email))
    if department:
        query = query.where(Person.department == department.strip())
    listed = read_page(query.order_by(func.lower(Person.name), Person.email), page, size)
    return Page(
        [describe_person(person, boss) for person, boss in listed.rows],
        listed.page,
        listed.pages,
        listed.total,
    )


def manages_through(manager: Person, person: Person) -> bool:
    """Whether `person` is `manager` or one of the managers above them: naming `manager` as
    the person's manager would then close a loop. Each person is visited once."""
    seen: set[str] = set()
    current: Person | None = manager
    while current is not None and current.id not in seen:
        if current.id == person.id:
            return True
        seen.add(current.id)
        current = current.manager
    return False


def _new_manager(person: Person, manager_email: str) -> Person | None:
    if not manager_email:
        return None
    manager = find_person_by_email(manager_email)
    if manager is None:
        raise Invalid(
            lazy_gettext(
                "nobody has the email %(email)s; add the manager first",
                email=normalise_email(manager_email),
            ),
            {"manager_email": [lazy_gettext("no person has this email")]},
        )
    if manages_through(manager, person):
        raise Invalid(
            lazy_gettext(
                "%(manager)s cannot manage %(person)s: the chain of managers would come "
                "back to %(person)s",
                manager=manager.name,
                person=person.name,
            ),
            {"manager_email": [lazy_gettext("would make the managers form a loop")]},
        )
    return manager


def update_person(actor_id: str, person_id: str, changes: dict) -> dict:
    """HR changes a person's name, role, manager (an email; empty for none) or department
    (empty for none); only the keys given change."""
    actor = load_hr(actor_id)
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(lazy_gettext("no such person"))
    errors: dict[str, list[str]] = {}
    if "name" in changes and (problem := name_problem(changes["name"])):
        errors["name"] = [problem]
    if "role" in changes and changes["role"] not in ROLES:
        errors["role"] = [lazy_gettext("must be one of %(codes)s", codes=", ".join(ROLES))]
    department = (changes.get("department") or "").strip()
    if problem := department_problem(department):
        errors["department"] = [problem]
    if errors:
        raise Invalid(PEOPLE_REFUSED, errors)
    if "manager_email" in changes:
        person.manager = _new_manager(person, changes["manager_email"] or "")
    if "name" in changes:
        person.name = changes["name"].strip()
    if "role" in changes:
        person.role = changes["role"]
    if "department" in changes:
        person.department = department or None
    audit.record(
        "person_changed",
        actor,
        detail=f"{person.name} <{person.email}>: {', '.join(sorted(changes))}",
    )
    db.session.commit()
    return describe_person(person, person.manager)
