"""A manager's view of their team: stages and counts that single no one out, approvals
waiting, and nothing of another team."""

from __future__ import annotations

from tests.service.campaigns.helpers import Org


def test_the_manager_sees_their_reports_rounds_and_approvals_only(api):
    org = Org(api)
    created = org.campaign(subjects=("ann", "ben", "nia"), minimum_raters={"peer": 1})
    rounds = {r["subject_email"]: r["id"] for r in created["rounds"]}
    org.name_peers(org.ann, rounds["ann@example.org"], 1)
    path = f"/api/v1/rounds/{rounds['ann@example.org']}/nominations"
    assert api.call("POST", path, org.ann).status_code == 200

    team = api.call("GET", "/api/v1/team", org.mo).get_json()
    assert [m["name"] for m in team["members"]] == ["Ann Able", "Ben Best"]  # not Nia
    ann = team["members"][0]
    assert [r["stage"] for r in ann["rounds"]] == ["awaiting_approval"]
    assert [a["subject"]["name"] for a in team["approvals"]] == ["Ann Able"]
    assert [r["relationship"] for r in team["approvals"][0]["raters"]] == ["peer"]
    # Another member manages nobody: an empty team, no approvals, nothing of Mo's.
    assert api.call("GET", "/api/v1/team", org.ben).get_json() == {
        "members": [],
        "approvals": [],
        "shared_plans": [],
    }


def test_counts_shown_to_the_manager_never_single_out_a_rater(api):
    org = Org(api)
    created = org.campaign(subjects=("ann",), minimum_raters={"peer": 2}, manager_approval=False)
    round_id = created["rounds"][0]["id"]
    org.name_peers(org.ann, round_id, 2)
    assert api.call("POST", f"/api/v1/rounds/{round_id}/nominations", org.ann).status_code == 200
    assert api.call("POST", f"/api/v1/campaigns/{created['id']}/launch", org.hr).status_code == 200
    team = api.call("GET", "/api/v1/team", org.mo).get_json()
    responses = team["members"][0]["rounds"][0]["responses"]
    # Two peers invited, k = 3: only "invited" is shown, no set with answered counts.
    assert responses["invited"]["peer"] == 2
    assert [(s["invited"], s["submitted"]) for s in responses["sets"]] == [(2, None)]
    assert "score" not in str(team) and "answers" not in str(team)
