"""Organisation norms: where a person's all-others score on a skill falls among colleagues'
(docs/scoring.md, "Organisation norms").

The norm set of a skill holds, for every other person, the all-others score of their latest
earlier round on the same instrument version, where it was published; the service picks
those rounds. Here only the counting happens: how many colleagues' scores lie below this
one and how many equal it, on the published two decimals, so two scores that read the same
in two reports count as equal.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence

from reports.results import DECIMALS, Norm

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
    norm_sets: Mapping[str, Sequence[float]],
) -> dict[str, Norm]:
    """The norms of one round.

    `own`: this round's all-others score by skill id (full precision; a skill without one is
    absent); `norm_sets`: by skill id, the published all-others scores of the skill's norm
    set, one per colleague. The result has, in the order of `skill_ids`, each skill with a
    score of its own and a norm set of at least MIN_NORM_SET rounds."""
    norms = {}
    for skill_id in skill_ids:
        values = sorted(published(value) for value in norm_sets.get(skill_id, ()))
        if skill_id not in own or len(values) < MIN_NORM_SET:
            continue
        mine = published(own[skill_id])
        # Sorted once, the set is counted by two binary searches instead of a pass per skill.
        below = bisect_left(values, mine)
        equal = bisect_right(values, mine) - below
        norms[skill_id] = Norm(percentile(below, equal, len(values)), len(values))
    return norms


def norm_phrase(norm: Norm) -> str:
    """ "higher than 64 % of 42 colleagues": how the report words a norm."""
    return f"higher than {norm.percentile} % of {norm.n} colleagues"
