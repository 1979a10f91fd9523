"""The development plan: focus skills, why each was chosen, exercises that fit the finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reports.results import Results, SkillResult

if TYPE_CHECKING:
    from surveys.instrument import Exercise, Instrument, Skill

MAX_EXERCISES = 2
SELF_ONLY_FOCUS = 2  # skills a plan from the self-assessment alone picks

# Why a skill is in the plan.
LOWEST_RATED = "lowest_rated"  # among the development areas: the lowest scores from others
BLIND_SPOT = "blind_spot"  # the person rated themselves clearly higher than others did
SELF_RATED_LOW = "self_rated_low"  # too few raters: among the person's own lowest ratings

# A blind spot is first of all something to see: feedback-seeking and reflection. A weakness
# the person already recognises is something to practise.
EXERCISE_KIND = {BLIND_SPOT: "reflection", LOWEST_RATED: "practice", SELF_RATED_LOW: "practice"}


@dataclass(frozen=True)
class FocusArea:
    """One skill of the plan: why it was chosen, and the exercises that fit that finding."""

    skill: Skill
    result: SkillResult
    reasons: tuple[str, ...]  # LOWEST_RATED and/or BLIND_SPOT, or SELF_RATED_LOW alone
    exercise_kind: str  # "reflection" or "practice"
    exercises: tuple[Exercise, ...]

    @property
    def is_blind_spot(self) -> bool:
        return BLIND_SPOT in self.reasons


@dataclass(frozen=True)
class DevelopmentPlan:
    focus: tuple[FocusArea, ...]
    mentor_skill: Skill | None  # the top strength, to help others grow in
    reassessment_date: date
    self_only: bool  # chosen from the self-assessment, as others' scores are not shown


def development_plan(
    results: Results, instrument: Instrument, *, closed_at: datetime, reassessment_after_days: int
) -> DevelopmentPlan:
    """The plan for a round: the results' focus skills, or, when others' scores are not shown
    for any skill, the skills the person rated lowest themselves."""
    by_id = {skill.id: skill for skill in results.skills}
    focus = [
        _focus_area(instrument.skill(skill_id), by_id[skill_id], _reasons(results, skill_id))
        for skill_id in results.focus_skills
    ]
    self_only = not focus
    if self_only:
        focus = [
            _focus_area(instrument.skill(result.id), result, (SELF_RATED_LOW,))
            for result in _lowest_self_rated(results.skills)
        ]
    chosen = {area.skill.id for area in focus}
    mentor = next((skill for skill in results.strengths if skill not in chosen), None)
    return DevelopmentPlan(
        focus=tuple(focus),
        mentor_skill=None if mentor is None else instrument.skill(mentor),
        reassessment_date=(closed_at + timedelta(days=reassessment_after_days)).date(),
        self_only=self_only,
    )


def _reasons(results: Results, skill_id: str) -> tuple[str, ...]:
    flag = next(skill.flag for skill in results.skills if skill.id == skill_id)
    reasons = (LOWEST_RATED,) if skill_id in results.development_areas else ()
    return (*reasons, BLIND_SPOT) if flag == BLIND_SPOT else reasons


def _focus_area(skill: Skill, result: SkillResult, reasons: tuple[str, ...]) -> FocusArea:
    kind = EXERCISE_KIND[BLIND_SPOT if BLIND_SPOT in reasons else reasons[0]]
    exercises = tuple(exercise for exercise in skill.exercises if exercise.kind == kind)
    return FocusArea(skill, result, reasons, kind, exercises[:MAX_EXERCISES])


def _lowest_self_rated(skills: tuple[SkillResult, ...]) -> list[SkillResult]:
    """The skills the person rated lowest, in instrument order on ties; none when every self
    score is the same, as a choice among equals would only follow the order of the survey."""
    rated = [skill for skill in skills if "self" in skill.scores]
    if len({skill.scores["self"] for skill in rated}) < 2:
        return []
    top = max(skill.scores["self"] for skill in rated)
    lower = [skill for skill in rated if skill.scores["self"] < top]
    return sorted(lower, key=lambda skill: skill.scores["self"])[:SELF_ONLY_FOCUS]
