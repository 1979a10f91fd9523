"""Organisation norms: where a person's all-others score on a skill falls among colleagues'
(docs/scoring.md, "Organisation norms").

The norm set of a skill holds, for every other person, the all-others score of their latest
earlier round on the same instrument version, where it was published; the service picks
those rounds. Here only the counting happens: how many colleagues' scores lie below this
one and how many equal it, on the published two decimals, so two scores that read the same
in two reports count as equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from reports.language import gettext as _
from reports.language import joined
from reports.results import DECIMALS, Norm, Results

# Fewer colleagues than this and a percentile would say more about who happened to be
# compared than about the person.
MIN_NORM_SET = 10


def published(score: float) -> float:
    """A score as the results document publishes it: Python's round() to two decimals, the
    same call that writes the document, so a colleague's stored value and this round's
    value are rounded alike."""
    return round(float(score), DECIMALS)


def percentile(below: int, equal: int, size: int) -> int:
    """100 * (below + 0.5 * equal) / size rounded half up to a whole number.

    Integer arithmetic: the exact value is (200 * below + 100 * equal) / (2 * size), and
    floor(x + 1/2) of it needs no float, so 12.5 becomes 13 (Python's round() would give the
    even 12, and a float could land just under the half)."""
    return (200 * below + 100 * equal + size) // (2 * size)


def compute_norms(
    skill_ids: Sequence[str],
    own: Mapping[str, float],
    norm_sets: Mapping[str, Mapping[float, int]],
) -> dict[str, Norm]:
    """The norms of one round.

    `own`: this round's all-others score by skill id (full precision; a skill without one is
    absent); `norm_sets`: by skill id, the skill's norm set as counts, {a colleague's
    published all-others score: how many colleagues have it} (a collections.Counter of the
    scores will do; the database counts them, so thousands of rounds arrive as a few hundred
    distinct values). The result has, in the order of `skill_ids`, each skill with a score
    of its own and a norm set of at least MIN_NORM_SET rounds."""
    norms = {}
    for skill_id in skill_ids:
        counts: Counter[float] = Counter()
        for score, count in norm_sets.get(skill_id, {}).items():
            counts[published(score)] += count
        size = counts.total()
        if skill_id not in own or size < MIN_NORM_SET:
            continue
        mine = published(own[skill_id])
        below = sum(count for score, count in counts.items() if score < mine)
        norms[skill_id] = Norm(percentile(below, counts[mine], size), size)
    return norms


def norm_sentence(results: Results) -> str | None:
    """The summary's one sentence on the norms: the skill where others' score stands highest
    among colleagues and the one where it stands lowest (ties: the instrument's order), or
    the one skill with a norm; None without norms."""
    ranked = [(s.name, results.norms[s.id]) for s in results.skills if s.id in results.norms]
    if not ranked:
        return None
    (high, top), (low, bottom) = (
        max(ranked, key=lambda pair: pair[1].percentile),  # the first of a tie
        min(ranked, key=lambda pair: pair[1].percentile),
    )
    if len(ranked) == 1:
        return _(
            "Compared with colleagues who had a 360 on the same questionnaire, your score from "
            "others on %(skill)s is higher than %(percentile)s %% of %(n)s colleagues'.",
            skill=high,
            percentile=top.percentile,
            n=top.n,
        )
    if top.percentile == bottom.percentile:
        return _(
            "Compared with colleagues who had a 360 on the same questionnaire, your scores from "
            "others on %(skills)s are each higher than %(percentile)s %% of colleagues'.",
            skills=joined([name for name, _norm in ranked]),
            percentile=top.percentile,
        )
    return _(
        "Compared with colleagues who had a 360 on the same questionnaire, others' scores place "
        "you highest on %(high)s (higher than %(high_percentile)s %% of %(high_n)s colleagues) "
        "and lowest on %(low)s (higher than %(low_percentile)s %% of %(low_n)s).",
        high=high,
        high_percentile=top.percentile,
        high_n=top.n,
        low=low,
        low_percentile=bottom.percentile,
        low_n=bottom.n,
    )
