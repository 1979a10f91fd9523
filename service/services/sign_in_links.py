"""Emailed sign-in links: single use, valid 15 minutes, only their digest stored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, select

from service.extensions import db
from service.models import Person, SignInLink
from service.services.clock import now
from service.services.tokens import hash_token, new_token

SIGN_IN_LINK_MINUTES = 15


def mint_sign_in_link(person: Person) -> str:
    """A new single-use link token, valid for 15 minutes (called when its email is sent)."""
    token = new_token()
    db.session.add(
        SignInLink(
            person_id=person.id,
            token_hash=hash_token(token),
            expires_at=now() + timedelta(minutes=SIGN_IN_LINK_MINUTES),
        )
    )
    return token


def live_link(token: str) -> Select:
    """The query for the unused, unexpired link with this token."""
    return select(SignInLink).where(
        SignInLink.token_hash == hash_token(token),
        SignInLink.used_at.is_(None),
        SignInLink.expires_at > now(),
    )
