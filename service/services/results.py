"""A round's results: load its answers into a DataFrame, score them, freeze and serve them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from flask_babel import lazy_gettext
from sqlalchemy import select

from reports.aggregate import ScoringSettings, aggregate, late_update_allowed
from reports.results import Results
from service.extensions import db
from service.models import Person, Response, ResponseAnswer, ResponseComment, Round
from service.services.access import acts_as_hr, load_actor, load_round_for
from service.services.change import FULL_PRECISION, change_since_previous, full_precision
from service.services.clock import now
from service.services.counts import response_counts
from service.services.errors import Conflict, Forbidden
from service.services.norms import norms_at_close, record_published_scores
from service.services.settings import current_settings

# reports/ calls the one who answered its "rater"; here that is the response's random key,
# which identifies a response and nobody (service/models/responses.py).
ANSWER_COLUMNS = ["rater_id", "relationship", "item_id", "score"]
COMMENT_COLUMNS = ["rater_id", "relationship", "key", "text"]


def answers_frame(round_id: str) -> pd.DataFrame:
    """Every answer of the round's submitted responses, one row per (response, item)."""
    rows = db.session.execute(
        select(Response.key, Response.relationship, ResponseAnswer.item_id, ResponseAnswer.score)
        .join(ResponseAnswer)
        .where(Response.round_id == round_id)
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=ANSWER_COLUMNS)
    # NULL ("don't know") becomes NaN: excluded from every mean, never a zero.
    return frame.astype({"score": "float64"})


def comments_frame(round_id: str) -> pd.DataFrame:
    rows = db.session.execute(
        select(Response.key, Response.relationship, ResponseComment.key, ResponseComment.text)
        .join(ResponseComment)
        .where(Response.round_id == round_id)
    ).all()
    return pd.DataFrame.from_records(rows, columns=COMMENT_COLUMNS)


def compute_results(round_: Round) -> Results:
    """Score the round's submitted responses as they stand now."""
    counts = response_counts([round_.id])[round_.id]
    return aggregate(
        answers_frame(round_.id),
        comments_frame(round_.id),
        round_.instrument,
        ScoringSettings(
            anonymity_threshold=round_.anonymity_threshold, gap_threshold=round_.gap_threshold
        ),
        round_id=round_.id,
        invited=counts["invited"],
        declined=counts["declined"],
        count_sets=round_.count_sets,
        subject_first_name=round_.subject.first_name,
        seed=round_.comment_seed,
    )


def freeze_results(round_: Round) -> None:
    """Store the results at close; after the first release, late responses change them only
    when the late-response rule allows (the caller commits). The change since the previous
    round is frozen with them, and so are the organisation norms."""
    candidate = compute_results(round_)
    candidate = replace(candidate, change=change_since_previous(round_, candidate))
    if round_.results is not None:
        released = Results.from_dict(round_.results)
        if not late_update_allowed(released, candidate):
            return
    # Computed only for the version that is kept: colleagues' rounds closed since the first
    # close count in the norms of a version released later, like everything else it holds.
    candidate = replace(candidate, norms=norms_at_close(round_, candidate))
    record_published_scores(round_.id, candidate)
    # The next round's change is computed from these scores at full precision.
    round_.results = candidate.to_dict() | {FULL_PRECISION: full_precision(candidate)}
    round_.results_released_at = now()
    # Responses from now on arrive in the next release block.
    round_.releases += 1


def may_read_results(actor: Person, round_: Round) -> bool:
    """HR on anyone else's round; the person a round is about (HR included, on a round about
    themselves) when the organisation lets people read their own results. The one rule for
    every view of a round's results: the results document, the report as a page and as a
    PDF, and anything derived from them."""
    return acts_as_hr(actor, round_) or current_settings().subject_sees_report


def may_read_results_about(actor: Person, person: Person) -> bool:
    """The same rule for what spans a person's rounds (their history): HR about anyone else,
    the person themselves (HR included) when the organisation lets people read their own
    results."""
    return (actor.is_hr and person.id != actor.id) or current_settings().subject_sees_report


def load_released_round(actor_id: str, round_id: str) -> Round:
    """The round, for an actor who may read its results, once results were released."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id)
    if not may_read_results(actor, round_):
        raise Forbidden(
            lazy_gettext(
                "your organisation shares the results of 360 rounds through HR; ask HR for a "
                "conversation about your report"
            )
        )
    if round_.results is None:
        raise Conflict(
            lazy_gettext("the round is still open; results are computed when it closes")
            if round_.status == "open"
            else lazy_gettext(
                "the round has not been launched; results are computed when it closes"
            )
        )
    return round_


def get_results(actor_id: str, round_id: str) -> dict:
    """The released results document: HR and, where allowed, the subject, once closed.

    Read through Results, so a document stored under older rules (exact response counts,
    item-by-item publication) is served as today's rules allow."""
    return Results.from_dict(load_released_round(actor_id, round_id).results).to_dict()
