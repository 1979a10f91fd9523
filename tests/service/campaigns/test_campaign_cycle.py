"""A campaign from start to finish through the API: nomination requests, minimums and
maximums, approval and who may give it, launch, reminders, close and the ZIP."""

from __future__ import annotations

import pytest

from tests.service.campaigns.helpers import Org, outbox_emails


@pytest.fixture
def org(api):
    return Org(api)


def round_of(created: dict, email: str) -> str:
    return next(r["id"] for r in created["rounds"] if r["subject_email"] == email)


def test_each_person_is_asked_to_name_raters_with_the_rules(app, api, org):
    created = org.campaign()
    assert sorted(r["subject_email"] for r in created["rounds"]) == [
        "ann@example.org",
        "ben@example.org",
        "nia@example.org",
    ]
    emails = {to: (subject, text) for to, subject, text in outbox_emails(app)}
    assert set(emails) >= {"ann@example.org", "ben@example.org", "nia@example.org"}
    subject, text = emails["ann@example.org"]
    assert "Spring 360" in subject
    assert "at least 2 peers" in text and "at most 4 raters in all" in text
    assert f"/rounds/{round_of(created, 'ann@example.org')}" in text
    progress = api.call("GET", f"/api/v1/campaigns/{created['id']}", org.hr).get_json()
    assert progress["total"]["stages"]["nominating"] == 3


def test_minimums_and_maximum_are_checked_at_submission(api, org):
    created = org.campaign()
    ann_round = round_of(created, "ann@example.org")
    path = f"/api/v1/rounds/{ann_round}/nominations"
    org.name_peers(org.ann, ann_round, 1)
    too_few = api.call("POST", path, org.ann)
    assert too_few.status_code == 422
    assert "peers: 1 named, at least 2 needed" in too_few.get_json()["message"]
    org.name_peers(org.ann, ann_round, 4, prefix="more")
    too_many = api.call("POST", path, org.ann)
    assert too_many.status_code == 422
    assert "5 raters named, at most 4 allowed" in too_many.get_json()["message"]


def submitted(api, org, token, round_id, peers=2):
    ids = org.name_peers(token, round_id, peers, prefix=round_id[:8])
    answer = api.call("POST", f"/api/v1/rounds/{round_id}/nominations", token)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["stage"] == "awaiting_approval"
    return ids


def test_the_manager_approves_with_edits_and_nobody_else_may(app, api, org):
    created = org.campaign()
    ann_round = round_of(created, "ann@example.org")
    peers = submitted(api, org, org.ann, ann_round, peers=3)
    approval_emails = [e for e in outbox_emails(app) if e[0] == "mo@example.org"]
    assert len(approval_emails) == 1 and "Ann Able" in approval_emails[0][1]
    path = f"/api/v1/rounds/{ann_round}/approve"
    # The person themselves, another member and a stranger to the round learn nothing.
    for token in (org.ann, org.ben, org.nia):
        refused = api.call("POST", path, token, json={})
        assert refused.status_code == 404, refused.get_json()
    # Once submitted, Ann cannot slip a friend in or take someone out.
    friend = {"name": "Fay Friend", "email": "fay@example.org", "relationship": "peer"}
    assert (
        api.call("POST", f"/api/v1/rounds/{ann_round}/raters", org.ann, json=friend).status_code
        == 409
    )
    assert (
        api.call("DELETE", f"/api/v1/rounds/{ann_round}/raters/{peers[0]}", org.ann).status_code
        == 409
    )
    # Removing two of three peers would leave one: below the minimum of 2.
    too_few = api.call("POST", path, org.mo, json={"remove": peers[:2]})
    assert too_few.status_code == 422 and "at least 2" in too_few.get_json()["message"]
    forgotten = {"name": "Dee Report", "email": "dee@example.org", "relationship": "direct_report"}
    approved = api.call("POST", path, org.mo, json={"add": [forgotten], "remove": [peers[0]]})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["stage"] == "approved"
    again = api.call("POST", path, org.mo, json={})
    assert again.status_code == 409
    round_ = api.call("GET", f"/api/v1/rounds/{ann_round}", org.hr).get_json()
    named = sorted((r["email"], r["relationship"]) for r in round_["raters"])
    assert ("dee@example.org", "direct_report") in named
    assert len(named) == 4  # self, two peers left, Dee


def test_a_person_without_a_manager_is_approved_by_hr(app, api, org):
    created = org.campaign()
    nia_round = round_of(created, "nia@example.org")
    submitted(api, org, org.nia, nia_round)
    assert any(to == "hana@example.org" for to, _, _ in outbox_emails(app))
    assert (
        api.call("POST", f"/api/v1/rounds/{nia_round}/approve", org.mo, json={}).status_code == 404
    )
    approved = api.call("POST", f"/api/v1/rounds/{nia_round}/approve", org.hr, json={})
    assert approved.status_code == 200 and approved.get_json()["stage"] == "approved"


def test_without_manager_approval_a_list_is_approved_at_once(api, org):
    created = org.campaign(manager_approval=False)
    ann_round = round_of(created, "ann@example.org")
    org.name_peers(org.ann, ann_round, 2)
    answer = api.call("POST", f"/api/v1/rounds/{ann_round}/nominations", org.ann)
    assert answer.get_json()["stage"] == "approved"


def test_launch_remind_close_and_export(app, api, org):
    created = org.campaign()
    ann_round, ben_round = (
        round_of(created, "ann@example.org"),
        round_of(created, "ben@example.org"),
    )
    submitted(api, org, org.ann, ann_round)
    assert (
        api.call("POST", f"/api/v1/rounds/{ann_round}/approve", org.mo, json={}).status_code == 200
    )
    submitted(api, org, org.ben, ben_round)  # waits for approval: not launched
    # A member cannot launch their own campaign round.
    assert api.call("POST", f"/api/v1/rounds/{ann_round}/launch", org.ann).status_code == 409
    launched = api.call("POST", f"/api/v1/campaigns/{created['id']}/launch", org.hr)
    assert launched.get_json() == {"launched": 1, "not_ready": 2}
    progress = api.call("GET", f"/api/v1/campaigns/{created['id']}", org.hr).get_json()
    stages = {r["subject"]["email"]: (r["stage"], r["not_ready"]) for r in progress["rounds"]}
    assert stages == {
        "ann@example.org": ("open", None),
        "ben@example.org": ("awaiting_approval", "the list of raters waits for approval"),
        "nia@example.org": ("nominating", "the raters have not been submitted"),
    }
    # Mo's team: Ann (2 invited peers) and Ben (not launched, 2 named): 0 of 4 answered.
    mo_team = next(t for t in progress["teams"] if t["manager_email"] == "mo@example.org")
    assert (mo_team["rounds"], mo_team["invited"], mo_team["submitted"]) == (2, 4, 0)
    sales = next(d for d in progress["departments"] if d["department"] == "Sales")
    assert sales["rounds"] == 2  # Ann and Nia
    reminded = api.call("POST", f"/api/v1/campaigns/{created['id']}/remind", org.hr).get_json()
    assert (reminded["queued"], reminded["already_reminded_today"]) == (3, 0)  # Ann + 2 peers
    again = api.call("POST", f"/api/v1/campaigns/{created['id']}/remind", org.hr).get_json()
    assert (again["queued"], again["already_reminded_today"]) == (0, 3)
    closed = api.call("POST", f"/api/v1/campaigns/{created['id']}/close", org.hr).get_json()
    assert closed == {"closed": 1}
    export = api.call("POST", f"/api/v1/campaigns/{created['id']}/export", org.hr)
    assert export.status_code == 202, export.get_json()
    assert export.get_json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subjects": []}, "subjects"),
        ({"subjects": ["ghost@example.org"]}, "subjects"),
        ({"minimum_raters": {"friend": 2}}, "minimum_raters"),
        ({"minimum_raters": {"peer": -1}}, "minimum_raters"),
        ({"minimum_raters": {"peer": 3}, "maximum_raters": 2}, "maximum_raters"),
        ({"nomination_deadline": "2001-01-01T00:00:00Z"}, "nomination_deadline"),
        ({"deadline": "2001-01-01T00:00:00Z"}, "deadline"),
        ({"instrument": "no-such"}, "instrument"),
        ({"anonymity_threshold": 1}, "anonymity_threshold"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_campaigns_are_refused_clearly(api, org, body, field):
    from tests.conftest import in_days

    full = {
        "name": "X",
        "subjects": ["ann@example.org"],
        "nomination_deadline": in_days(7),
        "deadline": in_days(21),
        **body,
    }
    answer = api.call("POST", "/api/v1/campaigns", org.hr, json=full)
    assert answer.status_code == 422, answer.get_json()
    assert field in str(answer.get_json())


def test_members_cannot_touch_campaigns(api, org):
    created = org.campaign()
    for method, suffix in (
        ("GET", ""),
        ("POST", "/launch"),
        ("POST", "/remind"),
        ("POST", "/close"),
    ):
        answer = api.call(method, f"/api/v1/campaigns/{created['id']}{suffix}", org.mo)
        assert answer.status_code == 403
    assert api.call("GET", "/api/v1/campaigns/nope", org.hr).status_code == 404
    assert api.call("POST", "/api/v1/rounds/nope/nominations", org.ann).status_code == 404
    bad = api.call(
        "POST", f"/api/v1/rounds/{created['rounds'][0]['id']}/approve", org.hr, json={"remove": "x"}
    )
    assert bad.status_code == 422
