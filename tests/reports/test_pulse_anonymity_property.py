"""Property: no number a pulse publishes, nor any difference of its published rater sets,
exposes fewer than k raters; comments only with k respondents.

Like tests/reports/test_anonymity_property.py, the test works out from the published
groups' members and the raw answers which respondents each value aggregates, and checks
those sets (and every set left by subtracting others from one) against k.
"""

from __future__ import annotations

import math
from collections import Counter
from statistics import mean

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.pulse import PULSE_SCALE, aggregate_pulse
from tests.reports.test_anonymity_property import ROUNDING, assert_no_small_sets


@st.composite
def pulses(draw):
    """k, the number of focus skills, respondents per relationship, a seed for the answers."""
    k = draw(st.integers(2, 10))
    skills = draw(st.integers(1, 3))
    counts = {
        "manager": draw(st.integers(0, 2)),
        "peer": draw(st.integers(0, 10)),
        "direct_report": draw(st.integers(0, 10)),
        "other": draw(st.integers(0, 10)),
    }
    return k, skills, counts, draw(st.integers(0, 2**32 - 1))


def random_pulse(skills, counts, seed):
    """{rater id: (relationship, {skill: -3..3 or NaN})} and their comments; each respondent
    has their own chance of "not observed", from never to always."""
    rng = np.random.default_rng(seed)
    skill_ids = [f"skill{j}" for j in range(skills)]
    raters, comments = {}, []
    for relationship, count in counts.items():
        for i in range(count):
            rater_id = f"{relationship}{i}"
            na_chance = rng.choice([0.0, 0.3, 0.6, 1.0])
            scores = rng.integers(-3, 4, skills).astype(float)
            scores[rng.random(skills) < na_chance] = math.nan
            raters[rater_id] = (relationship, dict(zip(skill_ids, scores.tolist(), strict=True)))
            if rng.random() < 0.5:
                comments.append((rater_id, relationship, f"{rater_id} says"))
    return skill_ids, raters, comments


@settings(max_examples=400, deadline=None)
@given(pulses())
def test_published_pulse_numbers_never_single_out_fewer_than_k_raters(example):
    k, skills, counts, seed = example
    skill_ids, raters, comments = random_pulse(skills, counts, seed)
    answers = pd.DataFrame(
        [
            (rater_id, relationship, skill, score)
            for rater_id, (relationship, scores) in raters.items()
            for skill, score in scores.items()
        ],
        columns=["rater_id", "relationship", "skill_id", "score"],
    ).astype({"score": float})
    comment_frame = pd.DataFrame(comments, columns=["rater_id", "relationship", "text"])
    document = aggregate_pulse(answers, comment_frame, skill_ids, k=k, seed=seed).to_dict()

    relationship_of = {rater_id: relationship for rater_id, (relationship, _) in raters.items()}
    groups = {group["key"]: group for group in document["groups"]}
    members = {
        key: {rater for rater, rel in relationship_of.items() if rel in group["members"]}
        for key, group in groups.items()
    }
    for key, group in groups.items():
        assert group["n"] == len(members[key])
    assert_no_small_sets(members, k, "groups")

    for skill in document["skills"]:
        answered = {
            rater: scores[skill["id"]]
            for rater, (_, scores) in raters.items()
            if not math.isnan(scores[skill["id"]])
        }
        assert skill["scores"].keys() == skill["n"].keys()
        sets = {key: members[key] & answered.keys() for key in skill["scores"]}
        for key, aggregated in sets.items():
            assert skill["n"][key] == len(aggregated)
            exact = mean(answered[rater] for rater in aggregated)
            assert abs(skill["scores"][key] - exact) <= ROUNDING
        assert_no_small_sets(sets, k, skill["id"])
        # The skill's shown set minus every shown block is the manager at most.
        if skill["distribution"] is None:
            assert "others" not in skill["scores"]
        else:
            assert "others" in skill["scores"]
            shown = Counter(answered[rater] for rater in sets["others"])
            assert skill["distribution"] == {
                **{str(value): shown[float(value)] for value in PULSE_SCALE},
                "na": len(members["others"]) - len(sets["others"]),
            }

    respondents = len(raters)
    expected = sorted(text for _, _, text in comments) if respondents >= k else []
    assert sorted(document["comments"]) == expected
