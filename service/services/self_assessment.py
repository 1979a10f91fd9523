"""The person's own self-assessment, answered from their pages as well as from the email.

Only the round's subject may open it, and only the round's self rater is ever opened: the
caller names a round, never a rater, so no other rater's survey can be reached this way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext
from sqlalchemy import select

from service.extensions import db
from service.models import Rater, Round
from service.services.access import load_actor, load_round_for
from service.services.errors import Conflict, Forbidden, NotFound
from service.services.survey import OPEN_STATUSES
from service.services.survey_links import accepts_answers, issue_survey_link

SELF = "self"


@dataclass(frozen=True)
class SelfAssessment:
    """Where the subject's own response stands, as their pages show it."""

    response_status: str  # pending, draft, submitted or declined
    submitted_on: date | None  # only the day is kept (services/survey.py)
    declined_at: datetime | None
    # The round accepts answers and the response can still change: the button is shown.
    can_answer: bool


def _state(rater: Rater, round_: Round) -> SelfAssessment:
    return SelfAssessment(
        response_status=rater.response_status,
        submitted_on=rater.submitted_on,
        declined_at=rater.declined_at,
        can_answer=accepts_answers(round_) and rater.response_status in OPEN_STATUSES,
    )


def self_assessments(actor_id: str, round_ids: Iterable[str]) -> dict[str, SelfAssessment]:
    """The actor's own self-assessment in each of these rounds that has been launched and
    is about them, by round id; rounds about anyone else are left out, HR's included."""
    actor = load_actor(actor_id)
    rows = db.session.execute(
        select(Rater, Round)
        .join(Round, Rater.round_id == Round.id)
        .where(
            Round.id.in_(list(round_ids)),
            Round.subject_id == actor.id,
            Round.status != "draft",
            Rater.relationship == SELF,
        )
    )
    return {round_.id: _state(rater, round_) for rater, round_ in rows}


# A self-assessment that can no longer change, each state worded whole.
ALREADY = {
    "submitted": lazy_gettext(
        "your self-assessment was already submitted; it can no longer change"
    ),
    "declined": lazy_gettext("your self-assessment was already declined; it can no longer change"),
}


def _refusal(round_: Round, rater: Rater):
    if round_.status == "draft":
        return lazy_gettext(
            "the round has not been launched yet; your self-assessment opens with it"
        )
    if round_.status == "closed":
        return lazy_gettext("the round is closed; answers are no longer accepted")
    if not accepts_answers(round_):
        return lazy_gettext("the deadline has passed; answers are no longer accepted")
    if rater.response_status not in OPEN_STATUSES:
        return ALREADY[rater.response_status]
    return None


def open_self_assessment(actor_id: str, round_id: str) -> tuple[Rater, str]:
    """A new survey link to the actor's own self-assessment in this round, for their
    browser to open at once (it is never shown); the emailed links keep working.

    A member gets a 404 for a round that is not theirs, as everywhere; HR, who may read
    every round, is refused someone else's: answering as the subject is theirs alone.
    """
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id)
    if round_.subject_id != actor.id:
        raise Forbidden(
            lazy_gettext("only the person a round is about can answer its self-assessment")
        )
    rater = db.session.scalar(
        select(Rater).where(Rater.round_id == round_.id, Rater.relationship == SELF)
    )
    if rater is None:  # every round is created with one; a missing one is not answerable
        raise NotFound(lazy_gettext("this round has no self-assessment"))
    refusal = _refusal(round_, rater)
    if refusal:
        raise Conflict(refusal)
    token = issue_survey_link(rater)
    db.session.commit()
    return rater, token
