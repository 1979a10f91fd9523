"""Hand-worked pulses through aggregate_pulse(): every expected number is worked out in a
comment."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reports.pulse import aggregate_pulse

NA = None  # "not observed"
SKILLS = ("listening", "clarity")


def answers_frame(raters, skills=SKILLS) -> pd.DataFrame:
    """raters: {rater id: (relationship, [score per skill, NA for not observed])}."""
    rows = [
        (rater_id, relationship, skill, math.nan if value is NA else value)
        for rater_id, (relationship, values) in raters.items()
        for skill, value in zip(skills, values, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["rater_id", "relationship", "skill_id", "score"])
    return frame.astype({"score": float})


def comments_frame(rows=()) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["rater_id", "relationship", "text"])


def pulse(raters, *, k=3, comments=(), seed=7, skills=SKILLS):
    return aggregate_pulse(
        answers_frame(raters, skills), comments_frame(comments), skills, k=k, seed=seed
    )


# A manager, 3 peers, 2 direct reports and 1 other.
SEVEN = {
    "m1": ("manager", [2, 1]),
    "p1": ("peer", [1, 1]),
    "p2": ("peer", [2, 1]),
    "p3": ("peer", [3, NA]),
    "d1": ("direct_report", [-1, 0]),
    "d2": ("direct_report", [0, 0]),
    "o1": ("other", [3, -1]),
}


def test_blocks_pool_and_per_skill_suppression():
    results = pulse(SEVEN).to_dict()
    # k = 3: 3 peers stand alone; 2 direct reports + 1 other = 3 pool into "combined"; the
    # manager is their own group; "others" holds all 7.
    assert [(g["key"], g["label"], g["n"]) for g in results["groups"]] == [
        ("manager", "Manager", 1),
        ("peer", "Peers", 3),
        ("combined", "Direct reports + others", 3),
        ("others", "All others", 7),
    ]
    listening, clarity = results["skills"]
    # Listening: every block counts 3, so all are shown.
    # manager 2; peers (1 + 2 + 3) / 3 = 2; combined (-1 + 0 + 3) / 3 = 0.666… -> 0.67;
    # others (2 + 1 + 2 + 3 - 1 + 0 + 3) / 7 = 10 / 7 = 1.428… -> 1.43.
    assert listening["scores"] == {"manager": 2.0, "peer": 2.0, "combined": 0.67, "others": 1.43}
    assert listening["n"] == {"manager": 1, "peer": 3, "combined": 3, "others": 7}
    # Answers of the 7: -1 once, 0 once, 1 once, 2 twice (m1, p2), 3 twice (p3, o1).
    assert listening["distribution"] == {
        "-3": 0, "-2": 0, "-1": 1, "0": 1, "1": 1, "2": 2, "3": 2, "na": 0
    }  # fmt: skip
    # Clarity: p3 did not observe it, so peers count 2 < 3: only "others" is published.
    # others: (1 + 1 + 1 + 0 + 0 - 1) / 6 = 2 / 6 = 0.333… -> 0.33, n = 6.
    assert clarity["scores"] == {"others": 0.33}
    assert clarity["n"] == {"others": 6}
    # -1 once (o1), 0 twice (d1, d2), 1 three times (m1, p1, p2); na: 7 - 6 = 1 (p3).
    assert clarity["distribution"] == {
        "-3": 0, "-2": 0, "-1": 1, "0": 2, "1": 3, "2": 0, "3": 0, "na": 1
    }  # fmt: skip


def test_a_small_pool_merges_into_the_smallest_block():
    raters = {
        "p1": ("peer", [1, 2]),
        "p2": ("peer", [1, 2]),
        "p3": ("peer", [2, 2]),
        "d1": ("direct_report", [3, -3]),
    }
    results = pulse(raters).to_dict()
    # The lone direct report (1 < 3) joins the peers: "Peers + direct reports", n = 4.
    assert [(g["key"], g["label"], g["members"], g["n"]) for g in results["groups"]] == [
        ("peer", "Peers + direct reports", ["peer", "direct_report"], 4),
        ("others", "All others", ["peer", "direct_report"], 4),
    ]
    # listening: (1 + 1 + 2 + 3) / 4 = 7 / 4 = 1.75 in both; clarity (2 + 2 + 2 - 3) / 4 = 0.75.
    assert results["skills"][0]["scores"] == {"peer": 1.75, "others": 1.75}
    assert results["skills"][1]["scores"] == {"peer": 0.75, "others": 0.75}


def test_without_a_block_the_manager_is_folded_into_others():
    raters = {
        "m1": ("manager", [3, 1]),
        "p1": ("peer", [1, NA]),
        "p2": ("peer", [2, 1]),
    }
    results = pulse(raters).to_dict()
    # 2 peers < 3 and no pool of 3: only "others" (manager folded in), n = 3.
    assert [(g["key"], g["n"]) for g in results["groups"]] == [("others", 3)]
    # listening: (3 + 1 + 2) / 3 = 2; clarity: 2 answered (3 - 1 not observed) < 3: nothing.
    assert results["skills"][0]["scores"] == {"others": 2.0}
    assert results["skills"][1] == {"id": "clarity", "scores": {}, "n": {}, "distribution": None}


def test_too_few_respondents_publish_nothing_not_even_comments():
    raters = {"p1": ("peer", [3, 3]), "d1": ("direct_report", [2, 2])}
    results = pulse(raters, comments=[("p1", "peer", "Much better")])
    # 2 respondents < k = 3: no group, no score, no comment.
    assert results.too_few_raters
    assert results.to_dict()["groups"] == []
    assert all(skill["scores"] == {} for skill in results.to_dict()["skills"])
    assert results.comments == ()


def test_comments_need_k_respondents_and_are_unattributed_and_seeded():
    comments = [
        ("p1", "peer", "Listens more"),
        ("d1", "direct_report", "  "),  # blank: never published
        ("o1", "other", "Clearer emails"),
        ("m1", "manager", "Good progress"),
        ("x9", "peer", "Not a respondent"),  # no answers: did not submit
    ]
    first = pulse(SEVEN, comments=comments, seed=11)
    again = pulse(SEVEN, comments=list(reversed(comments)), seed=11)
    # 7 respondents >= 3: the 3 non-blank comments of respondents, in one seeded order.
    assert sorted(first.comments) == ["Clearer emails", "Good progress", "Listens more"]
    assert first.comments == again.comments
    # k = 8 > 7 respondents: none.
    assert pulse(SEVEN, comments=comments, k=8).comments == ()


def test_a_respondent_who_observed_nothing_still_counts_in_the_blocks():
    raters = {
        "p1": ("peer", [1, 1]),
        "p2": ("peer", [1, 1]),
        "p3": ("peer", [NA, NA]),
    }
    results = pulse(raters).to_dict()
    # 3 peers submitted: the block stands (n = 3), but each skill has 2 answers < 3.
    assert [(g["key"], g["n"]) for g in results["groups"]] == [("peer", 3), ("others", 3)]
    assert all(skill["scores"] == {} for skill in results["skills"])


@pytest.mark.parametrize(
    ("raters", "message"),
    [
        ({"s": ("self", [1, 1])}, "respondents are one of"),
        ({"p": ("peer", [4, 1])}, "from -3 to 3"),
        ({"p": ("peer", [0.5, 1])}, "from -3 to 3"),
    ],
)
def test_bad_answers_are_refused(raters, message):
    with pytest.raises(ValueError, match=message):
        pulse(raters)


def test_an_unknown_skill_is_refused():
    frame = answers_frame({"p": ("peer", [1])}, skills=("empathy",))
    with pytest.raises(ValueError, match="not in the pulse"):
        aggregate_pulse(frame, comments_frame(), SKILLS, k=3, seed=1)


def test_a_pulse_nobody_answered_publishes_nothing():
    results = aggregate_pulse(answers_frame({}), comments_frame(), SKILLS, k=2, seed=1)
    assert results.to_dict() == {
        "groups": [],
        "skills": [{"id": skill, "scores": {}, "n": {}, "distribution": None} for skill in SKILLS],
        "comments": [],
    }
