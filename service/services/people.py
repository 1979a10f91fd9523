"""People, their managers and their personal API tokens; HR's list and invitations."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from service.extensions import db
from service.models import ROLES, ApiToken, Person
from service.services import audit
from service.services.access import load_hr
from service.services.errors import Conflict, Invalid, NotFound, worded_later
from service.services.notifications import dispatch, queue_person_email
from service.services.paging import Page, read_page
from service.services.tokens import hash_token, new_token

API_TOKEN_PREFIX = "f360_"  # noqa: S105 - marks tokens in logs and scanners
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320
MAX_DEPARTMENT_LENGTH = 100
PEOPLE_PAGE_SIZE = 100


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_person_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


CONTROL_CHARACTERS = lazy_gettext("must not contain line breaks, tabs or other control characters")


@lru_cache(maxsize=4096)  # a file names the same managers many times
def email_problem(email: str) -> str | None:
    """Why this is not an email address people can be invited at, or None."""
    if not email:
        return lazy_gettext("must not be empty")
    if len(email) > MAX_EMAIL_LENGTH:
        return lazy_gettext("must be at most %(max)s characters", max=MAX_EMAIL_LENGTH)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        # The validator's reason stays English: it names the exact fault in the address.
        return lazy_gettext("is not a valid email address (%(reason)s)", reason=str(error))
    return None


def name_problem(name: str) -> str | None:
    """What is wrong with a person's name, or None.

    A name goes into email headers and onto every page: a line break or another control
    character would stop each email to that person, so none is accepted."""
    if not name.strip():
        return lazy_gettext("must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        return lazy_gettext("must be at most %(max)s characters", max=MAX_NAME_LENGTH)
    if any(unicodedata.category(character) == "Cc" for character in name):
        return CONTROL_CHARACTERS
    return None


def department_problem(department: str) -> str | None:
    """What is wrong with a department's name, or None (an empty one means none)."""
    if len(department) > MAX_DEPARTMENT_LENGTH:
        return lazy_gettext("must be at most %(max)s characters", max=MAX_DEPARTMENT_LENGTH)
    if any(unicodedata.category(character) == "Cc" for character in department):
        return CONTROL_CHARACTERS
    return None


def person_problems(name: str, email: str, role: str, manager_email: str) -> dict[str, str]:
    """The problems of one new person's fields, by field, before any database look-up."""
    problems = {}
    if problem := name_problem(name):
        problems["name"] = problem
    if problem := email_problem(email):
        problems["email"] = problem
    if role not in ROLES:
        problems["role"] = lazy_gettext(
            "must be one of %(choices)s, not %(value)s", choices=", ".join(ROLES), value=repr(role)
        )
    if manager_email:
        if problem := email_problem(manager_email):
            problems["manager_email"] = problem
        elif manager_email == email:
            problems["manager_email"] = lazy_gettext(
                "is the person's own email; nobody manages themselves"
            )
    fields = {"name": name, "email": email, "role": role, "manager_email": manager_email}
    for key, value in fields.items():
        if "\x00" in value:  # no form sends it, and PostgreSQL cannot store it
            problems[key] = lazy_gettext("contains a NUL character")
    return problems


def fields_worded(problems: dict):
    """ "email is not a valid email address; name …": each field with its problem, worded
    when read."""
    return worded_later("; ", (worded_later(" ", item) for item in problems.items()))


def refused_fields(problems: dict) -> Invalid:
    """The refusal of a new person's details: every field's problem, in one line and by
    field."""
    return Invalid(
        fields_worded(problems), {field: [problem] for field, problem in problems.items()}
    )


def invite_person(
    actor_id: str,
    name: str,
    email: str,
    role: str,
    manager_email: str | None = None,
    department: str | None = None,
) -> Person:
    """HR adds one person (with their manager, who must exist, and their department) and
    emails them a welcome."""
    actor = load_hr(actor_id)
    name, email = name.strip(), normalise_email(email)
    manager_email = normalise_email(manager_email or "")
    department = (department or "").strip()
    errors = person_problems(name, email, role, manager_email)
    if problem := department_problem(department):
        errors["department"] = problem
    manager = find_person_by_email(manager_email) if manager_email else None
    if manager_email and "manager_email" not in errors and manager is None:
        errors["manager_email"] = lazy_gettext("no person has this email; add the manager first")
    if errors:
        raise Invalid(
            lazy_gettext("this person cannot be added"), {k: [v] for k, v in errors.items()}
        )
    if find_person_by_email(email):
        raise Conflict(
            lazy_gettext("a person with the email %(email)s already exists", email=email)
        )
    person = Person(
        email=email, name=name, role=role, manager=manager, department=department or None
    )
    db.session.add(person)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # added by another request meanwhile
        raise Conflict(
            lazy_gettext("a person with the email %(email)s already exists", email=email)
        ) from None
    job_id = queue_person_email("welcome", person)
    audit.record("person_added", actor, detail=f"{person.name} <{person.email}> ({role})")
    db.session.commit()
    dispatch([job_id])
    return person


def list_people(actor_id: str, page: int = 1) -> Page[tuple[Person, Person | None]]:
    """HR's list of everyone with their manager, by name, a page at a time."""
    load_hr(actor_id)
    manager = aliased(Person)
    query = (
        select(Person, manager)
        .outerjoin(manager, Person.manager_id == manager.id)
        .order_by(func.lower(Person.name), Person.email)
    )
    return read_page(query, page, PEOPLE_PAGE_SIZE)


def create_person(email: str, name: str, role: str) -> Person:
    """Add a person without a welcome email (the command line and the demo); checked like the
    pages check a new person."""
    problems = person_problems(name.strip(), normalise_email(email), role, "")
    if problems:
        raise refused_fields(problems)
    if find_person_by_email(email):
        raise Conflict(
            lazy_gettext(
                "a person with the email %(email)s already exists", email=normalise_email(email)
            )
        )
    person = Person(email=normalise_email(email), name=name.strip(), role=role)
    db.session.add(person)
    db.session.commit()
    return person


def issue_api_token(person_id: str) -> str:
    """Create a personal API token and return it; this is the only time it is visible."""
    if db.session.get(Person, person_id) is None:
        raise NotFound(lazy_gettext("no such person"))
    token = new_token(API_TOKEN_PREFIX)
    db.session.add(ApiToken(person_id=person_id, token_hash=hash_token(token)))
    db.session.commit()
    return token


def person_for_api_token(token: str) -> Person | None:
    return db.session.scalar(
        select(Person).join(ApiToken).where(ApiToken.token_hash == hash_token(token))
    )
