"""Property: no published number, nor any difference of published rater sets, exposes < k raters.

The test does not trust the published n: from the published groups' members and the raw
answers it works out itself which raters every published value aggregates, and checks those
sets (and every set derivable by subtracting published sets from one another) against k.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from statistics import mean, stdev

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.aggregate import RELATIONSHIPS, ScoringSettings, aggregate
from tests.reports.test_aggregate_golden import make_instrument

# Published values carry 2 decimals: they may differ from the exact value by half a cent.
ROUNDING = 0.005 + 1e-9


@st.composite
def rounds(draw):
    """k, the instrument's shape, raters per relationship, and a seed for the answers."""
    k = draw(st.integers(2, 10))
    shape = draw(st.lists(st.integers(2, 5), min_size=2, max_size=3))
    counts = {
        "self": draw(st.integers(0, 1)),
        "manager": draw(st.integers(0, 2)),
        "peer": draw(st.integers(0, 10)),
        "direct_report": draw(st.integers(0, 10)),
        "other": draw(st.integers(0, 10)),
    }
    return k, shape, counts, draw(st.integers(0, 2**32 - 1))


def random_round(shape, counts, seed):
    """Raters {id: (relationship, {item: score or NaN})} and their comments.

    Every rater has their own chance of answering "don't know", from never to always, so some
    answer most items, some about half (the 50% rule's edge) and some hardly any.
    """
    rng = np.random.default_rng(seed)
    instrument = make_instrument(*((f"skill{s}", n) for s, n in enumerate(shape)))
    item_ids = [item.id for skill in instrument.skills for item in skill.items]
    keys = [skill.id for skill in instrument.skills] + [q.id for q in instrument.questions]
    raters, comments = {}, []
    for relationship, count in counts.items():
        for i in range(count):
            rater_id = f"{relationship}{i}"
            na_chance = rng.choice([0.0, 0.1, 0.4, 0.5, 0.6, 0.9, 1.0])
            scores = rng.integers(1, 6, len(item_ids)).astype(float)
            scores[rng.random(len(item_ids)) < na_chance] = math.nan
            raters[rater_id] = (relationship, dict(zip(item_ids, scores.tolist(), strict=True)))
            for key in rng.choice(keys, size=rng.integers(0, 3), replace=False):
                comments.append((rater_id, relationship, str(key), f"{rater_id} on {key}"))
    return instrument, raters, comments


def frames(raters, comments):
    answers = pd.DataFrame(
        [
            (rater_id, relationship, item_id, score)
            for rater_id, (relationship, scores) in raters.items()
            for item_id, score in scores.items()
        ],
        columns=["rater_id", "relationship", "item_id", "score"],
    ).astype({"score": float})
    return answers, pd.DataFrame(comments, columns=["rater_id", "relationship", "key", "text"])


def assert_no_small_sets(sets, k, where):
    """Every published non-self set, and every set left by subtracting any of the other
    published sets from it, has 0 or >= k raters, or is exactly the published manager group."""
    manager = sets.get("manager")
    keys = list(sets)
    for key in keys:
        rest = [other for other in keys if other != key]
        for size in range(len(rest) + 1):
            for subtracted in combinations(rest, size):
                left = sets[key].difference(*(sets[other] for other in subtracted))
                assert len(left) == 0 or len(left) >= k or left == manager, (
                    f"{where}: {key} minus {subtracted} leaves {sorted(left)} (k = {k})"
                )


def check_values(published, aggregated_sets, values, where):
    """scores and n hold the same groups; n is the size of the set, the score its mean."""
    assert published["scores"].keys() == published["n"].keys(), where
    for key, raters in aggregated_sets.items():
        assert published["n"][key] == len(raters), (where, key)
        exact = mean(values[rater] for rater in raters)
        assert abs(published["scores"][key] - exact) <= ROUNDING, (where, key)


@settings(max_examples=500, deadline=None)
@given(rounds())
def test_published_numbers_never_single_out_fewer_than_k_raters(example):
    k, shape, counts, seed = example
    instrument, raters, comments = random_round(shape, counts, seed)
    answers, comment_frame = frames(raters, comments)
    document = aggregate(
        answers,
        comment_frame,
        instrument,
        ScoringSettings(anonymity_threshold=k),
        round_id="r",
        invited=counts,
        subject_first_name="Sam",
        seed=seed,
    ).to_dict()

    relationship_of = {rater_id: relationship for rater_id, (relationship, _) in raters.items()}
    submitted = Counter(relationship_of.values())
    assert document["responses"]["submitted"] == {r: submitted[r] for r in RELATIONSHIPS}
    groups = {group["key"]: group for group in document["groups"]}
    members = {
        key: {rater for rater, rel in relationship_of.items() if rel in group["members"]}
        for key, group in groups.items()
    }
    for key, group in groups.items():
        assert group["n"] == len(members[key])
    observers = {rater for rater, rel in relationship_of.items() if rel != "self"}
    round_sets = {key: raters_ for key, raters_ in members.items() if key != "self"}
    assert_no_small_sets(round_sets, k, "groups")
    assert document["too_few_raters"] == (not round_sets)

    for skill, published_skill in zip(instrument.skills, document["skills"], strict=True):
        item_ids = [item.id for item in skill.items]
        # The test's own 50% rule: rater skill scores of those who answered half the items.
        skill_scores = {}
        for rater_id, (_, scores) in raters.items():
            answered = [scores[i] for i in item_ids if not math.isnan(scores[i])]
            if answered and 2 * len(answered) >= len(item_ids):
                skill_scores[rater_id] = mean(answered)
        sets = {key: members[key] & skill_scores.keys() for key in published_skill["scores"]}
        check_values(published_skill, sets, skill_scores, skill.id)
        assert_no_small_sets({key: s for key, s in sets.items() if key != "self"}, k, skill.id)
        # Self is shown whenever the self rater counts.
        counted_self = any(relationship_of[r] == "self" for r in skill_scores)
        assert ("self" in published_skill["scores"]) == counted_self
        with_others = "others" in published_skill["scores"]
        assert (published_skill["agreement"] is not None) == with_others
        assert (published_skill["ci90"] is not None) == with_others
        assert (published_skill["gap"] is not None) == (with_others and counted_self)
        assert published_skill["flag"] is None or with_others
        if with_others:
            others_scores = [skill_scores[r] for r in sets["others"]]
            exact_sd = stdev(others_scores)
            assert abs(published_skill["agreement"]["sd"] - exact_sd) <= ROUNDING

        for item, published_item in zip(skill.items, published_skill["items"], strict=True):
            answers_to_item = {
                rater_id: scores[item.id]
                for rater_id, (_, scores) in raters.items()
                if not math.isnan(scores[item.id])
            }
            sets = {key: members[key] & answers_to_item.keys() for key in published_item["scores"]}
            check_values(published_item, sets, answers_to_item, item.id)
            assert_no_small_sets({key: s for key, s in sets.items() if key != "self"}, k, item.id)
            self_answered = any(relationship_of[r] == "self" for r in answers_to_item)
            assert ("self" in published_item["scores"]) == self_answered
            distribution = published_item["distribution"]
            assert (distribution is not None) == ("others" in published_item["scores"])
            if distribution is not None:
                given_answers = Counter(int(answers_to_item[r]) for r in sets["others"])
                assert distribution == {
                    **{str(value): given_answers[value] for value in range(1, 6)},
                    "na": len(members["others"]) - len(sets["others"]),
                }

    published_texts = sorted(text for texts in document["comments"].values() for text in texts)
    if len(observers) < k:
        assert published_texts == []
    else:
        assert published_texts == sorted(text for r, _, _, text in comments if r in observers)
