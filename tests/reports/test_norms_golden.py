"""Organisation norms counted by hand (docs/scoring.md, "Organisation norms"):
percentile = 100 * (below + 0.5 * equal) / N, rounded half up, on two decimals; shown only
for a norm set of at least 10."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from reports.norms import compute_norms, percentile
from reports.results import Norm, Results

FIXTURE = Path(__file__).parent / "fixtures" / "demo_results.json"
TEN = [2.0, 2.5, 3.0, 3.1, 3.2, 3.4, 3.5, 3.8, 4.0, 4.5]


def norms(own, sets, skill_ids=None):
    """compute_norms with each norm set given as a list of colleagues' scores."""
    counted = {skill_id: Counter(values) for skill_id, values in sets.items()}
    return compute_norms(skill_ids or list(sets), own, counted)


def test_nine_colleagues_give_no_norm():
    assert norms({"leadership": 3.4}, {"leadership": TEN[:9]}) == {}


def test_ten_colleagues():
    # Below 3.40: 2.0, 2.5, 3.0, 3.1, 3.2 = 5; equal: 3.4 = 1.
    # 100 * (5 + 0.5) / 10 = 55.
    assert norms({"leadership": 3.4}, {"leadership": TEN}) == {
        "leadership": Norm(percentile=55, n=10)
    }


def test_eleven_colleagues():
    # 3.3 joins the ten: below = 6, equal = 1; 100 * 6.5 / 11 = 59.09 -> 59.
    assert norms({"leadership": 3.4}, {"leadership": [*TEN, 3.3]}) == {
        "leadership": Norm(percentile=59, n=11)
    }


def test_ties_count_half():
    # Own 3.00; three below (2.0), four equal (3.0), three above (4.0):
    # 100 * (3 + 0.5 * 4) / 10 = 50.
    values = [2.0] * 3 + [3.0] * 4 + [4.0] * 3
    assert norms({"empathy": 3.0}, {"empathy": values}) == {"empathy": Norm(50, 10)}


def test_scores_are_compared_on_two_decimals():
    # 3.404 publishes as 3.40 and ties with a colleague's 3.40: below 5, equal 1 -> 55.
    # 3.406 publishes as 3.41: below 6 (3.40 too), equal 0 -> 100 * 6 / 10 = 60.
    assert norms({"a": 3.404}, {"a": TEN})["a"] == Norm(55, 10)
    assert norms({"a": 3.406}, {"a": TEN})["a"] == Norm(60, 10)
    # A colleague's value at full precision is rounded the same way: 3.4004 equals 3.40.
    values = [3.4004 if value == 3.4 else value for value in TEN]
    assert norms({"a": 3.4}, {"a": values})["a"] == Norm(55, 10)


def test_percentile_rounds_half_up():
    # 20 colleagues, 2 below and 1 equal: 100 * 2.5 / 20 = 12.5 -> 13 (round() gives 12).
    values = [1.0, 1.5, 3.0] + [4.0] * 17
    assert norms({"a": 3.0}, {"a": values})["a"] == Norm(13, 20)
    assert percentile(below=2, equal=1, size=20) == 13
    # 40 colleagues, 5 below: 12.5 again -> 13; 7 below: 17.5 -> 18.
    assert percentile(5, 0, 40) == 13
    assert percentile(7, 0, 40) == 18
    assert percentile(0, 0, 10) == 0
    assert percentile(10, 0, 10) == 100
    assert percentile(0, 10, 10) == 50


def test_each_skill_has_its_own_set_and_a_skill_without_own_score_has_none():
    # Empathy: one colleague's all-others score was suppressed, so nine remain: no norm.
    # Adaptability: no score of this round's own (suppressed here): no norm.
    # Leadership at 2.00 among TEN: none below, one equal: 100 * 0.5 / 10 = 5.
    found = norms(
        {"empathy": 3.0, "leadership": 2.0},
        {"empathy": TEN[:9], "leadership": TEN, "adaptability": TEN},
    )
    assert found == {"leadership": Norm(5, 10)}


def test_norms_in_the_results_document():
    document = json.loads(FIXTURE.read_text())
    results = Results.from_dict(document)
    assert results.norms == {}
    assert "norms" not in results.to_dict()
    document["norms"] = {"leadership": {"percentile": 35, "n": 42}}
    results = Results.from_dict(document)
    assert results.norms == {"leadership": Norm(35, 42)}
    assert results.to_dict()["norms"] == {"leadership": {"percentile": 35, "n": 42}}
