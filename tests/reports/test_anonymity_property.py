"""Property: no published number, nor any difference of published rater sets, exposes < k raters.

The test does not trust the published n: from the published groups' members and the raw
answers it works out itself which raters every published value aggregates, and checks those
sets (and every set derivable by subtracting published sets from one another) against k.

It also plays the attacker who moves between levels: a group's published skill score, its n
and its other published item scores can give away the group's answers to an item whose
group value is withheld (the mean of the skill is the mean of the items when every counted
rater answered the same items; a skill score of exactly 1 or 5 means every answer was 1 or
5). Such a derived item value counts as published too, so subtracting it from "all others"
must not leave fewer than k raters either.
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

from reports.aggregate import ScoringSettings, aggregate
from surveys.relationships import RELATIONSHIPS
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


def assert_no_small_sets(sets, k, where, manager=None):
    """Every published non-self set, and every set left by subtracting any of the other
    published sets from it, has 0 or >= k raters, or is exactly the manager group (by default
    the published one; `manager` names it when it was derived rather than published)."""
    manager = sets.get("manager") if manager is None else manager
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


def derived_item_sets(published_skill, skill_sets, item_ids, item_id, members, raters):
    """{"derived:<group>": raters}: the groups whose answers to `item_id` follow from the
    group's published skill score and its published scores of the skill's other items,
    although the group's value of this item is withheld.

    The attacker's two ways in (the test knows the answers, so it knows when they work):
    - a skill score of exactly 1 or 5: every counted rater answered every item they answered
      with that score, so the group's answers to this item are known;
    - every counted rater of the group answered the same items, this one among them, and the
      group's score of each of the others is published and rests on exactly those raters:
      then the skill score is the mean of the item scores, and this item's mean follows.
    "All others" is left out: its derived value would have nothing to be subtracted from
    that is not already published.
    """
    published_items = {item["id"]: item for item in published_skill["items"]}
    derived = {}
    for key, counted in skill_sets.items():
        if key in ("self", "others") or not counted:
            continue
        if key in published_items[item_id]["scores"]:
            continue
        answered = {
            rater: frozenset(i for i in item_ids if not math.isnan(raters[rater][1][i]))
            for rater in counted
        }
        on_item = {rater for rater, items in answered.items() if item_id in items}
        if not on_item:
            continue
        answers = [raters[r][1][i] for r, items in answered.items() for i in items]
        if set(answers) in ({1.0}, {5.0}):
            derived[f"derived:{key}"] = on_item
            continue
        shared = set(answered.values())
        if len(shared) != 1 or item_id not in next(iter(shared)):
            continue
        rest = next(iter(shared)) - {item_id}
        if all(
            key in published_items[i]["scores"]
            and {r for r in members[key] if not math.isnan(raters[r][1][i])} == counted
            for i in rest
        ):
            derived[f"derived:{key}"] = on_item
    return derived


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
    # Response counts: invitations per relationship; submitted only for sets of >= k invited.
    assert document["responses"]["invited"] == {r: counts[r] for r in RELATIONSHIPS}
    for count_set in document["responses"]["sets"]:
        assert "self" not in count_set["members"]
        if count_set["submitted"] is not None:
            assert count_set["invited"] >= k
            assert count_set["submitted"] == sum(submitted[r] for r in count_set["members"])
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
        skill_sets = sets
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
            derived = derived_item_sets(
                published_skill, skill_sets, item_ids, item.id, members, raters
            )
            if derived:
                assert_no_small_sets(
                    {key: s for key, s in {**sets, **derived}.items() if key != "self"},
                    k,
                    f"{item.id} with values derived from {skill.id}",
                    manager=members.get("manager", set()) & answers_to_item.keys(),
                )
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
