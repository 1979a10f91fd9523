"""Organisation norms, computed when a round closes and frozen with its results
(docs/scoring.md, "Organisation norms").

The norm set of a skill holds, for every other person, their latest round on the same
instrument id and version that closed before this round closed; that round counts for the
skill where its results publish all others' score. "Latest" is decided before the skill: a
person whose latest round withheld the skill is not replaced by an older round of theirs
(that round is no longer what the organisation sees of them). A round reopened for late
responses is not closed, so until it closes again it is not a candidate, as for the change
since the previous round.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from reports.norms import compute_norms, published
from reports.results import Norm, Results
from service.extensions import db
from service.models import PublishedSkillScore, Round


def record_published_scores(round_id: str, results: Results) -> None:
    """Keep the all-others scores `results` publish beside the document (the caller commits
    both together), replacing those of an earlier version."""
    db.session.execute(delete(PublishedSkillScore).where(PublishedSkillScore.round_id == round_id))
    db.session.add_all(
        PublishedSkillScore(round_id=round_id, skill_id=skill.id, others=published(score))
        for skill in results.skills
        if (score := skill.scores.get("others")) is not None
    )


def norm_sets(round_: Round, skill_ids: Sequence[str]) -> dict[str, dict[float, int]]:
    """By skill id (of `skill_ids`), {published all-others score: how many colleagues' latest
    rounds have it}, in one query counted in the database (`round_` must be closed).

    A candidate round is a closed round of another person on the same instrument version,
    closed before `round_`; it is its person's latest when no candidate of theirs closed after
    it (or at the same moment with a greater id). This anti-join reads only the columns of
    the index ix_rounds_norms, never the wide rows holding the results documents, and lets
    PostgreSQL hash it instead of sorting every candidate as a window function would. A
    closed round always has its results: the close freezes them in the same transaction.
    Their scores are then counted per skill and value.
    """

    def candidate(rounds):
        return and_(
            rounds.instrument_id == round_.instrument_id,
            rounds.instrument_version == round_.instrument_version,
            rounds.status == "closed",
            rounds.closed_at < round_.closed_at,
        )

    later = aliased(Round)
    # EXISTS (SELECT id …), not SELECT *: SQLite would read the table's rows for the star.
    superseded = (
        select(later.id)
        .where(
            later.subject_id == Round.subject_id,
            candidate(later),
            or_(
                later.closed_at > Round.closed_at,
                and_(later.closed_at == Round.closed_at, later.id > Round.id),
            ),
        )
        .exists()
    )
    latest = select(Round.id).where(
        Round.subject_id != round_.subject_id, candidate(Round), ~superseded
    )
    scores = PublishedSkillScore
    # SQLite would look each latest round's scores up by key and then sort all of them to
    # count; "+round_id" keeps it from using the key there, so it walks the index
    # ix_published_skill_scores_norms in the order of the counts and only checks each
    # score's round against the latest ones (a third less time with 10,000 rounds).
    # PostgreSQL hashes either way, and has no "+" for text.
    round_id = (
        literal_column(f"+{scores.__tablename__}.round_id")
        if db.session.get_bind().dialect.name == "sqlite"
        else scores.round_id
    )
    rows = db.session.execute(
        select(scores.skill_id, scores.others, func.count())
        .where(scores.skill_id.in_(skill_ids), round_id.in_(latest))
        .group_by(scores.skill_id, scores.others)
    )
    sets: dict[str, dict[float, int]] = {}
    for skill_id, others, count in rows:
        sets.setdefault(skill_id, {})[float(others)] = int(count)
    return sets


def norms_at_close(round_: Round, results: Results) -> dict[str, Norm]:
    """The norms of `results`, the closing round's (full precision)."""
    own = {skill.id: skill.scores["others"] for skill in results.skills if "others" in skill.scores}
    if not own:
        return {}
    skill_ids = [skill.id for skill in results.skills]
    return compute_norms(skill_ids, own, norm_sets(round_, skill_ids))
