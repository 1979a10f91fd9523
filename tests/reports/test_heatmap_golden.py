"""The team heatmap's cells worked by hand (docs/scoring.md, "Team heatmap"), without a
database: a frame of published all-others scores in, cells out."""

from __future__ import annotations

import pytest

from reports.heatmap import (
    DIVERGING_SCALE,
    colour_for,
    contributions_frame,
    differences,
    min_members_problem,
    team_heatmap,
)

SKILLS = ["emotional_intelligence", "adaptability", "empathy"]
EI, AD, EM = SKILLS
ALICE = ("alice@example.org", "Alice Manager")
BOB = ("bob@example.org", "Bob Manager")
NOBODY = (None, None)

# Team Alice: p1, p2, p3; team Bob: p4, p5; p6 has no manager. None: withheld in the report.
RECORDS = [
    ("p1", *ALICE, EI, 3.0),
    ("p1", *ALICE, AD, 2.0),
    ("p2", *ALICE, EI, 4.0),
    ("p2", *ALICE, AD, 4.0),
    ("p3", *ALICE, EI, 3.5),
    ("p3", *ALICE, AD, None),
    ("p4", *BOB, EI, 2.0),
    ("p4", *BOB, AD, 3.0),
    ("p5", *BOB, EI, 2.5),
    ("p6", *NOBODY, EI, 5.0),
    ("p6", *NOBODY, AD, 4.5),
]


def heatmap(min_members, records=RECORDS):
    return team_heatmap(contributions_frame(records), SKILLS, min_members).to_dict("manager")


def test_three_members_shows_a_cell_two_do_not():
    result = heatmap(3)
    # Alice's EI: (3.0 + 4.0 + 3.5) / 3 = 3.5 with 3 people. Her adaptability has 2 people
    # (p3's was withheld), Bob's team 2 and 1: all absent. Bob's row has no cell: no row.
    assert result["rows"] == [
        {
            "key": "alice@example.org",
            "label": "Alice Manager",
            "skills": {EI: {"mean": 3.5, "n": 3}},
        }
    ]
    # Organisation EI: (3 + 4 + 3.5 + 2 + 2.5 + 5) / 6 = 20 / 6 = 3.333 → 3.33, 6 people.
    # Adaptability: (2 + 4 + 3 + 4.5) / 4 = 13.5 / 4 = 3.375 → 3.38 (p3 withheld), 4 people.
    # Empathy: nobody.
    assert result["organisation"] == {
        "skills": {EI: {"mean": 3.33, "n": 6}, AD: {"mean": 3.38, "n": 4}}
    }
    assert result["group_by"] == "manager"


def test_two_members_show_the_pairs():
    rows = {row["key"]: row["skills"] for row in heatmap(2)["rows"]}
    # Alice's adaptability: (2 + 4) / 2 = 3.0; Bob's EI: (2 + 2.5) / 2 = 2.25; Bob's
    # adaptability has p4 alone: absent still.
    assert rows == {
        "alice@example.org": {EI: {"mean": 3.5, "n": 3}, AD: {"mean": 3.0, "n": 2}},
        "bob@example.org": {EI: {"mean": 2.25, "n": 2}},
    }


def test_a_person_outside_every_team_counts_in_the_organisation_only():
    without_p6 = [record for record in RECORDS if record[0] != "p6"]
    # EI without p6: 15 / 5 = 3.0 with 5 people, against 3.33 with 6 above.
    assert heatmap(3, without_p6)["organisation"]["skills"][EI] == {"mean": 3.0, "n": 5}
    assert [row["key"] for row in heatmap(2)["rows"]] == ["alice@example.org", "bob@example.org"]


def test_rows_by_label_and_skills_in_instrument_order():
    records = [
        (f"z{n}", "zed@example.org", "Anna Zed", skill, 3.0) for n in range(3) for skill in SKILLS
    ] + [(f"a{n}", "ann@example.org", "Zoe Ann", EM, 4.0) for n in range(3)]
    rows = heatmap(3, records)["rows"]
    assert [row["label"] for row in rows] == ["Anna Zed", "Zoe Ann"]
    assert list(rows[0]["skills"]) == SKILLS


def test_a_skill_the_instrument_does_not_list_is_ignored():
    records = [(f"p{n}", *ALICE, "retired_skill", 4.0) for n in range(3)]
    assert heatmap(3, records) == {
        "group_by": "manager",
        "rows": [],
        "organisation": {"skills": {}},
    }


@pytest.mark.parametrize(("value", "ok"), [(1, False), (2, True), (10, True), (11, False)])
def test_the_member_rule_runs_from_2_to_10(value, ok):
    assert (min_members_problem(value) is None) is ok
    assert min_members_problem(True) is not None
    if not ok:
        with pytest.raises(ValueError, match="from 2 to 10"):
            heatmap(value)


def test_colours_are_centred_on_zero_and_clipped():
    assert colour_for(0.0) == DIVERGING_SCALE[1][1]
    assert colour_for(-1.0) == colour_for(-3.0) == DIVERGING_SCALE[0][1]
    assert colour_for(1.0) == DIVERGING_SCALE[2][1]
    # Halfway to -1: each channel halfway from #f7f7f7 to #ef8a62: (247+239)/2 = 243 = f3,
    # (247+138)/2 = 192.5 → 192 = c0 (round half to even), (247+98)/2 = 172.5 → 172 = ac.
    assert colour_for(-0.5) == "#f3c0ac"


def test_differences_only_where_both_are_shown():
    organisation = {EI: {"mean": 3.33, "n": 6}}
    assert differences({EI: {"mean": 3.5, "n": 3}, AD: {"mean": 3.0, "n": 2}}, organisation) == {
        EI: 0.17
    }


def test_a_person_listed_twice_counts_once():
    # Two people, one of them twice: still 2 people, under the rule of 3; the mean is of
    # the first record of each, (3.0 + 4.0) / 2 = 3.5.
    records = [("p1", *ALICE, EI, 3.0), ("p1", *ALICE, EI, 5.0), ("p2", *ALICE, EI, 4.0)]
    assert heatmap(3, records)["rows"] == []
    assert heatmap(2, records)["rows"][0]["skills"] == {EI: {"mean": 3.5, "n": 2}}
