"""Change since the previous round: per skill, how far all others' score moved, and whether
the move is larger than the measurement produces by chance (docs/scoring.md, "Change
since the last round").

The reliable change index of Jacobson and Truax divides the difference by the standard error
of a difference between two measurements, sqrt(2) * SD * sqrt(1 - r): SD is the spread of
skill scores and r the reliability of a skill score, both settings of the instrument. A
change is reliable when |rci| is at least 1.96. Self is shown beside it, never with an rci.
Inputs are full-precision values; the document publishes them rounded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reports.aggregate import TOLERANCE
from reports.language import gettext as _
from reports.language import number
from reports.results import Change, SkillChange

RELIABLE_RCI = 1.96


@dataclass(frozen=True)
class SkillScores:
    """One round's published skill scores at full precision: all others' and self's, by skill
    id (a skill whose value is not published is absent)."""

    others: Mapping[str, float]
    self: Mapping[str, float]


def change_error(score_sd: float, reliability: float) -> float:
    """The standard error of the difference between two skill scores: sqrt(2) * SD * sqrt(1 - r)."""
    return math.sqrt(2) * score_sd * math.sqrt(1 - reliability)


def compute_change(
    previous_round_id: str,
    skill_ids: Sequence[str],
    before: SkillScores,
    now: SkillScores,
    *,
    score_sd: float,
    reliability: float,
) -> Change:
    """The change from `before` (the previous round) to `now`, for each of `skill_ids` (the
    instrument's order) whose others' score is published in both rounds."""
    error = change_error(score_sd, reliability)
    skills = {}
    for skill_id in skill_ids:
        if skill_id not in before.others or skill_id not in now.others:
            continue
        delta = now.others[skill_id] - before.others[skill_id]
        rci = delta / error
        # The tolerance keeps float noise (1.9599999999999997) from deciding the threshold.
        reliable = abs(rci) >= RELIABLE_RCI - TOLERANCE
        both_self = skill_id in before.self and skill_id in now.self
        skills[skill_id] = SkillChange(
            before=before.others[skill_id],
            now=now.others[skill_id],
            delta=delta,
            rci=rci,
            reliable=reliable,
            direction=("up" if delta > 0 else "down") if reliable else None,
            self_before=before.self[skill_id] if both_self else None,
            self_now=now.self[skill_id] if both_self else None,
        )
    return Change(previous_round_id=previous_round_id, skills=skills)


def reliable_points(score_sd: float, reliability: float) -> float:
    """How far all others' score must move to count as a reliable change, in points."""
    return RELIABLE_RCI * change_error(score_sd, reliability)


def change_sentences(change: Change, names: Mapping[str, str]) -> list[str]:
    """One plain sentence per reliable change, in the instrument's order (`names`: skill id to
    skill name); one sentence saying so when nothing changed reliably."""
    sentences = [_reliable_change(names[skill_id], c) for skill_id, c in change.reliable.items()]
    if not sentences:
        sentences.append(
            _(
                "No skill's score from others moved by more than chance alone could explain: "
                "the differences from your last round are within what the measurement "
                "produces by itself."
            )
        )
    return sentences


def _reliable_change(name: str, change: SkillChange) -> str:
    values = {"skill": name, "now": number(change.now), "before": number(change.before)}
    if change.direction == "up":
        return _("Others now rate your %(skill)s higher: %(now)s, up from %(before)s.", **values)
    return _("Others now rate your %(skill)s lower: %(now)s, down from %(before)s.", **values)
