"""Change since the previous round, computed when a round closes and frozen with its results.

The previous round is the most recent other round about the same person, on the same
instrument id and version, that closed before this one (a round reopened for late responses
is not closed, so it is not a candidate until it closes again). The change needs the previous
round's scores at full precision, while its published document keeps two decimals: the
stored document keeps them beside it, under FULL_PRECISION (never served), since this
feature exists. For a round stored before, they are recomputed from its stored answers,
those of the release blocks before its last release (a late answer that did not change
the released version is not in it). Either way a full-precision value is used only where it
rounds to the published one; otherwise the published value stands.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from reports.aggregate import skill_scores_by_block
from reports.change import SkillScores, compute_change
from reports.results import DECIMALS, Change, Results
from service.extensions import db
from service.models import Pulse, Response, ResponseAnswer, Round

# The key of the stored results document that keeps the published skill scores at full
# precision, {"others": {skill id: score}, "self": {...}}; Results.from_dict ignores it.
FULL_PRECISION = "full_precision"


def full_precision(results: Results) -> dict[str, dict[str, float]]:
    """What the stored document keeps under FULL_PRECISION for `results` (full precision)."""
    scores = published_scores(results)
    return {"others": dict(scores.others), "self": dict(scores.self)}


def previous_round(round_: Round) -> Round | None:
    """The round `round_`'s change is measured from, or None (`round_` must be closed)."""
    return db.session.scalar(
        select(Round)
        .where(
            Round.subject_id == round_.subject_id,
            Round.id != round_.id,
            Round.instrument_id == round_.instrument_id,
            Round.instrument_version == round_.instrument_version,
            Round.status == "closed",
            Round.results.is_not(None),
            Round.closed_at < round_.closed_at,
        )
        .order_by(Round.closed_at.desc(), Round.id.desc())
        .limit(1)
    )


def change_since_previous(round_: Round, results: Results) -> Change | None:
    """The change from the previous round to `results` (this round's, full precision)."""
    previous = previous_round(round_)
    if previous is None:
        return None
    instrument = round_.instrument
    return compute_change(
        previous.id,
        [skill.id for skill in instrument.skills],
        _released_scores(previous),
        published_scores(results),
        score_sd=instrument.score_sd,
        reliability=instrument.reliability,
    )


def published_scores(results: Results) -> SkillScores:
    """All others' and self's published skill scores, at whatever precision `results` holds."""
    return SkillScores(
        others={s.id: s.scores["others"] for s in results.skills if "others" in s.scores},
        self={s.id: s.scores["self"] for s in results.skills if "self" in s.scores},
    )


def _released_scores(round_: Round) -> SkillScores:
    """The round's published skill scores at full precision, as far as its answers tell."""
    published = published_scores(Results.from_dict(round_.results))
    full = round_.results.get(FULL_PRECISION) or _recomputed(round_)
    return SkillScores(
        others=_precise(published.others, full.get("others", {})),
        self=_precise(published.self, full.get("self", {})),
    )


def _precise(published: dict[str, float], full: dict[str, float]) -> dict[str, float]:
    return {
        skill_id: full[skill_id]
        if skill_id in full and round(full[skill_id], DECIMALS) == value
        else value
        for skill_id, value in published.items()
    }


def _recomputed(round_: Round) -> dict[str, dict[str, float]]:
    """{"others" | "self": {skill id: score}} from the answers released with the round."""
    rows = db.session.execute(
        select(
            Response.round_id,
            Response.key,
            Response.relationship,
            ResponseAnswer.item_id,
            ResponseAnswer.score,
        )
        .join(ResponseAnswer)
        .where(Response.round_id == round_.id, Response.release_block < round_.releases)
    ).all()
    answers = pd.DataFrame.from_records(
        rows, columns=["round_id", "rater_id", "relationship", "item_id", "score"]
    ).astype({"score": "float64"})
    if answers.empty:
        return {}
    item_skill = {item.id: skill.id for skill in round_.instrument.skills for item in skill.items}
    table = skill_scores_by_block(answers, item_skill)
    scores: dict[str, dict[str, float]] = {}
    for row in table[table["group"].isin(["others", "self"])].itertuples(index=False):
        scores.setdefault(str(row.group), {})[str(row.skill)] = float(row.score)
    return scores


def previous_round_of(results: dict) -> Round | None:
    """The round a results document's change is measured from, if it has one."""
    change = results.get("change")
    return None if change is None else db.session.get(Round, change["previous_round_id"])


def pulse_change(round_: Round) -> dict[str, float] | None:
    """The mean change all others reported per skill in the round's latest closed impact
    pulse, where published; None without one."""
    pulse = db.session.scalar(
        select(Pulse)
        .where(Pulse.round_id == round_.id, Pulse.results.is_not(None))
        .order_by(Pulse.closed_at.desc(), Pulse.id.desc())
        .limit(1)
    )
    if pulse is None:
        return None
    skills = pulse.results.get("skills", [])
    return {s["id"]: float(s["scores"]["others"]) for s in skills if "others" in s["scores"]}
