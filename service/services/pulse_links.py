"""Pulse links: minted when an email (or HR's API answer) carries one, kept only as digests,
exchanged for a cookie like a survey link."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from service.extensions import db
from service.models import PulseLink, PulseRater, Rater, Round
from service.services.absolute_urls import base_url
from service.services.clock import now
from service.services.errors import Unauthorized
from service.services.tokens import hash_token, new_token

PULSE_PATH = "/p/"


def pulse_url(token: str) -> str:
    return f"{base_url()}{PULSE_PATH}{token}"


def issue_pulse_link(pulse_rater: PulseRater) -> str:
    """A new link for the rater's pulse (older ones keep working); the caller commits."""
    token = new_token()
    db.session.add(
        PulseLink(pulse_rater_id=pulse_rater.id, token_hash=hash_token(token), issued_at=now())
    )
    return token


def pulse_rater_with_live_link(pulse_rater_id: str, token_hash: str) -> PulseRater | None:
    """The pulse's rater, if a link with this digest is theirs; with the pulse, the round's
    rater and the round's subject."""
    return db.session.scalar(
        select(PulseRater)
        .join(PulseLink, PulseLink.pulse_rater_id == PulseRater.id)
        .where(PulseRater.id == pulse_rater_id, PulseLink.token_hash == token_hash)
        .options(
            joinedload(PulseRater.pulse),
            joinedload(PulseRater.rater).joinedload(Rater.round).joinedload(Round.subject),
        )
    )


def pulse_rater_of_digest(token_hash: str) -> PulseRater | None:
    link = db.session.scalar(select(PulseLink).where(PulseLink.token_hash == token_hash))
    return None if link is None else link.pulse_rater


def pulse_rater_for_token(token: str) -> PulseRater:
    pulse_rater = pulse_rater_of_digest(hash_token(token))
    if pulse_rater is None:
        raise Unauthorized(lazy_gettext("this pulse link is not valid"))
    return pulse_rater
