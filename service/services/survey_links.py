"""Survey links: minted when an email or a response carries one, kept only as digests."""

from __future__ import annotations

from sqlalchemy import select, update

from service.extensions import db
from service.models import Rater, Round, SurveyLink
from service.services.clock import now
from service.services.errors import Unauthorized
from service.services.tokens import hash_token, new_token


def accepts_answers(round_: Round) -> bool:
    return round_.status == "open" and now() < round_.deadline


def issue_survey_link(rater: Rater) -> str:
    """A new link for the rater (older ones keep working); the caller commits."""
    token = new_token()
    # Added by id, not through rater.links: loading every rater's links costs a query each.
    db.session.add(SurveyLink(rater_id=rater.id, token_hash=hash_token(token), issued_at=now()))
    return token


def revoke_survey_links(rater: Rater) -> None:
    db.session.execute(
        update(SurveyLink)
        .where(SurveyLink.rater_id == rater.id, SurveyLink.revoked_at.is_(None))
        .values(revoked_at=now())
        .execution_options(synchronize_session=False)
    )


def live_link(token_hash: str) -> SurveyLink | None:
    return db.session.scalar(
        select(SurveyLink).where(
            SurveyLink.token_hash == token_hash, SurveyLink.revoked_at.is_(None)
        )
    )


def rater_for_survey_token(token: str) -> Rater:
    link = live_link(hash_token(token))
    if link is None:
        raise Unauthorized("this survey link is not valid")
    return link.rater
