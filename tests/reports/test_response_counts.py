"""Response counts that single no one out: hand-worked cases and a property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.response_counts import (
    OBSERVERS,
    RELATIONSHIPS,
    CountSet,
    invited_by_relationship,
    visible_response_counts,
)


def counts(invited, submitted=None, declined=None, k=3):
    return visible_response_counts(invited, submitted or {}, declined or {}, k)


def test_a_lone_manager_who_declined_is_counted_with_the_peers():
    # k = 3: 4 peers stand alone; the manager (1 < k) is pooled alone, 1 < k, so merged into
    # the peers: 1 + 4 = 5 invited, 0 + 3 = 3 answered, 1 + 0 = 1 declined. Nowhere
    # "Manager: 1 declined".
    sets = counts({"manager": 1, "peer": 4}, {"peer": 3}, {"manager": 1})
    assert sets == (CountSet("peer", "Manager + peers", ("manager", "peer"), 5, 3, 1),)


def test_a_single_direct_report_is_counted_with_the_peers():
    # k = 3: peers 3 alone; the one direct report is merged into them: 4 invited; the direct
    # report answered and one peer declined: 1 + 2 = 3 answered, 1 declined.
    sets = counts(
        {"self": 1, "peer": 3, "direct_report": 1},
        {"self": 1, "peer": 2, "direct_report": 1},
        {"peer": 1},
    )
    assert sets == (CountSet("peer", "Peers + direct reports", ("peer", "direct_report"), 4, 3, 1),)


def test_three_peers_and_a_manager():
    # k = 3: peers 3 >= k alone, the manager 1 < k merged into them: 4 invited.
    sets = counts({"manager": 1, "peer": 3}, {"manager": 1, "peer": 2})
    assert sets == (CountSet("peer", "Manager + peers", ("manager", "peer"), 4, 3, 0),)


def test_fewer_than_k_invited_in_all_shows_only_how_many_were_invited():
    # k = 3: a manager and a peer, 2 < k in all: one set, invited 2, nothing else.
    sets = counts({"self": 1, "manager": 1, "peer": 1}, {"manager": 1}, {"peer": 1})
    assert sets == (CountSet("all", "Manager + peers", ("manager", "peer"), 2, None, None),)
    assert not sets[0].shown
    # The invitations per relationship are still all there.
    assert invited_by_relationship({"self": 1, "manager": 1, "peer": 1}) == {
        "self": 1,
        "manager": 1,
        "peer": 1,
        "direct_report": 0,
        "other": 0,
    }


def test_no_one_invited_besides_the_subject_gives_no_set():
    assert counts({"self": 1}, {"self": 1}) == ()


def test_small_relationships_that_reach_k_together_are_one_set():
    # k = 3: peers 4 alone; manager 1, direct report 1 and other 1 pool into 3 = k.
    sets = counts(
        {"manager": 1, "peer": 4, "direct_report": 1, "other": 1},
        {"manager": 1, "peer": 4, "other": 1},
        {"direct_report": 1},
    )
    assert sets == (
        CountSet("peer", "Peers", ("peer",), 4, 4, 0),
        CountSet(
            "combined",
            "Manager + direct reports + others",
            ("manager", "direct_report", "other"),
            3,
            2,
            1,
        ),
    )


def test_without_any_set_of_its_own_everyone_is_pooled():
    # k = 3: manager 1 and peers 2, none >= k alone, together 3: one combined set.
    sets = counts({"manager": 1, "peer": 2}, {"peer": 2}, {"manager": 1})
    assert sets == (CountSet("combined", "Manager + peers", ("manager", "peer"), 3, 2, 1),)


@pytest.mark.parametrize(
    ("invited", "expected"),
    [
        # A tie between peers 3 and direct reports 3: the lone other joins the peers.
        (
            {"peer": 3, "direct_report": 3, "other": 1},
            [("peer", ("peer", "other")), ("direct_report", ("direct_report",))],
        ),
        # Three managers stand alone like any relationship, and tie with the peers: the
        # manager comes first, so the lone direct report joins the managers.
        (
            {"manager": 3, "peer": 3, "direct_report": 1},
            [("manager", ("manager", "direct_report")), ("peer", ("peer",))],
        ),
        # The smallest set of its own takes the pool: direct reports 3 < peers 5.
        (
            {"manager": 1, "peer": 5, "direct_report": 3},
            [("peer", ("peer",)), ("direct_report", ("manager", "direct_report"))],
        ),
    ],
)
def test_a_pool_below_k_joins_the_smallest_set_first_in_relationship_order(invited, expected):
    assert [(s.key, s.members) for s in counts(invited)] == expected


def test_the_threshold_decides_what_stands_alone():
    # k = 5: peers 4 < 5 and the manager pool to 5 = k; with k = 4 the peers stand alone and
    # the manager (1 < 4) joins them.
    assert [s.key for s in counts({"manager": 1, "peer": 4}, k=5)] == ["combined"]
    assert [s.members for s in counts({"manager": 1, "peer": 4}, k=4)] == [("manager", "peer")]


@pytest.mark.parametrize(
    ("invited", "submitted", "declined", "message"),
    [
        ({"boss": 1}, {}, {}, "unknown relationship"),
        ({"peer": -1}, {}, {}, "whole number"),
        ({"peer": 2.5}, {}, {}, "whole number"),
        ({"peer": True}, {}, {}, "whole number"),
        ({"peer": 3}, {"peer": 3}, {"peer": 1}, "3 peer invited, but 4 answered or declined"),
        ({"peer": 3}, {"other": 1}, {}, "0 other invited"),
    ],
)
def test_inconsistent_counts_are_refused(invited, submitted, declined, message):
    with pytest.raises(ValueError, match=message):
        visible_response_counts(invited, submitted, declined, 3)


def test_declines_may_be_unknown():
    sets = visible_response_counts({"peer": 3}, {"peer": 2}, None, 3)
    assert sets == (CountSet("peer", "Peers", ("peer",), 3, 2, None),)


def test_a_count_set_round_trips_through_its_document():
    count_set = CountSet("peer", "Manager + peers", ("manager", "peer"), 5, 3, 1)
    assert count_set.to_dict() == {
        "key": "peer",
        "label": "Manager + peers",
        "members": ["manager", "peer"],
        "invited": 5,
        "submitted": 3,
        "declined": 1,
    }
    assert CountSet.from_dict(count_set.to_dict()) == count_set
    hidden = CountSet("all", "Peers", ("peer",), 2, None, None)
    assert CountSet.from_dict(hidden.to_dict()) == hidden


@st.composite
def responses(draw):
    k = draw(st.integers(2, 10))
    invited, submitted, declined = {}, {}, {}
    for relationship in RELATIONSHIPS:
        invited[relationship] = draw(st.integers(0, 1 if relationship == "self" else 12))
        submitted[relationship] = draw(st.integers(0, invited[relationship]))
        silent = invited[relationship] - submitted[relationship]
        declined[relationship] = draw(st.integers(0, silent))
    return k, invited, submitted, declined


@settings(max_examples=300, deadline=None)
@given(responses())
def test_counts_are_shown_only_for_sets_of_at_least_k_invited(example):
    k, invited, submitted, declined = example
    sets = visible_response_counts(invited, submitted, declined, k)
    # The sets cover every relationship besides self that has someone invited, once.
    covered = [member for count_set in sets for member in count_set.members]
    assert sorted(covered) == sorted(r for r in OBSERVERS if invited[r])
    for count_set in sets:
        assert count_set.invited == sum(invited[m] for m in count_set.members)
        if count_set.shown:
            assert count_set.invited >= k
            assert count_set.answered == sum(submitted[m] for m in count_set.members)
            assert count_set.declined == sum(declined[m] for m in count_set.members)
        else:
            assert count_set.declined is None
    # Nothing is hidden that could be shown: counts are withheld only below k in all.
    hidden = [count_set for count_set in sets if not count_set.shown]
    assert bool(hidden) == (0 < sum(invited[r] for r in OBSERVERS) < k)


def test_the_sets_kept_from_launch_cover_every_relationship_and_never_split():
    from reports.response_counts import launch_partition

    # k = 3. Peers 4 and direct reports 4 stand alone; the lone manager joins the smaller
    # (peers first of equals: 4 + 1); "others", nobody invited yet, join the smallest set
    # then, the direct reports (4 < 5).
    kept = launch_partition({"manager": 1, "peer": 4, "direct_report": 4}, 3)
    assert kept == (("manager", "peer"), ("direct_report", "other"))
    # Two others added later join the direct reports' set; nothing splits, and the new set
    # shows the same counts of the raters already in it.
    later = visible_response_counts(
        {"manager": 1, "peer": 4, "direct_report": 4, "other": 2},
        {"manager": 0, "peer": 2, "direct_report": 1},
        {"manager": 1},
        3,
        kept,
    )
    assert [(s.members, s.invited, s.answered, s.declined) for s in later] == [
        (("manager", "peer"), 5, 2, 1),
        (("direct_report", "other"), 6, 1, 0),
    ]
    # Fewer than k at launch: one set of everyone, shown once it counts k invited.
    assert launch_partition({"manager": 1, "peer": 1}, 3) == (
        ("manager", "peer", "direct_report", "other"),
    )
    small = visible_response_counts({"manager": 1, "peer": 1}, {}, {}, 3, ((*OBS,),))
    assert [(s.invited, s.answered) for s in small] == [(2, None)]
    grown = visible_response_counts({"manager": 1, "peer": 2}, {"peer": 1}, {}, 3, ((*OBS,),))
    assert [(s.invited, s.answered, s.declined) for s in grown] == [(3, 1, 0)]


OBS = ("manager", "peer", "direct_report", "other")
