"""Hand-worked changes between two rounds through compute_change(): every expected number is
worked out in a comment. Which round is the previous one is the service's choice
(tests/service/test_change_at_close.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from reports.change import SkillScores, change_error, compute_change
from reports.results import Results

SKILLS = ("listening", "clarity", "courage", "empathy")
# The instrument's defaults: SD 0.5, r 0.80. The standard error of a difference is
# sqrt(2) * 0.5 * sqrt(1 - 0.8) = 0.70711 * 0.44721 = 0.31623 (= sqrt(0.1)).
DEFAULTS = {"score_sd": 0.5, "reliability": 0.80}


def change(before, now, **settings):
    return compute_change("r-before", SKILLS, before, now, **(DEFAULTS | settings)).to_dict()


def test_the_default_error_is_about_a_third_of_a_point():
    assert change_error(0.5, 0.80) == pytest.approx(math.sqrt(0.1))
    # sqrt(2) * 1.0 * sqrt(1 - 0.5) = sqrt(2) * sqrt(0.5) = 1
    assert change_error(1.0, 0.5) == pytest.approx(1.0)


def test_a_reliable_rise_a_reliable_fall_and_a_small_change():
    before = SkillScores(
        others={"listening": 2.9, "clarity": 3.5, "courage": 4.2},
        self={"listening": 4.2, "clarity": 4.0, "courage": 4.0},
    )
    now = SkillScores(
        others={"listening": 3.6, "clarity": 3.8, "courage": 3.5},
        self={"listening": 3.8, "clarity": 4.0, "courage": 4.4},
    )
    skills = change(before, now)["skills"]
    # listening: 3.6 - 2.9 = 0.7; rci = 0.7 / 0.31623 = 2.2136 >= 1.96: reliable, up.
    assert skills["listening"] == {
        "before": 2.9,
        "now": 3.6,
        "delta": 0.7,
        "rci": 2.21,
        "reliable": True,
        "direction": "up",
        "self_before": 4.2,
        "self_now": 3.8,
    }
    # clarity: 3.8 - 3.5 = 0.3; rci = 0.3 / 0.31623 = 0.9487: a few tenths, not reliable.
    assert skills["clarity"]["delta"] == 0.3
    assert skills["clarity"]["rci"] == 0.95
    assert skills["clarity"]["reliable"] is False
    assert skills["clarity"]["direction"] is None
    # courage: 3.5 - 4.2 = -0.7; rci = -2.2136: reliable, down.
    assert skills["courage"]["rci"] == -2.21
    assert skills["courage"]["direction"] == "down"
    # empathy is in neither round: no change for it.
    assert list(skills) == ["listening", "clarity", "courage"]


def test_a_skill_suppressed_in_one_round_has_no_change():
    before = SkillScores(others={"listening": 3.0}, self={"listening": 3.0, "clarity": 2.0})
    now = SkillScores(others={"listening": 3.0, "clarity": 4.0}, self={"clarity": 4.0})
    skills = change(before, now)["skills"]
    # clarity's others were not published before: nothing for it, whatever self did.
    assert list(skills) == ["listening"]
    # listening: no change at all (rci 0); self is published only before: not shown.
    assert skills["listening"] == {
        "before": 3.0,
        "now": 3.0,
        "delta": 0.0,
        "rci": 0.0,
        "reliable": False,
        "direction": None,
        "self_before": None,
        "self_now": None,
    }


def test_computed_from_full_precision_not_from_the_rounded_values():
    # before = 10/3 = 3.3333…, now = 3.95: delta = 0.61667, rci = 0.61667 / 0.31623 = 1.9501
    # < 1.96: not reliable. From the published 3.33 it would be 0.62 / 0.31623 = 1.9606.
    skills = change(SkillScores({"clarity": 10 / 3}, {}), SkillScores({"clarity": 3.95}, {}))
    assert skills["skills"]["clarity"] == {
        "before": 3.33,
        "now": 3.95,
        "delta": 0.62,
        "rci": 1.95,
        "reliable": False,
        "direction": None,
        "self_before": None,
        "self_now": None,
    }


def test_exactly_the_threshold_is_reliable():
    # delta = 1.96 * sqrt(0.1) = 0.619806…: rci = 1.96 exactly (up to float noise): reliable.
    delta = 1.96 * math.sqrt(0.1)
    skills = change(SkillScores({"courage": 3.0}, {}), SkillScores({"courage": 3.0 + delta}, {}))
    assert skills["skills"]["courage"]["rci"] == 1.96
    assert skills["skills"]["courage"]["reliable"] is True


def test_the_instrument_settings_decide():
    # SD 1.0, r 0.5: the error is 1.0, so a rise of 0.7 has rci 0.7: not reliable.
    skills = change(
        SkillScores({"listening": 2.9}, {}),
        SkillScores({"listening": 3.6}, {}),
        score_sd=1.0,
        reliability=0.5,
    )
    assert skills["skills"]["listening"]["rci"] == 0.7
    assert skills["skills"]["listening"]["reliable"] is False


def test_the_results_document_keeps_the_change_and_reads_old_documents(demo_results):
    assert "change" not in demo_results
    # A document stored before changes existed reads back without one, and writes none.
    assert Results.from_dict(demo_results).change is None
    assert "change" not in Results.from_dict(demo_results).to_dict()
    computed = compute_change(
        "r-before",
        SKILLS,
        SkillScores({"listening": 2.9}, {}),
        SkillScores({"listening": 3.6}, {}),
        **DEFAULTS,
    )
    with_change = dict(demo_results, change=computed.to_dict())
    # Stored and read again: the same document, byte for byte.
    again = Results.from_dict(json.loads(json.dumps(with_change))).to_dict()
    assert again["change"] == {
        "previous_round_id": "r-before",
        "skills": {
            "listening": {
                "before": 2.9,
                "now": 3.6,
                "delta": 0.7,
                "rci": 2.21,
                "reliable": True,
                "direction": "up",
                "self_before": None,
                "self_now": None,
            }
        },
    }
    assert json.dumps(Results.from_dict(again).to_dict()) == json.dumps(again)


@pytest.fixture
def demo_results():
    path = Path(__file__).parent / "fixtures" / "demo_results.json"
    return json.loads(path.read_text())
