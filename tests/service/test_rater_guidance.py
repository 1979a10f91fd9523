"""Advice on whom to ask and warnings on how the anonymity rule will group them (pure)."""

from __future__ import annotations

import pytest

from service.services.rater_guidance import ADVICE, WARNING, Voice, rater_guidance


def texts(counts, k=3, level=None) -> list[str]:
    return [m.text for m in rater_guidance(counts, k) if level is None or m.level == level]


def joined(counts, k=3, level=None) -> str:
    return " | ".join(texts(counts, k, level))


def test_a_well_balanced_list_gets_no_message():
    assert rater_guidance({"manager": 1, "peer": 4, "direct_report": 4}, 3) == []
    assert rater_guidance({"manager": 1, "peer": 6, "direct_report": 6}, 5) == []


def test_nobody_yet_gets_the_three_pieces_of_advice_and_no_warning():
    messages = rater_guidance({}, 3)
    assert [m.level for m in messages] == [ADVICE] * 3
    text = " | ".join(m.text for m in messages)
    assert "Name your manager" in text
    # k + 1 or more: one missing answer still leaves a group of k (k = 3 here).
    assert "Name 4–6 peers" in text
    assert "If you lead people, name 4–6 of your direct reports" in text


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"manager": 2, "peer": 4}, "You named 2 managers; one is usual"),
        ({"manager": 1, "peer": 2}, "Name 4–6 peers: colleagues who work alongside you (so far 2)"),
        ({"manager": 1, "peer": 3}, "Name 4–6 peers: colleagues who work alongside you (so far 3)"),
        ({"manager": 1, "peer": 7}, "You named 7 peers; 4–6"),
        ({"manager": 1, "peer": 4, "direct_report": 1}, "You named 1 direct report; if you have"),
        ({"manager": 1, "peer": 4, "direct_report": 7}, "You named 7 direct reports; 4–6"),
    ],
)
def test_advice_on_the_size_of_each_group(counts, expected):
    assert expected in joined(counts, level=ADVICE)


def test_direct_reports_are_only_suggested_when_there_are_none():
    assert "direct report" not in joined({"manager": 1, "peer": 4, "direct_report": 4})


def test_small_groups_that_reach_k_together_are_pooled_into_a_combined_block():
    warnings = texts({"manager": 1, "peer": 4, "direct_report": 2, "other": 2}, level=WARNING)
    assert len(warnings) == 1
    assert "your direct reports (2) and others (2) will be pooled" in warnings[0]
    assert "“Direct reports + others”" in warnings[0]
    assert "Your manager is always shown as their own group." in warnings[0]


def test_a_pool_still_below_k_is_merged_into_the_smallest_shown_group():
    counts = {"manager": 1, "peer": 5, "direct_report": 3, "other": 1}
    warning = joined(counts, level=WARNING)
    # Direct reports (3) are the smaller shown block, so "others" join them.
    assert "your others (1) are too few even when pooled" in warning
    assert "merged with your direct reports and shown as “Direct reports + others”" in warning


def test_ties_merge_into_peers_first():
    warning = joined({"peer": 3, "direct_report": 3, "other": 1}, level=WARNING)
    assert "merged with your peers and shown as “Peers + others”" in warning


def test_when_no_group_reaches_k_only_all_others_is_shown():
    warning = joined({"manager": 1, "peer": 2}, level=WARNING)
    assert "No group of peers, direct reports or others reaches 3" in warning
    assert "your manager's included" in warning and "“All others”" in warning


def test_too_few_raters_in_all_leave_only_the_self_assessment():
    warning = joined({"manager": 1, "peer": 1}, level=WARNING)
    assert "Fewer than 3 raters in all" in warning
    assert "only your self-assessment" in warning


def test_the_threshold_is_the_one_given():
    counts = {"manager": 1, "peer": 4, "direct_report": 4}
    assert rater_guidance(counts, 3) == []
    assert "your peers (4) and direct reports (4) will be pooled" in joined(counts, k=5)


def test_a_group_of_exactly_k_is_told_that_one_missing_answer_merges_it():
    advice = joined({"manager": 1, "peer": 3, "direct_report": 4}, level=ADVICE)
    assert "“Peers” has exactly 3 raters" in advice
    assert "“Direct reports” has exactly" not in advice


def test_a_manager_alone_is_never_pooled_with_a_small_group_while_peers_show():
    # The manager stays their own group; the lone direct report joins the peers.
    messages = rater_guidance({"manager": 1, "peer": 4, "direct_report": 1}, 3)
    warning = " ".join(m.text for m in messages if m.level == WARNING)
    assert "“Peers + direct reports”" in warning
    assert "Manager +" not in warning


def test_for_hr_the_advice_names_the_subject_instead_of_you():
    maya = Voice("Maya")
    advice = " | ".join(m.text for m in rater_guidance({"manager": 2, "direct_report": 1}, 3, maya))
    assert "Maya's round names 2 managers; one is usual" in advice
    assert "colleagues who work alongside Maya" in advice
    assert "Maya's round names 1 direct report; if Maya has more" in advice
    warning = rater_guidance({"manager": 1, "peer": 1}, 3, maya)[-1].text
    assert "show only Maya's self-assessment" in warning
    assert "besides Maya." in warning
    pooled = rater_guidance({"manager": 1, "peer": 4, "direct_report": 2, "other": 2}, 3, maya)
    assert "Maya's direct reports (2) and others (2) will be pooled" in pooled[-1].text
    assert "Maya's manager is always shown" in pooled[-1].text
    assert not any("you" in m.text.lower() for m in [*pooled, *rater_guidance({}, 3, maya)])
