"""HR's import of many people from one CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Container
from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import Person
from service.models.types import new_id
from service.services import audit
from service.services.access import load_hr
from service.services.csv_uploads import (
    CheckedFile,
    Problem,
    delimiter_of,
    in_file_order,
    read_csv_table,
)
from service.services.errors import Conflict
from service.services.notifications import dispatch, queue_person_email
from service.services.people import department_problem, normalise_email, person_problems

PEOPLE_COLUMNS = ("name", "email", "role", "manager_email", "department")
DEFAULT_ROLE = "member"
# Emails or ids per IN (...) look-up: well under every database's parameter limit.
LOOKUP_CHUNK = 1000


@dataclass(frozen=True)
class PersonRow:
    row: int
    name: str
    email: str
    role: str
    manager_email: str
    department: str = ""


@dataclass
class PeopleImport(CheckedFile):
    """What a file would import, and the problems that stop it."""

    people: list[PersonRow]


def _manager_loops(people: dict[str, PersonRow]) -> set[str]:
    """Emails of rows whose manager chain (within the file) comes back to themselves;
    each row is walked once, so a long chain of managers stays quick."""
    walked: set[str] = set()
    looping: set[str] = set()
    for start in people:
        path: list[str] = []
        current = start
        while current in people and current not in walked:
            walked.add(current)
            path.append(current)
            current = people[current].manager_email
        if current in path:
            looping.update(path[path.index(current) :])
    return looping


def _managers_first(people: list[PersonRow]) -> list[PersonRow]:
    """The rows ordered so that a manager from the file is inserted before their reports
    (the file may list them in any order; it has no loops by now)."""
    by_email = {row.email: row for row in people}
    depth: dict[str, int] = {}
    for row in people:
        path, current = [], row.email
        while current in by_email and current not in depth:
            path.append(current)
            current = by_email[current].manager_email
        level = depth.get(current, -1)  # -1: the chain ends outside the file
        for email in reversed(path):
            level += 1
            depth[email] = level
    return sorted(people, key=lambda row: depth[row.email])


def check_people(text: str, existing_emails: Container[str]) -> PeopleImport:
    """Validate a people CSV against the emails already taken; pure, nothing is written."""
    table = read_csv_table(text, PEOPLE_COLUMNS, required=("name", "email"))
    problems = list(table.problems)
    people: dict[str, PersonRow] = {}
    unchecked_managers = set()
    for number, values in table.rows:
        row = PersonRow(
            row=number,
            name=values["name"],
            email=normalise_email(values["email"]),
            role=values["role"].lower() or DEFAULT_ROLE,
            manager_email=normalise_email(values["manager_email"]),
            department=values["department"].strip(),
        )
        found = person_problems(row.name, row.email, row.role, row.manager_email)
        if problem := department_problem(row.department):
            found["department"] = problem
        if "email" not in found:
            if row.email in people:
                found["email"] = lazy_gettext(
                    "%(email)s is already on row %(row)s",
                    email=row.email,
                    row=people[row.email].row,
                )
            elif row.email in existing_emails:
                found["email"] = lazy_gettext(
                    "a person with the email %(email)s already exists", email=row.email
                )
        problems += [Problem(number, column, message) for column, message in found.items()]
        if "email" not in found:
            people[row.email] = row
            if "manager_email" in found:
                unchecked_managers.add(row.email)
    for row in people.values():
        manager = row.manager_email
        if (
            manager
            and row.email not in unchecked_managers
            and manager not in people
            and manager not in existing_emails
        ):
            problems.append(
                Problem(
                    row.row,
                    "manager_email",
                    lazy_gettext(
                        "nobody has the email %(email)s, here or in another row of the file",
                        email=manager,
                    ),
                )
            )
    checked = {email: row for email, row in people.items() if email not in unchecked_managers}
    for email in sorted(_manager_loops(checked), key=lambda e: people[e].row):
        problems.append(
            Problem(
                people[email].row,
                "manager_email",
                lazy_gettext("the managers in the file form a loop"),
            )
        )
    return PeopleImport(
        problems=in_file_order(problems, PEOPLE_COLUMNS),
        people=list(people.values()) if not problems else [],
    )


def taken_emails(text: str) -> dict[str, Person]:
    """People already in the database whose email appears anywhere in the text."""
    try:
        candidates = {
            normalise_email(cell)
            for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
            for cell in cells
            if "@" in cell
        }
    except csv.Error:
        return {}  # check_people reports the malformed file
    found: dict[str, Person] = {}
    ordered = sorted(candidates)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        found |= {
            p.email: p for p in db.session.scalars(select(Person).where(Person.email.in_(chunk)))
        }
    return found


def preview_people_import(actor_id: str, text: str) -> PeopleImport:
    """HR's preview of a people CSV: every row it would add, or every problem in it."""
    load_hr(actor_id)
    return check_people(text, taken_emails(text))


def import_people(actor_id: str, text: str) -> int:
    """Validate the same text again and add everyone in one transaction (all or nothing),
    then email each a welcome; the audit log records the import once. Returns how many."""
    actor = load_hr(actor_id)
    existing = taken_emails(text)
    checked = check_people(text, existing)
    checked.refuse_unless_ok(lazy_gettext("nothing was imported"))
    ids = {row.email: new_id() for row in checked.people}
    ids |= {email: person.id for email, person in existing.items()}
    rows = [
        {
            "id": ids[row.email],
            "email": row.email,
            "name": row.name,
            "role": row.role,
            "manager_id": ids[row.manager_email] if row.manager_email else None,
            "department": row.department or None,
        }
        for row in _managers_first(checked.people)
    ]
    try:
        # One bulk insert: the unit of work would sort a self-referencing table row by row.
        db.session.execute(insert(Person), rows)
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            lazy_gettext("someone added some of these people meanwhile; preview the file again")
        ) from None
    job_ids = [
        queue_person_email("welcome", person)
        for person in _people_by_id([row["id"] for row in rows])
    ]
    audit.record("people_imported", actor, detail=f"{len(rows)} people", data={"count": len(rows)})
    db.session.commit()
    dispatch(job_ids)
    return len(rows)


def _people_by_id(ids: list[str]) -> list[Person]:
    people = []
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        people += db.session.scalars(select(Person).where(Person.id.in_(chunk)))
    return people
