"""The impact pulse's results: how the raters saw a person's focus skills change since the
report, published under the round's own anonymity rules (docs/scoring.md, "Impact pulse").

A pulse asks one question per focus skill, answered from -3 (much worse) to +3 (much
better) or not at all ("not observed"). Blocks, merging, per-skill suppression and the
"others" pool are the round's (reports.aggregate), applied to the pulse's respondents with
the round's k: each skill is a single question, so a skill and its one item are decided
together. Only "others" carries a distribution; the comment is published only when at least
k raters answered the pulse, unattributed and in an order fixed by a seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.aggregate import (
    Layout,
    RoundAnswers,
    answer_matrix,
    distributions,
    group_means,
    positions,
    publishable,
    published_comments,
    published_values,
    require_columns,
    respondent_groups,
)
from reports.anonymity import threshold_problem
from reports.results import Group, rounded_values
from surveys.relationships import OBSERVERS, RELATIONSHIPS

PULSE_SCALE = (-3, -2, -1, 0, 1, 2, 3)
PULSE_ANSWER_COLUMNS = ("rater_id", "relationship", "skill_id", "score")
PULSE_COMMENT_COLUMNS = ("rater_id", "relationship", "text")
# The comments' one key: a pulse has a single open question.
COMMENT_KEY = "comment"


@dataclass(frozen=True)
class PulseSkill:
    """One focus skill: published mean change and n by group key; the others' distribution
    over -3..+3 and "na" (respondents of "others" who did not observe it), if published."""

    id: str
    scores: Mapping[str, float]
    n: Mapping[str, int]
    distribution: Mapping[str, int] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scores": rounded_values(self.scores),
            "n": dict(self.n),
            "distribution": None if self.distribution is None else dict(self.distribution),
        }


@dataclass(frozen=True)
class PulseResults:
    groups: tuple[Group, ...]
    skills: tuple[PulseSkill, ...]
    comments: tuple[str, ...]

    @property
    def too_few_raters(self) -> bool:
        """Nothing is published: fewer than k answered, with no block or pool to show."""
        return not self.groups

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [group.to_dict() for group in self.groups],
            "skills": [skill.to_dict() for skill in self.skills],
            "comments": list(self.comments),
        }


def aggregate_pulse(
    answers: pd.DataFrame,
    comments: pd.DataFrame,
    skill_ids: Sequence[str],
    *,
    k: int,
    seed: int,
) -> PulseResults:
    """Score one pulse.

    `answers`: one row per (respondent, skill) of the respondents who submitted, with columns
    rater_id, relationship (never self), skill_id and score (-3..3, NaN for not observed); a
    respondent counts in the blocks even when they observed nothing, as long as they have a
    row. `comments`: rater_id, relationship, text; those of raters without an answer row are
    ignored. `skill_ids`: the pulse's skills, in order. ValueError for anything else.
    """
    if problem := threshold_problem(k):
        raise ValueError(f"k {problem}, got {k!r}")
    skills = pd.Index(list(skill_ids), dtype=object)
    if skills.empty or skills.has_duplicates:
        raise ValueError("skill_ids: one or more skills, each once")
    round_ = _pulse_respondents(answers, skills)
    _, groups, keys, members = respondent_groups(round_.relationship, k)
    mean, n = group_means(round_.skill_scores, members)
    # A skill is its own single item: the skill and item decisions coincide.
    published, _, _ = publishable(n, n, np.arange(len(skills)), keys, k)
    # na: the respondents of "others" who did not observe the skill.
    skill_distributions = distributions(round_, members, keys, published, PULSE_SCALE)
    results = tuple(
        PulseSkill(
            id=skill,
            scores=published_values(mean[j], published[j], keys, float),
            n=published_values(n[j], published[j], keys, int),
            distribution=skill_distributions[j],
        )
        for j, skill in enumerate(skills)
    )
    require_columns(comments, PULSE_COMMENT_COLUMNS, "comments")
    layout = Layout.from_item_skill(dict(zip(skills, skills, strict=True)), [COMMENT_KEY])
    comments_by_key = published_comments(comments.assign(key=COMMENT_KEY), round_, layout, k, seed)
    return PulseResults(tuple(groups), results, comments_by_key.get(COMMENT_KEY, ()))


def _pulse_respondents(answers: pd.DataFrame, skills: pd.Index) -> RoundAnswers:
    """The respondents' answers as a rater x skill matrix (NaN: not observed)."""
    require_columns(answers, PULSE_ANSWER_COLUMNS, "answers")
    relationship = positions(answers["relationship"], pd.Index(RELATIONSHIPS))
    observer = np.isin(relationship, [RELATIONSHIPS.index(r) for r in OBSERVERS])
    if not observer.all():
        raise ValueError(f"answers: a pulse's respondents are one of {', '.join(OBSERVERS)}")
    skill = skills.get_indexer(answers["skill_id"])
    if (skill < 0).any():
        raise ValueError("answers: skill id(s) not in the pulse")
    score = pd.to_numeric(answers["score"]).to_numpy(dtype=float)
    if not (np.isnan(score) | np.isin(score, PULSE_SCALE)).all():
        raise ValueError("answers: a score must be an integer from -3 to 3, or NaN")
    _, rater_ids, rater_relationship, matrix = answer_matrix(
        answers["rater_id"], relationship, skill, score, len(skills), "a skill"
    )
    # One question per skill: a respondent counts for a skill exactly when they answered it.
    return RoundAnswers(rater_ids, rater_relationship, matrix, matrix)
