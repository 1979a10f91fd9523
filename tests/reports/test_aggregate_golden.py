"""Hand-worked rounds through aggregate(): every expected number is worked out in a comment."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from reports.aggregate import (
    ScoringSettings,
    aggregate,
    late_update_allowed,
    plan_groups,
    skill_scores_by_block,
)
from reports.response_counts import CountSet
from reports.results import Results
from surveys.instrument import Instrument, Item, Question, Skill

NA = None  # "Don't know / not observed"
# Student t quantiles t(0.95, df), from a t table.
T_95 = {2: 2.9200, 3: 2.3534, 4: 2.1318}


def make_instrument(*skills: tuple[str, int], questions=("keep_doing", "do_differently")):
    """An instrument with the given (skill id, number of items); items are "<skill>_<1..n>"."""
    return Instrument(
        id="mini",
        version="1",
        name="Mini",
        skills=tuple(
            Skill(
                id=skill_id,
                name=skill_id.replace("_", " ").capitalize(),
                description="-",
                why_it_matters="-",
                items=tuple(
                    Item(f"{skill_id}_{i}", f"I {skill_id} {i}", f"{{name}} {skill_id} {i}")
                    for i in range(1, count + 1)
                ),
                strategies=(),
                exercises=(),
            )
            for skill_id, count in skills
        ),
        questions=tuple(Question(q, f"I {q}", f"{{name}} {q}") for q in questions),
        scale_labels=("1", "2", "3", "4", "5"),
        na_label="Don't know",
    )


MINI = make_instrument(("listening", 4), ("clarity", 4))


def answers_frame(instrument, raters) -> pd.DataFrame:
    """raters: {rater id: (relationship, scores)}; scores is one number for every item, or a
    list in instrument item order with NA for "don't know"."""
    item_ids = [item.id for skill in instrument.skills for item in skill.items]
    rows = []
    for rater_id, (relationship, scores) in raters.items():
        scores = [scores] * len(item_ids) if isinstance(scores, int) else scores
        assert len(scores) == len(item_ids)
        for item_id, score in zip(item_ids, scores, strict=True):
            rows.append((rater_id, relationship, item_id, math.nan if score is NA else score))
    frame = pd.DataFrame(rows, columns=["rater_id", "relationship", "item_id", "score"])
    return frame.astype({"score": float})


def comments_frame(rows=()) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["rater_id", "relationship", "key", "text"])


def score(raters, *, k=3, instrument=MINI, comments=(), seed=7, invited=None) -> Results:
    """aggregate() of these raters' answers; by default everyone invited submitted."""
    return run(
        answers_frame(instrument, raters),
        comments_frame(comments),
        instrument,
        k=k,
        seed=seed,
        invited=invited,
    )


def run(answers, comments=None, instrument=MINI, *, k=3, seed=7, invited=None) -> Results:
    return aggregate(
        answers,
        comments_frame() if comments is None else comments,
        instrument,
        ScoringSettings(anonymity_threshold=k),
        round_id="round-1",
        invited=invited or everyone_invited(answers),
        subject_first_name="Ada",
        seed=seed,
    )


def everyone_invited(answers: pd.DataFrame) -> dict[str, int]:
    """Invitations per relationship when every invited rater submitted."""
    return answers.drop_duplicates("rater_id")["relationship"].value_counts().to_dict()


def skill(results: Results, skill_id: str):
    return next(s for s in results.skills if s.id == skill_id)


def item(results: Results, item_id: str):
    return next(i for s in results.skills for i in s.items if i.id == item_id)


def groups(results: Results):
    return [(g.key, g.label, g.members, g.n) for g in results.groups]


def test_na_is_left_out_and_every_counted_rater_weighs_the_same():
    # listening (4 items): self answers 1 of 4 and p1 1 of 4: both left out (50% rule);
    # p2 answers 2 of 4 and counts with (2 + 4) / 2 = 3; p3 = 5; p4 = 2.
    # Peers = (3 + 5 + 2) / 3 = 3.333 (per answer it would be 34 / 10 = 3.4; N/A as 0 would
    # make p2 1.5). Others = the peers. n = 3.
    # listening_3 is answered by p3 and p4 only: the peer block counts 2 < k there, so for
    # the whole skill (skill and every item) only all others (and self) is published.
    # clarity: self 5; peers 3, 4, 4, 5 -> 4.0, n = 4. gap = 5 - 4 = 1.0.
    # sd(3, 4, 4, 5) = sqrt(2 / 3) = 0.8165; 90% CI = 4 -+ 2.3534 * 0.8165 / 2 = [3.04, 4.96];
    # self 5 lies above it and gap >= 1.0: blind spot.
    results = score(
        {
            "s": ("self", [3, NA, NA, NA, 5, 5, 5, 5]),
            "p1": ("peer", [4, NA, NA, NA, 3, 3, 3, 3]),
            "p2": ("peer", [2, 4, NA, NA, 4, 4, 4, 4]),
            "p3": ("peer", [5, 5, 5, 5, 4, 4, 4, 4]),
            "p4": ("peer", [2, 2, 2, 2, 5, 5, 5, 5]),
        }
    )
    assert groups(results) == [
        ("self", "Self", ("self",), 1),
        ("peer", "Peers", ("peer",), 4),
        ("others", "All others", ("peer",), 4),
    ]
    listening = skill(results, "listening")
    assert listening.scores == pytest.approx({"others": 10 / 3})
    assert listening.n == {"others": 3}
    assert listening.gap is None and listening.flag is None
    assert listening.group_detail_hidden is True

    clarity = skill(results, "clarity")
    assert clarity.scores == pytest.approx({"self": 5.0, "peer": 4.0, "others": 4.0})
    assert clarity.gap == pytest.approx(1.0)
    half_width = T_95[3] * math.sqrt(2 / 3) / 2
    assert clarity.ci90 == pytest.approx((4 - half_width, 4 + half_width), abs=1e-3)
    assert clarity.to_dict()["ci90"] == [3.04, 4.96]
    assert clarity.flag == "blind_spot"
    assert clarity.group_detail_hidden is False

    # Only all others and self, for each item of listening. listening_1: self 3; peers
    # 4, 2, 5, 2 -> 13 / 4 = 3.25. listening_2: self N/A; peers N/A, 4, 5, 2 -> 11 / 3 = 3.67
    # with one N/A. listening_3: only p3 and p4 answer (n = 2 < k): nothing but self, which
    # is N/A too.
    assert item(results, "listening_1").scores == pytest.approx({"self": 3.0, "others": 3.25})
    assert item(results, "listening_1").distribution == {
        "1": 0,
        "2": 2,
        "3": 0,
        "4": 1,
        "5": 1,
        "na": 0,
    }
    assert item(results, "listening_2").scores == pytest.approx({"others": 11 / 3})
    assert item(results, "listening_2").n == {"others": 3}
    assert item(results, "listening_2").distribution == {
        "1": 0,
        "2": 1,
        "3": 0,
        "4": 1,
        "5": 1,
        "na": 1,
    }
    listening_3 = item(results, "listening_3")
    assert (listening_3.scores, listening_3.n, listening_3.distribution) == ({}, {}, None)
    assert item(results, "listening_1").text == "Ada listening 1"


def test_a_small_group_is_pooled_into_a_combined_block():
    # k = 3: peers 3 stand alone; direct reports 1 and others 2 pool into a combined block of 3.
    # Every rater gives one score to every item: manager 4, peers 3, direct report 5, others 2.
    # combined = (5 + 2 + 2) / 3 = 3.0; all others = (4 + 3 + 3 + 3 + 5 + 2 + 2) / 7 = 3.14.
    results = score(
        {
            "m": ("manager", 4),
            "p1": ("peer", 3),
            "p2": ("peer", 3),
            "p3": ("peer", 3),
            "d1": ("direct_report", 5),
            "o1": ("other", 2),
            "o2": ("other", 2),
        }
    )
    assert groups(results) == [
        ("manager", "Manager", ("manager",), 1),
        ("peer", "Peers", ("peer",), 3),
        ("combined", "Direct reports + others", ("direct_report", "other"), 3),
        ("others", "All others", ("manager", "peer", "direct_report", "other"), 7),
    ]
    listening = skill(results, "listening")
    assert listening.scores == pytest.approx(
        {"manager": 4.0, "peer": 3.0, "combined": 3.0, "others": 22 / 7}
    )
    assert listening.n == {"manager": 1, "peer": 3, "combined": 3, "others": 7}
    assert listening.to_dict()["scores"]["others"] == 3.14


def test_a_small_combined_block_is_merged_into_the_smallest_shown_block():
    # k = 3: peers 4; one direct report is a combined block of 1 < k, merged into the peers.
    # Peers + direct reports = (1 + 2 + 3 + 4 + 5) / 5 = 3.0; no direct report value anywhere.
    results = score(
        {
            "p1": ("peer", 1),
            "p2": ("peer", 2),
            "p3": ("peer", 3),
            "p4": ("peer", 4),
            "d1": ("direct_report", 5),
        }
    )
    assert groups(results) == [
        ("peer", "Peers + direct reports", ("peer", "direct_report"), 5),
        ("others", "All others", ("peer", "direct_report"), 5),
    ]
    assert skill(results, "clarity").scores == pytest.approx({"peer": 3.0, "others": 3.0})
    assert skill(results, "clarity").n == {"peer": 5, "others": 5}


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        # peer 3 and direct reports 4 stand alone; the lone other joins the smaller: peers.
        (
            {"peer": 3, "direct_report": 4, "other": 1},
            [
                ("peer", "Peers + others", ("peer", "other"), 4),
                ("direct_report", "Direct reports", ("direct_report",), 4),
                ("others", "All others", ("peer", "direct_report", "other"), 8),
            ],
        ),
        # A tie between peers 3 and direct reports 3: the first of peer, direct_report, other.
        (
            {"manager": 1, "peer": 3, "direct_report": 3, "other": 2},
            [
                ("manager", "Manager", ("manager",), 1),
                ("peer", "Peers + others", ("peer", "other"), 5),
                ("direct_report", "Direct reports", ("direct_report",), 3),
                ("others", "All others", ("manager", "peer", "direct_report", "other"), 9),
            ],
        ),
        # Peers 2 and direct reports 1 pool into 3 = k: shown as their own combined block.
        (
            {"self": 1, "peer": 2, "direct_report": 1},
            [
                ("self", "Self", ("self",), 1),
                ("combined", "Peers + direct reports", ("peer", "direct_report"), 3),
                ("others", "All others", ("peer", "direct_report"), 3),
            ],
        ),
        # Two managers and nothing else, k = 3: others is 2 < k, nothing but self.
        ({"self": 1, "manager": 2}, [("self", "Self", ("self",), 1)]),
    ],
)
def test_plan_groups(submitted, expected):
    assert [(g.key, g.label, g.members, g.n) for g in plan_groups(submitted, 3)] == expected


def test_the_manager_is_folded_in_when_no_other_block_reaches_k():
    # k = 3: manager 1 and peers 2; no peer block of 3, so manager and peers pool into
    # "All others" = (4 + 2 + 3) / 3 = 3.0, and neither the manager nor the peers are shown.
    results = score({"s": ("self", 5), "m": ("manager", 4), "p1": ("peer", 2), "p2": ("peer", 3)})
    assert groups(results) == [
        ("self", "Self", ("self",), 1),
        ("others", "All others", ("manager", "peer"), 3),
    ]
    for value in (skill(results, "listening"), item(results, "clarity_2")):
        assert value.scores == pytest.approx({"self": 5.0, "others": 3.0})
        assert value.n == {"self": 1, "others": 3}
    assert results.too_few_raters is False


def test_a_skill_where_the_50_percent_rule_drops_a_peer_shows_only_all_others():
    # k = 3: manager 4; peers 3, 3 and p3 (listening: 1 of 4 answered, 5; clarity 5);
    # direct reports 2, 2, 2. Blocks: manager, peers (3), direct reports (3), all others (7).
    # listening: p3 is left out, peers count 2 < k -> only all others, which counts 6:
    #   (4 + 3 + 3 + 2 + 2 + 2) / 6 = 2.67.
    # clarity: everyone counts: peers (3 + 3 + 5) / 3 = 3.67, others 21 / 7 = 3.0.
    # listening_1: everyone answers, but the decision covers the whole skill: only others,
    #   (4 + 3 + 3 + 5 + 2 + 2 + 2) / 7 = 21 / 7 = 3.0.
    # listening_2: p3 is N/A -> only others, 16 / 6 = 2.67, one N/A.
    results = score(
        {
            "m": ("manager", 4),
            "p1": ("peer", 3),
            "p2": ("peer", 3),
            "p3": ("peer", [5, NA, NA, NA, 5, 5, 5, 5]),
            "d1": ("direct_report", 2),
            "d2": ("direct_report", 2),
            "d3": ("direct_report", 2),
        }
    )
    assert [g.key for g in results.groups] == ["manager", "peer", "direct_report", "others"]
    assert skill(results, "listening").scores == pytest.approx({"others": 16 / 6})
    assert skill(results, "listening").n == {"others": 6}
    assert skill(results, "clarity").scores == pytest.approx(
        {"manager": 4.0, "peer": 11 / 3, "direct_report": 2.0, "others": 3.0}
    )
    assert skill(results, "clarity").n == {"manager": 1, "peer": 3, "direct_report": 3, "others": 7}
    assert item(results, "listening_1").scores == pytest.approx({"others": 3.0})
    assert item(results, "listening_1").n == {"others": 7}
    assert item(results, "listening_2").scores == pytest.approx({"others": 16 / 6})
    assert item(results, "listening_2").distribution == {
        "1": 0,
        "2": 3,
        "3": 2,
        "4": 1,
        "5": 0,
        "na": 1,
    }


def test_one_statement_short_of_k_in_a_group_hides_the_groups_for_the_whole_skill():
    # k = 3: manager m, peers p1, p2, p3; p3 does not know listening_2 (3 of 4 answered, so
    # p3 still counts for the skill). Blocks: manager, peers (3), all others (4).
    #   listening (items 1-4):  m 2 5 3 2 | p1 3 4 3 3 | p2 4 2 4 4 | p3 5 N/A 5 5
    # Deciding item by item published the manager's listening 12 / 4 = 3.0 and their items
    # 1, 3, 4 (2, 3, 2) but withheld listening_2 (peers count 2 there), while all others'
    # listening_2 was published: (5 + 4 + 2) / 3 = 3.67. Then the manager's listening_2 is
    # 4 * 3.0 - (2 + 3 + 2) = 5, and 3 * 3.67 - 5 = 6 is p1 + p2: two peers' answers, k = 3.
    # Skill-wide, listening_2's 2 < k withholds every group of listening and of each of its
    # items: only all others.
    #   listening, raters' scores: m 12 / 4 = 3.0, p1 13 / 4 = 3.25, p2 14 / 4 = 3.5,
    #   p3 15 / 3 = 5.0 -> others (3.0 + 3.25 + 3.5 + 5.0) / 4 = 14.75 / 4 = 3.6875, n = 4.
    #   listening_1: (2 + 3 + 4 + 5) / 4 = 3.5; listening_2: (5 + 4 + 2) / 3 = 3.67, n = 3;
    #   listening_3: (3 + 3 + 4 + 5) / 4 = 3.75; listening_4: (2 + 3 + 4 + 5) / 4 = 3.5.
    # clarity: everyone answers everything (m 4, p1 3, p2 3, p3 5): every group of it is
    #   published: manager 4.0, peers 11 / 3 = 3.67, others 15 / 4 = 3.75.
    results = score(
        {
            "m": ("manager", [2, 5, 3, 2, 4, 4, 4, 4]),
            "p1": ("peer", [3, 4, 3, 3, 3, 3, 3, 3]),
            "p2": ("peer", [4, 2, 4, 4, 3, 3, 3, 3]),
            "p3": ("peer", [5, NA, 5, 5, 5, 5, 5, 5]),
        }
    )
    assert [g.key for g in results.groups] == ["manager", "peer", "others"]
    listening = skill(results, "listening")
    assert listening.scores == pytest.approx({"others": 3.6875})
    assert listening.n == {"others": 4}
    assert listening.group_detail_hidden is True
    expected = {"listening_1": 3.5, "listening_2": 11 / 3, "listening_3": 3.75, "listening_4": 3.5}
    for item_id, value in expected.items():
        assert item(results, item_id).scores == pytest.approx({"others": value})
    assert item(results, "listening_2").n == {"others": 3}
    # The distribution of all others stays: 3 answers (5, 4, 2) and p3's N/A.
    assert item(results, "listening_2").distribution == {
        "1": 0,
        "2": 1,
        "3": 0,
        "4": 1,
        "5": 1,
        "na": 1,
    }
    clarity = skill(results, "clarity")
    assert clarity.scores == pytest.approx({"manager": 4.0, "peer": 11 / 3, "others": 3.75})
    assert clarity.group_detail_hidden is False
    assert item(results, "clarity_1").scores == pytest.approx(
        {"manager": 4.0, "peer": 11 / 3, "others": 3.75}
    )
    document = results.to_dict()
    assert [s["group_detail_hidden"] for s in document["skills"]] == [True, False]


def test_a_rater_with_only_na_counts_as_submitted_but_for_no_skill():
    # k = 3: manager 4, peers p1 (all N/A), 3, 3. The peer block has 3 submitted, but counts
    # 2 for every skill and item: only all others, (4 + 3 + 3) / 3 = 3.33 with n = 3.
    results = score(
        {"m": ("manager", 4), "p1": ("peer", [NA] * 8), "p2": ("peer", 3), "p3": ("peer", 3)}
    )
    assert groups(results)[1] == ("peer", "Peers", ("peer",), 3)
    # Response counts: peers 3 invited stand alone; the lone manager is merged into them:
    # 1 + 3 = 4 invited, all 4 submitted (p1 too). No declines were given: null.
    assert results.responses == (
        CountSet("peer", "Manager + peers", ("manager", "peer"), 4, 4, None),
    )
    assert skill(results, "listening").scores == pytest.approx({"others": 10 / 3})
    assert skill(results, "listening").n == {"others": 3}
    assert item(results, "clarity_4").distribution == {
        "1": 0,
        "2": 0,
        "3": 2,
        "4": 1,
        "5": 0,
        "na": 1,
    }


def test_too_few_raters_publishes_nothing_but_self():
    # k = 3: self and two peers. No block of 3, all others = 2 < 3: only self, no comments.
    raters = {"s": ("self", 4), "p1": ("peer", 3), "p2": ("peer", 2)}
    comments = [("p1", "peer", "listening", "Good"), ("p2", "peer", "keep_doing", "More")]
    results = score(raters, comments=comments)
    assert results.too_few_raters is True
    assert groups(results) == [("self", "Self", ("self",), 1)]
    listening = skill(results, "listening")
    assert (listening.scores, listening.n) == ({"self": 4.0}, {"self": 1})
    assert (listening.ci90, listening.gap, listening.flag, listening.agreement) == (
        None,
        None,
        None,
        None,
    )
    assert item(results, "listening_1").distribution is None
    assert results.comments == {}
    assert results.strengths == results.development_areas == results.top_items == ()
    # With k = 2 the same round is published: peers 2 >= k, comments too.
    published = score(raters, comments=comments, k=2)
    assert published.too_few_raters is False
    assert skill(published, "listening").scores == pytest.approx(
        {"self": 4.0, "peer": 2.5, "others": 2.5}
    )
    assert published.comments == {"listening": ("Good",), "keep_doing": ("More",)}


def test_blind_spot_and_hidden_strength():
    # Peers' listening scores 3, 3, 3, 3, 4: mean 3.2, squared deviations 4 * 0.04 + 0.64 =
    # 0.8, sd = sqrt(0.8 / 4) = 0.4472; CI = 3.2 -+ 2.1318 * 0.4472 / sqrt(5) = 3.2 -+ 0.4264
    # = [2.77, 3.63]. Self 5: gap 1.8 >= 1 and 5 > 3.63 -> blind spot.
    # rwg = 1 - 0.2 / 2 = 0.9; not mixed.
    # clarity: peers 4, 4, 4, 4, 5 -> 4.2, CI [3.77, 4.63]; self 2: gap -2.2, 2 < 3.77 ->
    # hidden strength.
    raters = {"s": ("self", [5, 5, 5, 5, 2, 2, 2, 2])}
    raters |= {f"p{i}": ("peer", [3, 3, 3, 3, 4, 4, 4, 4]) for i in range(1, 5)}
    raters["p5"] = ("peer", [4, 4, 4, 4, 5, 5, 5, 5])
    results = score(raters)
    listening, clarity = skill(results, "listening"), skill(results, "clarity")
    half_width = T_95[4] * math.sqrt(0.2) / math.sqrt(5)
    assert listening.scores["others"] == pytest.approx(3.2)
    assert listening.ci90 == pytest.approx((3.2 - half_width, 3.2 + half_width), abs=1e-3)
    assert listening.gap == pytest.approx(1.8)
    assert listening.flag == "blind_spot"
    assert listening.agreement.sd == pytest.approx(math.sqrt(0.2))
    assert listening.agreement.rwg == pytest.approx(0.9)
    assert listening.agreement.mixed_views is False
    assert listening.to_dict()["ci90"] == [2.77, 3.63]
    assert listening.to_dict()["agreement"] == {"sd": 0.45, "rwg": 0.9, "mixed_views": False}
    assert clarity.to_dict()["ci90"] == [3.77, 4.63]
    assert clarity.gap == pytest.approx(-2.2)
    assert clarity.flag == "hidden_strength"
    # Both skills are strengths (4.2 and 3.2); none is left to be a development area, so the
    # focus is the blind spot alone.
    assert results.strengths == ("clarity", "listening")
    assert results.development_areas == ()
    assert results.focus_skills == ("listening",)


def test_a_large_gap_inside_a_wide_interval_is_not_flagged_and_views_are_mixed():
    # Peers 1, 3, 5 on listening: mean 3, sd = sqrt((4 + 0 + 4) / 2) = 2.
    # CI = 3 -+ 2.9200 * 2 / sqrt(3) = 3 -+ 3.3717 = [-0.37, 6.37].
    # Self (5 + 4 + 5 + 4) / 4 = 4.5: gap 1.5 >= 1 but inside the interval: no flag.
    # rwg = 1 - 4 / 2 = -1, clipped to 0; n = 3 and rwg < 0.70: mixed views.
    results = score(
        {
            "s": ("self", [5, 4, 5, 4, 3, 3, 3, 3]),
            "p1": ("peer", 1),
            "p2": ("peer", 3),
            "p3": ("peer", 5),
        }
    )
    listening = skill(results, "listening")
    half_width = T_95[2] * 2 / math.sqrt(3)
    assert listening.ci90 == pytest.approx((3 - half_width, 3 + half_width), abs=1e-3)
    assert listening.to_dict()["ci90"] == [-0.37, 6.37]
    assert listening.gap == pytest.approx(1.5)
    assert listening.flag is None
    assert listening.to_dict()["agreement"] == {"sd": 2.0, "rwg": 0.0, "mixed_views": True}


RANKING = make_instrument(("a", 3), ("b", 3), ("c", 3), ("d", 3))


def test_ties_break_by_instrument_order():
    # Three peers give a 4, b 3, c 4, d 3 on every item.
    # Strengths: a and c tie at 4 -> a, c. Development areas: b and d tie at 3 -> b, d.
    # Top items: six items at 4 -> the first five in instrument order; bottom items: the six
    # at 3, lowest first, ties in instrument order -> the first five.
    per_item = [4, 4, 4, 3, 3, 3, 4, 4, 4, 3, 3, 3]
    results = score({f"p{i}": ("peer", per_item) for i in range(3)}, instrument=RANKING)
    assert results.strengths == ("a", "c")
    assert results.development_areas == ("b", "d")
    assert results.focus_skills == ("b", "d")
    assert results.top_items == ("a_1", "a_2", "a_3", "c_1", "c_2")
    assert results.bottom_items == ("b_1", "b_2", "b_3", "d_1", "d_2")


FOCUS = make_instrument(("a", 2), ("b", 2), ("c", 2), ("d", 2), ("e", 2))


def test_focus_is_development_areas_and_blind_spots_lowest_first_at_most_three():
    # Others (three peers): a 2, b 4, c 3, d 5, e (4 + 4 + 3) / 3 = 3.67.
    # Strengths d, b; development areas a, c.
    # b: self 5, others 4 with sd 0 -> CI [4, 4]; gap exactly 1.0 and 5 > 4: blind spot.
    # e: self 5, others 3.67, sd = 0.577; CI = 3.67 -+ 2.92 * 0.577 / sqrt(3) = [2.69, 4.64];
    #    gap 1.33 and 5 > 4.64: blind spot.
    # Focus candidates a 2, c 3, e 3.67, b 4 -> lowest first, at most three: a, c, e.
    peer = [2, 2, 4, 4, 3, 3, 5, 5]
    raters = {
        "s": ("self", [2, 2, 5, 5, 3, 3, 5, 5, 5, 5]),
        "p1": ("peer", [*peer, 4, 4]),
        "p2": ("peer", [*peer, 4, 4]),
        "p3": ("peer", [*peer, 3, 3]),
    }
    results = score(raters, instrument=FOCUS)
    assert [skill(results, s).flag for s in "abcde"] == [
        None,
        "blind_spot",
        None,
        None,
        "blind_spot",
    ]
    assert skill(results, "e").to_dict()["ci90"] == [2.69, 4.64]
    assert results.strengths == ("d", "b")
    assert results.development_areas == ("a", "c")
    assert results.focus_skills == ("a", "c", "e")


COMMENTS = [
    ("p1", "peer", "listening", "Listens well"),
    ("p2", "peer", "listening", "Interrupts sometimes"),
    ("p3", "peer", "listening", "Asks good questions"),
    ("p3", "peer", "keep_doing", "Keep the weekly notes"),
    ("p1", "peer", "do_differently", "Share agendas earlier"),
    ("s", "self", "listening", "I think I listen"),  # self: never published
    ("x", "peer", "clarity", "A draft nobody submitted"),  # not a submitted rater
    ("p2", "peer", "clarity", "   "),  # blank
]
COMMENT_RATERS = {"s": ("self", 3), "p1": ("peer", 3), "p2": ("peer", 4), "p3": ("peer", 5)}


def test_comments_are_unattributed_grouped_in_instrument_order_and_shuffled_by_seed():
    results = score(COMMENT_RATERS, comments=COMMENTS, seed=11)
    assert list(results.comments) == ["listening", "keep_doing", "do_differently"]
    assert sorted(results.comments["listening"]) == [
        "Asks good questions",
        "Interrupts sometimes",
        "Listens well",
    ]
    assert results.comments["keep_doing"] == ("Keep the weekly notes",)
    # The same seed gives the same order whatever order the rows come in.
    again = score(COMMENT_RATERS, comments=reversed(COMMENTS), seed=11)
    assert again.comments == results.comments
    orders = {
        score(COMMENT_RATERS, comments=COMMENTS, seed=s).comments["listening"] for s in range(30)
    }
    assert len(orders) > 1


def test_comments_are_withheld_below_k_non_self_raters():
    # Three non-self raters submitted: published at k = 3, withheld at k = 4.
    assert score(COMMENT_RATERS, comments=COMMENTS, k=4).comments == {}


def test_the_document_leaves_suppressed_values_out_and_loads_back():
    results = score(
        {
            "s": ("self", [3, NA, NA, NA, 5, 5, 5, 5]),
            "p1": ("peer", [4, NA, NA, NA, 3, 3, 3, 3]),
            "p2": ("peer", [2, 4, NA, NA, 4, 4, 4, 4]),
            "p3": ("peer", [5, 5, 5, 5, 4, 4, 4, 4]),
            "p4": ("peer", [2, 2, 2, 2, 5, 5, 5, 5]),
        },
        invited={"self": 1, "peer": 5},
    )
    document = json.loads(json.dumps(results.to_dict()))
    assert list(document) == [
        "round_id",
        "instrument",
        "anonymity_threshold",
        "gap_threshold",
        "too_few_raters",
        "responses",
        "groups",
        "skills",
        "strengths",
        "development_areas",
        "focus_skills",
        "top_items",
        "bottom_items",
        "comments",
    ]
    assert document["instrument"] == {"id": "mini", "version": "1"}
    # 5 peers invited >= k: their set shows that 4 submitted (declines were not given).
    assert document["responses"] == {
        "invited": {"self": 1, "manager": 0, "peer": 5, "direct_report": 0, "other": 0},
        "sets": [
            {
                "key": "peer",
                "label": "Peers",
                "members": ["peer"],
                "invited": 5,
                "submitted": 4,
                "declined": None,
            }
        ],
    }
    listening = document["skills"][0]
    # Self does not count for listening (1 of 4 answered): absent, neither 0 nor null. The
    # peers count 2 on listening_3: for listening only all others is published.
    assert listening["scores"] == {"others": 3.33}
    assert listening["n"] == {"others": 3}
    assert listening["group_detail_hidden"] is True
    listening_3 = listening["items"][2]
    assert listening_3 == {
        "id": "listening_3",
        "text": "Ada listening 3",
        "scores": {},
        "n": {},
        "distribution": None,
    }
    assert Results.from_dict(document).to_dict() == document


def test_a_document_stored_with_exact_counts_loads_with_the_counts_the_rule_allows():
    # Stored before the "Response counts" rule: exact submitted counts per relationship,
    # and skills without "group_detail_hidden". k = 3: the lone manager (who did not
    # answer) and the lone direct report pool into 1 + 1 = 2 < k invited, merged into the
    # peers, the only set of its own: 1 + 4 + 1 = 6 invited, 0 + 3 + 1 = 4 submitted. Never
    # "manager: 0 of 1".
    results = score({f"p{i}": ("peer", 3) for i in range(3)} | {"d1": ("direct_report", 2)})
    document = results.to_dict()
    document["responses"] = {
        "invited": {"self": 0, "manager": 1, "peer": 4, "direct_report": 1, "other": 0},
        "submitted": {"self": 0, "manager": 0, "peer": 3, "direct_report": 1, "other": 0},
    }
    for skill_document in document["skills"]:
        del skill_document["group_detail_hidden"]
    loaded = Results.from_dict(document)
    members = ("manager", "peer", "direct_report")
    assert loaded.responses == (
        CountSet("peer", "Manager + peers + direct reports", members, 6, 4, None),
    )
    assert loaded.to_dict()["responses"]["sets"][0]["submitted"] == 4
    assert "submitted" not in loaded.to_dict()["responses"]
    # Each skill of this round shows every group: nothing was hidden.
    assert [skill.group_detail_hidden for skill in loaded.skills] == [False, False]


def test_a_document_stored_with_item_by_item_decisions_loads_under_the_skill_wide_rule():
    # Stored under the old rule 5: the peers' block (3 peers + the merged direct report) was
    # withheld on one item only, while the skill and its other items showed it. From the
    # skill score and the other items, that item's block value could be worked out; loaded
    # today, the whole skill shows only all others (and self).
    results = score({f"p{i}": ("peer", 3) for i in range(3)} | {"d1": ("direct_report", 2)})
    document = results.to_dict()
    for skill_document in document["skills"]:
        del skill_document["group_detail_hidden"]
    first, _ = document["skills"]
    assert "peer" in first["scores"] and "peer" in first["items"][1]["scores"]
    del first["items"][0]["scores"]["peer"], first["items"][0]["n"]["peer"]

    loaded = Results.from_dict(document)
    hidden, shown = loaded.skills
    assert hidden.group_detail_hidden and not shown.group_detail_hidden
    assert set(hidden.scores) <= {"self", "others"} and "others" in hidden.scores
    assert all(set(item.scores) <= {"self", "others"} for item in hidden.items)
    assert all(set(item.n) <= {"self", "others"} for item in hidden.items)
    assert shown.scores == Results.from_dict(results.to_dict()).skills[1].scores
    assert "peer" in shown.scores


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"relationship": "boss"}, "unknown relationship"),
        ({"item_id": "nope"}, "not in the instrument"),
        ({"score": 0.0}, "integer from 1 to 5"),
        ({"score": 3.5}, "integer from 1 to 5"),
    ],
)
def test_invalid_answers_are_refused(change, message):
    frame = answers_frame(MINI, {"p1": ("peer", 3)})
    for column, value in change.items():
        frame.loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        run(frame)


def test_a_duplicate_answer_or_a_rater_with_two_relationships_is_refused():
    frame = answers_frame(MINI, {"p1": ("peer", 3)})
    for bad, message in (
        (pd.concat([frame, frame.iloc[:1]]), "more than one answer"),
        (frame.assign(relationship=["peer"] * 7 + ["other"]), "more than one relationship"),
    ):
        with pytest.raises(ValueError, match=message):
            run(bad)


@pytest.mark.parametrize("k", [1, 11, 2.5, True])
def test_the_threshold_must_be_an_integer_from_2_to_10(k):
    with pytest.raises(ValueError, match="anonymity_threshold"):
        ScoringSettings(anonymity_threshold=k)


def stored(results: Results) -> Results:
    """Released results as the service keeps them: the JSON document, loaded back."""
    return Results.from_dict(json.loads(json.dumps(results.to_dict())))


PEERS_3 = {"m": ("manager", 4), "p1": ("peer", 3), "p2": ("peer", 3), "p3": ("peer", 3)}
# Invitations do not change after the first close: the same for both versions.
INVITED = {"self": 1, "manager": 2, "peer": 8, "direct_report": 2}


@pytest.mark.parametrize(
    ("late", "allowed"),
    [
        # k = 3. One late peer: the peer block and all others would gain 1.
        ({"p4": ("peer", 5)}, False),
        # Two late peers: 2 < k, the difference would give their mean.
        ({"p4": ("peer", 5), "p5": ("peer", 1)}, False),
        # Three late peers: the peer block and all others both gain 3 = k.
        ({"p4": ("peer", 5), "p5": ("peer", 1), "p6": ("peer", 2)}, True),
        # Two late peers and a late direct report, merged into the peers (who had no direct
        # report before): that block gains 3, and so does all others.
        ({"p4": ("peer", 5), "p5": ("peer", 1), "d1": ("direct_report", 2)}, True),
        # One late peer and one late direct report: the merged block gains 2 < k.
        ({"p4": ("peer", 5), "d1": ("direct_report", 1)}, False),
        # A late self-assessment alone.
        ({"s": ("self", 5)}, False),
        # A late self-assessment with three late peers.
        ({"s": ("self", 5), "p4": ("peer", 5), "p5": ("peer", 1), "p6": ("peer", 2)}, True),
        # A late second manager: all others gains 1.
        ({"m2": ("manager", 5)}, False),
        # A late second manager with three late peers: the published manager group would
        # change from 4.0 to (4 + 5) / 2 = 4.5, and 2 * 4.5 - 4 = 5 is the late manager's.
        ({"m2": ("manager", 5), "p4": ("peer", 5), "p5": ("peer", 1), "p6": ("peer", 2)}, False),
        # No late response at all.
        ({}, False),
    ],
)
def test_late_responses_change_released_results_only_with_k_new_in_every_changed_block(
    late, allowed
):
    released = stored(score(PEERS_3, invited=INVITED))
    assert late_update_allowed(released, score(PEERS_3 | late, invited=INVITED)) is allowed


def test_two_late_peers_do_not_change_results_released_with_k_5():
    # k = 5: manager 4, peers p1-p5 all 3 on every item. Released peers' listening: 3.0 (5).
    # Two late peers, 5 and 4: peers (5 * 3 + 5 + 4) / 7 = 24 / 7 = 3.43. Anyone holding
    # both versions works out 7 * 3.43 - 5 * 3.0 = 9.01, so the two late peers' answers sum
    # to 9: their mean 4.5 rests on 2 < 5 raters. The released version stands.
    team = {"m": ("manager", 4)} | {f"p{i}": ("peer", 3) for i in range(1, 6)}
    invited = {"manager": 1, "peer": 10}
    released = stored(score(team, k=5, invited=invited))
    two_late = score(team | {"p6": ("peer", 5), "p7": ("peer", 4)}, k=5, invited=invited)
    assert skill(released, "listening").scores["peer"] == 3.0
    assert skill(two_late, "listening").to_dict()["scores"]["peer"] == 3.43
    assert round(7 * 3.43 - 5 * 3.0) == 9
    assert late_update_allowed(released, two_late) is False
    # Five late peers (5 = k new in the peer block and in all others) may change them.
    five_late = team | {f"p{i}": ("peer", 5) for i in range(6, 11)}
    assert late_update_allowed(released, score(five_late, k=5, invited=invited)) is True


def test_late_raters_who_do_not_know_an_item_leave_fewer_than_k_new_answers_there():
    # k = 3: PEERS_3 (manager 4, peers 3). Three late peers answer 5 everywhere, but p6 does
    # not know listening_1 (3 of 4 listening items answered: p6 counts for the skill).
    # Peers' listening_1: released 3.0 (n = 3), then (3 * 3 + 5 + 5) / 5 = 3.8 (n = 5):
    # 5 * 3.8 - 3 * 3.0 = 10 = p4 + p5, two raters. Every block gained 3, yet the release stands.
    late = {
        "p4": ("peer", 5),
        "p5": ("peer", 5),
        "p6": ("peer", [NA, 5, 5, 5, 5, 5, 5, 5]),
    }
    released = stored(score(PEERS_3, invited=INVITED))
    candidate = score(PEERS_3 | late, invited=INVITED)
    assert item(candidate, "listening_1").n["peer"] == 5
    assert item(candidate, "listening_1").scores["peer"] == pytest.approx(3.8)
    assert late_update_allowed(released, candidate) is False


def test_a_first_late_manager_with_k_late_peers_may_change_released_results():
    # k = 3: peers p1-p3 only. A manager who had not answered, and three late peers: the
    # manager group is new (shown as their own group either way), peers and all others gain
    # 3 and 4.
    team = {f"p{i}": ("peer", 3) for i in range(1, 4)}
    invited = {"manager": 1, "peer": 6}
    released = stored(score(team, invited=invited))
    late = {"m": ("manager", 4)} | {f"p{i}": ("peer", 5) for i in range(4, 7)}
    assert late_update_allowed(released, score(team | late, invited=invited)) is True


def test_results_that_showed_only_all_others_keep_showing_only_all_others():
    # k = 3: manager 4, peers 2 and 3: no block reaches k, "All others" (4 + 2 + 3) / 3 = 3.0
    # alone. Three late peers make a peer block of 5, and the manager would be shown on
    # their own, 4.0: then 3 * 3.0 - 4.0 = 5 = p1 + p2, two released peers.
    team = {"m": ("manager", 4), "p1": ("peer", 2), "p2": ("peer", 3)}
    invited = {"manager": 1, "peer": 5}
    released = stored(score(team, invited=invited))
    assert [g.key for g in released.groups] == ["others"]
    candidate = score(team | {f"p{i}": ("peer", 3) for i in range(3, 6)}, invited=invited)
    assert [g.key for g in candidate.groups] == ["manager", "peer", "others"]
    assert late_update_allowed(released, candidate) is False


def test_late_responses_that_move_a_rater_between_blocks_do_not_change_released_results():
    # k = 3: peers 4, direct reports 3, one other, merged into the smaller direct reports.
    # Three late direct reports (6 > 4) move the other into the peers: the peer block gains a
    # rater without any new peer, so comparing the two versions would expose the other.
    team = {f"p{i}": ("peer", 3) for i in range(4)} | {"o1": ("other", 5)}
    team |= {f"d{i}": ("direct_report", 2) for i in range(3)}
    invited = {"peer": 4, "direct_report": 6, "other": 1}
    released = stored(score(team, invited=invited))
    late = {f"d{i}": ("direct_report", 4) for i in range(3, 6)}
    candidate = score(team | late, invited=invited)
    assert [g.members for g in released.groups][:2] == [("peer",), ("direct_report", "other")]
    assert [g.members for g in candidate.groups][:2] == [("peer", "other"), ("direct_report",)]
    assert late_update_allowed(released, candidate) is False


def test_results_released_with_too_few_raters_change_with_k_new_responses():
    # k = 3, 5 peers invited, 2 answered: nothing but self was released, and its response
    # counts showed 2 of the 5 peers. Three late peers: the peer block of 5 holds at most 2
    # released raters, so it gained at least 5 - 2 = 3 = k. One late peer: 3 - 2 = 1 < k.
    team = {"s": ("self", 3), "p1": ("peer", 3), "p2": ("peer", 4)}
    invited = {"self": 1, "peer": 5}
    released = stored(score(team, invited=invited))
    assert released.too_few_raters
    assert released.responses == (CountSet("peer", "Peers", ("peer",), 5, 2, None),)
    three = team | {f"p{i}": ("peer", 2) for i in range(3, 6)}
    assert late_update_allowed(released, score(three, invited=invited)) is True
    one = team | {"p3": ("peer", 2)}
    assert late_update_allowed(released, score(one, invited=invited)) is False


def test_late_responses_that_change_no_published_block_may_update_the_counts():
    # k = 3, 4 peers invited, a single peer answered: nothing but self published before and
    # after a second peer, but the response counts go from 1 to 2 of 4.
    invited = {"self": 1, "peer": 4}
    released = stored(score({"s": ("self", 3), "p1": ("peer", 3)}, invited=invited))
    candidate = score({"s": ("self", 3), "p1": ("peer", 3), "p2": ("peer", 4)}, invited=invited)
    assert candidate.groups == released.groups
    assert [s.answered for s in (*released.responses, *candidate.responses)] == [1, 2]
    assert late_update_allowed(released, candidate) is True


def test_skill_scores_by_block_over_several_rounds():
    # Round A: self 5; peers p1 (listening 4, 4, N/A, N/A -> 4.0) and p2 (listening 1 of 4
    # answered -> left out); manager 2.  Round B: peer q1 3.
    # listening, round A: self 5 (1), manager 2 (1), peer 4 (1), others (2 + 4) / 2 = 3 (2).
    frames = []
    for round_id, raters in (
        (
            "A",
            {
                "s": ("self", 5),
                "p1": ("peer", [4, 4, NA, NA, 3, 3, 3, 3]),
                "p2": ("peer", [1, NA, NA, NA, 3, 3, 3, 3]),
                "m": ("manager", 2),
            },
        ),
        ("B", {"q1": ("peer", 3)}),
    ):
        frames.append(answers_frame(MINI, raters).assign(round_id=round_id))
    item_skill = {i.id: s.id for s in MINI.skills for i in s.items}
    table = skill_scores_by_block(pd.concat(frames), item_skill)
    listening_a = table[(table["round_id"] == "A") & (table["skill"] == "listening")]
    rows = listening_a[["group", "score", "n"]].itertuples(index=False)
    assert {group: (value, n) for group, value, n in rows} == {
        "self": (5.0, 1),
        "manager": (2.0, 1),
        "peer": (4.0, 1),
        "others": (3.0, 2),
    }
    clarity_b = table[(table["round_id"] == "B") & (table["skill"] == "clarity")]
    assert sorted(clarity_b["group"].astype(str)) == ["others", "peer"]
