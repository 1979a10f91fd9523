"""The results API: frozen at close, access rules, the late-response rule, a worked example."""

from __future__ import annotations

from service.extensions import db
from service.models import Round
from surveys.instrument import load_instrument
from tests.conftest import in_days
from tests.service.conftest import late_peers

INSTRUMENT = load_instrument("soft-skills", "1")


def test_worked_example(api, scored_round):
    hr, _, round_id = scored_round
    results = api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json()
    # k = 3: peers (3) stand alone; the single direct report (< k) is pooled into a
    # combined block of 1, still < k, so it is merged into peers, the smallest shown block.
    groups = {tuple(g["members"]): g for g in results["groups"]}
    merged = groups[("peer", "direct_report")]
    assert merged["n"] == 4
    assert groups[("manager",)]["n"] == 1
    others = next(g for g in results["groups"] if g["key"] == "others")
    assert others["n"] == 5
    # Response counts: peers (3 + 3 late peers invited = 6 >= k) stand alone; the lone
    # manager and the lone direct report (1 + 1 = 2 < k) are merged into them, and "others"
    # (nobody invited) would join them too: one set of everyone, kept from launch.
    # 1 + 6 + 1 = 8 invited, 1 + 3 + 1 = 5 submitted, nobody declined.
    assert "submitted" not in results["responses"]
    assert results["responses"]["sets"] == [
        {
            "key": "all",
            "label": "Manager + peers + direct reports",
            "members": ["manager", "peer", "direct_report"],
            "invited": 8,
            "submitted": 5,
            "declined": 0,
        }
    ]

    skill = results["skills"][0]
    assert skill["id"] == "emotional_intelligence"
    # others = mean(2, 4, 3, 2, 5) = 3.2; peers + direct report = mean(4, 3, 2, 5) = 3.5
    assert skill["scores"]["self"] == 5.0
    assert skill["scores"]["manager"] == 2.0
    assert skill["scores"][merged["key"]] == 3.5
    assert skill["scores"]["others"] == 3.2
    assert skill["gap"] == 1.8
    # sd: squared deviations 1.44 + .64 + .04 + 1.44 + 3.24 = 6.8, / 4 = 1.7, sd = 1.3038;
    # 90% CI: 3.2 ± t(.95, 4) 2.1318 × 1.3038 / √5 = 3.2 ± 1.2431 → [1.96, 4.44];
    # self (5) lies above it: a blind spot.
    assert skill["ci90"] == [1.96, 4.44]
    assert skill["flag"] == "blind_spot"
    # rwg = 1 - 1.7 / 2 = 0.15 < 0.70 with n >= 3: mixed views.
    assert skill["agreement"] == {"sd": 1.3, "rwg": 0.15, "mixed_views": True}
    item = skill["items"][0]
    assert item["distribution"] == {"1": 0, "2": 2, "3": 1, "4": 1, "5": 1, "na": 0}
    # Comments: 5 non-self raters >= k, so shown, word for word.
    assert results["comments"]["keep_doing"] == ["<script>alert(1)</script>"]


def test_results_are_frozen_and_identical_on_every_call(api, scored_round):
    hr, maya, round_id = scored_round
    first = api.call("GET", f"/api/v1/rounds/{round_id}/results", hr)
    second = api.call("GET", f"/api/v1/rounds/{round_id}/results", maya)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()


def test_results_access(api, scored_round):
    _, _, round_id = scored_round
    _, stranger = api.person("member")
    refused = api.call("GET", f"/api/v1/rounds/{round_id}/results", stranger)
    assert refused.status_code == 404
    assert "skills" not in refused.get_json()
    assert api.call("GET", f"/api/v1/rounds/{round_id}/results").status_code == 401


def test_no_results_while_open_or_draft(api):
    _, maya = api.person("member", name="Maya Lind")
    created = api.create_round(maya)
    draft = api.call("GET", f"/api/v1/rounds/{created['id']}/results", maya)
    assert draft.status_code == 409 and "not been launched" in draft.get_json()["message"]
    api.launch(maya, created["id"])
    still_open = api.call("GET", f"/api/v1/rounds/{created['id']}/results", maya)
    assert still_open.status_code == 409
    assert still_open.get_json()["message"] == (
        "the round is still open; results are computed when it closes"
    )


def test_fewer_than_k_late_responses_do_not_change_released_results(api, scored_round):
    hr, _, round_id = scored_round
    released = api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json()
    # One new peer would make the change reveal that peer's answers; two (k = 3) would reveal
    # their mean: the release stands.
    assert late_peers(api, hr, round_id, [1]) == released
    assert late_peers(api, hr, round_id, [1], first=1) == released  # two late peers now


def test_k_late_responses_in_the_changed_blocks_update_results(api, scored_round):
    hr, _, round_id = scored_round
    after = late_peers(api, hr, round_id, [2, 2, 2])
    skill = after["skills"][0]
    # others = (2 + 4 + 3 + 2 + 5 + 2 + 2 + 2) / 8 = 22 / 8 = 2.75
    assert skill["scores"]["others"] == 2.75
    others = next(g for g in after["groups"] if g["key"] == "others")
    assert others["n"] == 8


def test_no_rater_can_be_added_once_results_were_released(api, scored_round):
    """A subject who adds a rater they control after the first close would turn one real
    late response into a difference between two versions of the results."""
    hr, maya, round_id = scored_round
    path = f"/api/v1/rounds/{round_id}/raters"
    reopened = api.call(
        "POST", f"/api/v1/rounds/{round_id}/reopen", hr, json={"deadline": in_days(3)}
    )
    assert reopened.status_code == 200
    for token in (maya, hr):
        added = api.call(
            "POST",
            path,
            token,
            json={"name": "Sock Puppet", "email": "puppet@example.org", "relationship": "peer"},
        )
        assert added.status_code == 409
        assert "results were released" in added.get_json()["message"]
    invited = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()["raters"]
    assert "puppet@example.org" not in {rater["email"] for rater in invited}


def test_reopen_only_a_closed_round(api):
    _, maya = api.person("member", name="Maya Lind")
    created = api.create_round(maya)
    api.launch(maya, created["id"])
    response = api.call(
        "POST", f"/api/v1/rounds/{created['id']}/reopen", maya, json={"deadline": in_days(3)}
    )
    assert response.status_code == 409 and "only a closed round" in response.get_json()["message"]


def test_gap_threshold_is_a_round_setting(api):
    _, maya = api.person("member", name="Maya Lind")
    assert api.create_round(maya)["gap_threshold"] == 1.0
    assert api.create_round(maya, gap_threshold=0.5)["gap_threshold"] == 0.5
    bad = api.call(
        "POST", "/api/v1/rounds", maya, json={"deadline": in_days(3), "gap_threshold": 0}
    )
    assert bad.status_code == 422 and "gap_threshold" in bad.get_json()["message"]


def test_a_document_stored_under_older_rules_is_served_as_todays_rules_allow(
    app, api, scored_round
):
    """Results frozen before the response-count rule carried exact counts per relationship
    (a lone manager's "0 of 1"): they are never served that way again."""
    _, maya, round_id = scored_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        document = dict(round_.results)
        document["responses"] = {
            "invited": {"self": 1, "manager": 1, "peer": 6, "direct_report": 1, "other": 0},
            "submitted": {"self": 1, "manager": 0, "peer": 3, "direct_report": 1, "other": 0},
        }
        round_.results = document
        db.session.commit()
    served = api.call("GET", f"/api/v1/rounds/{round_id}/results", maya).get_json()
    assert "submitted" not in served["responses"]
    assert [s["members"] for s in served["responses"]["sets"]] == [
        ["manager", "peer", "direct_report"]
    ]
