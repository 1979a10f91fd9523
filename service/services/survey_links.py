"""Survey links: minted when an email or a response carries one, kept only as digests."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

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


# The rater whose session holds a live link's digest, with the round and its subject
# (every survey page and every rule needs them): one query, as every request begins with it.
_RATER_WITH_LIVE_LINK = (
    select(Rater)
    .join(SurveyLink, SurveyLink.rater_id == Rater.id)
    .where(
        Rater.id == bindparam("rater_id"),
        SurveyLink.token_hash == bindparam("token_hash"),
        SurveyLink.revoked_at.is_(None),
    )
    .options(joinedload(Rater.round).joinedload(Round.subject))
)


def rater_with_live_link(rater_id: str, token_hash: str) -> Rater | None:
    """The rater, if a live link with this digest is theirs; else None."""
    return db.session.scalar(
        _RATER_WITH_LIVE_LINK, {"rater_id": rater_id, "token_hash": token_hash}
    )


def rater_for_survey_token(token: str) -> Rater:
    link = live_link(hash_token(token))
    if link is None:
        raise Unauthorized(lazy_gettext("this survey link is not valid"))
    return link.rater
