"""People and their personal API tokens."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.models import ROLES, ApiToken, Person
from service.services.errors import Conflict, Invalid, NotFound
from service.services.tokens import hash_token, new_token

API_TOKEN_PREFIX = "f360_"  # noqa: S105 - marks tokens in logs and scanners


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_person_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


def create_person(email: str, name: str, role: str) -> Person:
    if role not in ROLES:
        raise Invalid(
            f"role must be one of {', '.join(ROLES)}", {"role": [f"unknown role {role!r}"]}
        )
    if not name.strip():
        raise Invalid("name must not be empty", {"name": ["must not be empty"]})
    if find_person_by_email(email):
        raise Conflict(f"a person with the email {normalise_email(email)} already exists")
    person = Person(email=normalise_email(email), name=name.strip(), role=role)
    db.session.add(person)
    db.session.commit()
    return person


def issue_api_token(person_id: str) -> str:
    """Create a personal API token and return it; this is the only time it is visible."""
    if db.session.get(Person, person_id) is None:
        raise NotFound("no such person")
    token = new_token(API_TOKEN_PREFIX)
    db.session.add(ApiToken(person_id=person_id, token_hash=hash_token(token)))
    db.session.commit()
    return token


def person_for_api_token(token: str) -> Person | None:
    return db.session.scalar(
        select(Person).join(ApiToken).where(ApiToken.token_hash == hash_token(token))
    )
