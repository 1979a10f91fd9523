"""Property: late responses change released results only in ways that single no one out.

A round is released, then recomputed with late responses. Whenever late_update_allowed lets
the new version replace the released one, someone holding both versions learns nothing about
fewer than k raters: every published value that differs rests on at least k new raters, and
no difference of published rater sets, within a version or across the two, leaves a set of
fewer than k (other than a manager group). The test works out the rater sets itself from the
raw answers and the published groups; it does not trust the published n.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from reports.aggregate import ScoringSettings, aggregate, late_update_allowed
from reports.results import Results
from surveys.relationships import RELATIONSHIPS
from tests.reports.test_aggregate_golden import make_instrument
from tests.reports.test_anonymity_property import frames


@st.composite
def late_rounds(draw):
    """k, the instrument's shape, raters per relationship before the first close and late,
    invitations nobody answered, and a seed for the answers."""
    k = draw(st.integers(2, 10))
    shape = draw(st.lists(st.integers(2, 4), min_size=1, max_size=2))
    # Late counts around k, where the rule decides.
    late_count = st.sampled_from([0, 0, 1, k - 1, k, k, k + 1])
    released, late, silent = {}, {}, {}
    for relationship in RELATIONSHIPS:
        most = 1 if relationship == "self" else (2 if relationship == "manager" else k + 2)
        released[relationship] = draw(st.integers(0, most))
        if relationship in ("self", "manager"):
            late[relationship] = draw(st.sampled_from([0, 0, most - released[relationship]]))
        else:
            late[relationship] = draw(late_count)
        silent[relationship] = 0 if relationship == "self" else draw(st.integers(0, 1))
    return k, shape, released, late, silent, draw(st.integers(0, 2**32 - 1))


def make_raters(instrument, counts, prefix, rng):
    """{rater id: (relationship, {item: score or NaN})} and comments. Most raters answer
    everything; some do not know an item or two, some about half of them."""
    item_ids = [item.id for skill in instrument.skills for item in skill.items]
    keys = [skill.id for skill in instrument.skills] + [q.id for q in instrument.questions]
    raters, comments = {}, []
    for relationship, count in counts.items():
        for i in range(count):
            rater_id = f"{prefix}{relationship}{i}"
            na_chance = rng.choice([0.0, 0.0, 0.0, 0.0, 0.2, 0.5])
            scores = rng.integers(1, 6, len(item_ids)).astype(float)
            scores[rng.random(len(item_ids)) < na_chance] = math.nan
            raters[rater_id] = (relationship, dict(zip(item_ids, scores.tolist(), strict=True)))
            if relationship != "self" and rng.random() < 0.5:
                key = str(rng.choice(keys))
                comments.append((rater_id, relationship, key, f"{rater_id} on {key}"))
    return raters, comments


def score(instrument, raters, comments, k, invited, seed) -> Results:
    answers, comment_frame = frames(raters, comments)
    return aggregate(
        answers,
        comment_frame,
        instrument,
        ScoringSettings(anonymity_threshold=k),
        round_id="r",
        invited=invited,
        subject_first_name="Sam",
        seed=seed,
    )


def published_sets(document, raters):
    """[(where, {group key: raters})] for every skill and item of a results document: the
    raters each published value aggregates, self left out."""
    relationship_of = {rater: relationship for rater, (relationship, _) in raters.items()}
    members = {
        group["key"]: {r for r, rel in relationship_of.items() if rel in group["members"]}
        for group in document["groups"]
        if group["key"] != "self"
    }
    values = []
    for skill in document["skills"]:
        item_ids = [item["id"] for item in skill["items"]]
        counted = set()
        for rater, (_, scores) in raters.items():
            answered = sum(not math.isnan(scores[i]) for i in item_ids)
            if answered and 2 * answered >= len(item_ids):
                counted.add(rater)
        values.append((skill["id"], skill["scores"], counted))
        for item in skill["items"]:
            answered = {
                r for r, (_, scores) in raters.items() if not math.isnan(scores[item["id"]])
            }
            values.append((item["id"], item["scores"], answered))
    return [
        (where, {key: members[key] & contributors for key in scores if key != "self"})
        for where, scores, contributors in values
    ]


def assert_no_small_differences(sets, k, managers, where):
    """Every set reachable by subtracting published sets from a published set, one after
    another, is empty, holds at least k raters, or is a published manager group."""
    seen = set()
    frontier = [frozenset(s) for s in sets.values()]
    while frontier:
        left = frontier.pop()
        if left in seen:
            continue
        seen.add(left)
        assert not left or len(left) >= k or left in managers, (
            f"{where}: {sorted(left)} can be singled out (k = {k})"
        )
        frontier.extend(left - other for other in sets.values() if left & other)


def peers_only(k: int, released_peers: int, late_peers: int, seed: int):
    """A late round (in late_rounds' shape) of one skill of two items, rated by peers only."""
    nobody = dict.fromkeys(RELATIONSHIPS, 0)
    released, late = nobody | {"peer": released_peers}, nobody | {"peer": late_peers}
    return k, [2], released, late, nobody, seed


# Fewer than k late peers after k released ones: the update must be refused. A rule asking
# for 2 new responses whatever k (the old one) lets the first two through, one asking for
# k - 1 the last two. Random rounds reach these only now and then, so a run could miss such
# a rule; they are always tried. Seed 0 has every late peer answer both items, so no value
# with fewer new answers refuses the update first (checked below).
AT_THE_THRESHOLD = [peers_only(5, 5, 2, 0), peers_only(3, 3, 2, 0), peers_only(2, 2, 1, 0)]


def two_versions(late_round):
    """(released raters, late raters, the released document, the candidate results)."""
    k, shape, released_counts, late_counts, silent, seed = late_round
    rng = np.random.default_rng(seed)
    instrument = make_instrument(*((f"skill{s}", n) for s, n in enumerate(shape)))
    raters, comments = make_raters(instrument, released_counts, "", rng)
    late_raters, late_comments = make_raters(instrument, late_counts, "late-", rng)
    invited = {r: released_counts[r] + late_counts[r] + silent[r] for r in RELATIONSHIPS}
    released = score(instrument, raters, comments, k, invited, seed).to_dict()
    everyone = raters | late_raters
    candidate = score(instrument, everyone, comments + late_comments, k, invited, seed)
    return raters, late_raters, released, candidate


@pytest.mark.parametrize("late_round", AT_THE_THRESHOLD)
def test_the_examples_at_the_threshold_are_updates_to_refuse(late_round):
    k = late_round[0]
    _, late_raters, released, candidate = two_versions(late_round)
    assert 0 < len(late_raters) < k
    # Every late peer answered every item: each value gained all of them, fewer than k.
    assert not any(math.isnan(s) for _, scores in late_raters.values() for s in scores.values())
    assert not late_update_allowed(Results.from_dict(released), candidate)


@settings(max_examples=150, deadline=None)
@given(late_rounds())
@example(AT_THE_THRESHOLD[0])
@example(AT_THE_THRESHOLD[1])
@example(AT_THE_THRESHOLD[2])
def test_an_allowed_late_update_singles_out_no_one(late_round):
    k = late_round[0]
    raters, late_raters, released, candidate = two_versions(late_round)
    everyone = raters | late_raters
    # The service compares the stored document with a new computation.
    stored = Results.from_dict(json.loads(json.dumps(released)))
    allowed = late_update_allowed(stored, candidate)
    event("update allowed" if allowed else "update refused")
    if not allowed:
        return
    updated = candidate.to_dict()

    before = published_sets(released, raters)
    after = published_sets(updated, everyone)
    for (where, old), (_, new) in zip(before, after, strict=True):
        for key in old.keys() & new.keys():
            if old[key] != new[key]:
                gained = new[key] - old[key]
                assert old[key] <= new[key], (where, key, "lost raters")
                assert gained <= late_raters.keys(), (where, key, "gained released raters")
                assert len(gained) >= k, (where, key, f"{len(gained)} new raters, k = {k}")
        sets = {f"released {key}": s for key, s in old.items()}
        sets |= {f"updated {key}": s for key, s in new.items()}
        managers = {frozenset(s) for key, s in sets.items() if key.endswith(" manager")}
        assert_no_small_differences(sets, k, managers, where)

    # Once comments were published, the ones that are new come from at least k late raters
    # besides self. (Comments withheld before, below k raters, are all new: no difference.)
    old_texts = {text for texts in released["comments"].values() for text in texts}
    new_texts = {text for texts in updated["comments"].values() for text in texts}
    assert old_texts <= new_texts
    published_before = sum(rel != "self" for rel, _ in raters.values()) >= k
    if published_before and new_texts != old_texts:
        late_observers = [r for r, (rel, _) in late_raters.items() if rel != "self"]
        assert len(late_observers) >= k
        assert all(text.startswith("late-") for text in new_texts - old_texts)
