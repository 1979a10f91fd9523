"""The development plan: which skills, why, and which exercises fit the finding."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reports.plan import BLIND_SPOT, LOWEST_RATED, SELF_RATED_LOW, development_plan
from reports.results import Results
from surveys.instrument import load_instrument

FIXTURES = Path(__file__).parent / "fixtures"
INSTRUMENT = load_instrument("soft-skills", "1")
CLOSED = datetime(2026, 3, 17, 9, tzinfo=UTC)


@pytest.fixture
def results() -> Results:
    return Results.from_dict(json.loads((FIXTURES / "demo_results.json").read_text()))


def plan_of(results: Results):
    return development_plan(results, INSTRUMENT, closed_at=CLOSED, reassessment_after_days=180)


def kinds(area) -> set[str]:
    return {exercise.kind for exercise in area.exercises}


def test_a_blind_spot_gets_reflection_and_a_recognised_low_score_practice(results):
    leadership, cross_cultural = plan_of(results).focus
    # Leadership: others 2.91, self 4.20, flagged: both lowest rated and a blind spot.
    assert leadership.skill.id == "leadership"
    assert leadership.reasons == (LOWEST_RATED, BLIND_SPOT)
    assert leadership.exercise_kind == "reflection"
    assert [exercise.id for exercise in leadership.exercises] == ["ld_leader_study"]
    # Cross-cultural communication: others 3.31, self 3.00, no flag: the person sees it too.
    assert cross_cultural.reasons == (LOWEST_RATED,)
    assert cross_cultural.exercise_kind == "practice"
    assert [exercise.id for exercise in cross_cultural.exercises] == [
        "ccc_conversation_across_cultures",
        "ccc_confirm_and_restate",
    ]


def test_a_blind_spot_outside_the_lowest_two_is_chosen_for_being_one(results):
    flagged = tuple(
        dataclasses.replace(skill, flag="blind_spot") if skill.id == "empathy" else skill
        for skill in results.skills
    )
    results = dataclasses.replace(
        results, skills=flagged, focus_skills=(*results.focus_skills, "empathy")
    )
    empathy = plan_of(results).focus[-1]
    assert empathy.reasons == (BLIND_SPOT,)
    assert kinds(empathy) == {"reflection"}
    assert len(empathy.exercises) == 2  # at most two, though the skill has more


def test_the_top_strength_is_offered_for_mentoring(results):
    assert plan_of(results).mentor_skill.id == "ethical_decision_making"


def test_a_strength_that_is_also_a_focus_skill_is_not_offered_for_mentoring(results):
    results = dataclasses.replace(
        results, strengths=("leadership", "empathy"), focus_skills=("leadership",)
    )
    assert plan_of(results).mentor_skill.id == "empathy"


def test_the_reassessment_date_follows_the_close_of_the_round(results):
    assert plan_of(results).reassessment_date == date(2026, 9, 13)
    later = development_plan(results, INSTRUMENT, closed_at=CLOSED, reassessment_after_days=90)
    assert later.reassessment_date == date(2026, 6, 15)


def self_only(results: Results, self_scores: dict[str, float]) -> Results:
    skills = tuple(
        dataclasses.replace(
            skill,
            scores={"self": self_scores[skill.id]},
            n={"self": 1},
            ci90=None,
            gap=None,
            flag=None,
            agreement=None,
        )
        for skill in results.skills
    )
    return dataclasses.replace(
        results,
        too_few_raters=True,
        skills=skills,
        strengths=(),
        development_areas=(),
        focus_skills=(),
        comments={},
    )


def test_without_others_scores_the_plan_builds_on_the_self_assessment(results):
    scores = {skill.id: 4.0 for skill in results.skills} | {"empathy": 2.4, "leadership": 3.0}
    plan = plan_of(self_only(results, scores))
    assert plan.self_only
    assert [area.skill.id for area in plan.focus] == ["empathy", "leadership"]
    assert all(area.reasons == (SELF_RATED_LOW,) for area in plan.focus)
    assert all(kinds(area) == {"practice"} for area in plan.focus)
    assert plan.mentor_skill is None


def test_without_others_scores_and_all_self_scores_equal_no_skill_is_singled_out(results):
    plan = plan_of(self_only(results, {skill.id: 4.0 for skill in results.skills}))
    assert plan.focus == ()
