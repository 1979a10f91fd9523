"""The rounds API: lifecycle, authorization matrix, validation and lifecycle errors."""

from __future__ import annotations

import pytest

from tests.conftest import default_raters, in_days


@pytest.fixture
def hr(api):
    return api.person("hr", name="Hana Reyes")


@pytest.fixture
def subject(api):
    return api.person("member", name="Maya Lind", email="maya@example.org")


def test_round_goes_from_draft_to_open_to_closed(api, hr, subject):
    _, hr_token = hr
    created = api.create_round(hr_token, subject_email="maya@example.org")
    assert created["status"] == "draft"
    assert created["instrument"] == {"id": "soft-skills", "version": "1"}
    assert created["anonymity_threshold"] == 3
    assert created["subject"]["name"] == "Maya Lind"
    relationships = [r["relationship"] for r in created["raters"]]
    assert relationships == ["self", "manager", "peer", "peer", "direct_report"]
    assert created["responses"]["invited"] == {
        "self": 1,
        "manager": 1,
        "peer": 2,
        "direct_report": 1,
        "other": 0,
    }

    tokens = api.launch(hr_token, created["id"])
    assert set(tokens) == {"maya@example.org", *(r["email"] for r in default_raters())}
    assert all(len(token) >= 43 for token in tokens.values())  # 32 random bytes, base64url

    api.call(
        "POST",
        "/api/v1/survey/submit",
        tokens["pat@example.org"],
        json={"answers": api.full_answers(tokens["pat@example.org"])},
    )
    api.call("POST", "/api/v1/survey/decline", tokens["dana@example.org"], json={})
    round_ = api.call("GET", f"/api/v1/rounds/{created['id']}", hr_token).get_json()
    assert round_["status"] == "open"
    assert round_["accepting_answers"] is True
    assert round_["responses"]["submitted"]["peer"] == 1
    assert round_["responses"]["declined"]["direct_report"] == 1
    # Counts only: nothing in the round says which person responded.
    assert "response_status" not in str(round_) and "submitted_at" not in str(round_)

    closed = api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr_token)
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    assert closed.get_json()["closed_at"] is not None


def test_member_launches_a_round_about_themselves(api, subject):
    subject_id, token = subject
    created = api.create_round(token)
    assert created["subject"]["id"] == subject_id
    assert created["raters"][0] == {
        "id": created["raters"][0]["id"],
        "name": "Maya Lind",
        "email": "maya@example.org",
        "relationship": "self",
        # Not known until the self-assessment is first opened.
        "language": None,
    }


def test_member_cannot_create_a_round_about_someone_else(api, subject):
    _, token = subject
    api.person("member", email="other@example.org")
    response = api.call(
        "POST",
        "/api/v1/rounds",
        token,
        json={"subject_email": "other@example.org", "deadline": in_days(7)},
    )
    assert response.status_code == 403
    assert "themselves" in response.get_json()["message"]


def test_list_shows_hr_everything_and_a_member_their_own(api, hr, subject):
    _, hr_token = hr
    _, maya_token = subject
    _, sam_token = api.person("member")
    mine = api.create_round(maya_token)
    api.create_round(sam_token)
    all_rounds = api.call("GET", "/api/v1/rounds", hr_token).get_json()["rounds"]
    assert len(all_rounds) == 2
    own = api.call("GET", "/api/v1/rounds", maya_token).get_json()["rounds"]
    assert [r["id"] for r in own] == [mine["id"]]
    api.launch(maya_token, mine["id"])
    open_only = api.call("GET", "/api/v1/rounds?status=open", hr_token).get_json()["rounds"]
    assert [r["id"] for r in open_only] == [mine["id"]]
    bad = api.call("GET", "/api/v1/rounds?status=nope", hr_token)
    assert bad.status_code == 422 and "status" in bad.get_json()["message"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("POST", "/raters"),
        ("POST", "/launch"),
        ("POST", "/close"),
        ("DELETE", "/raters/{rater}"),
        ("POST", "/raters/{rater}/resend"),
    ],
)
def test_authorization_matrix(api, subject, method, suffix):
    _, owner_token = subject
    created = api.create_round(owner_token)
    rater_id = created["raters"][1]["id"]
    path = f"/api/v1/rounds/{created['id']}" + suffix.format(rater=rater_id)
    survey_token = api.launch(owner_token, created["id"])["pat@example.org"]
    _, stranger_token = api.person("member")
    body = {"deadline": in_days(20)} if method == "PATCH" else None
    if suffix == "/raters":
        body = {"name": "New", "email": "new@example.org", "relationship": "peer"}

    no_token = api.call(method, path, json=body)
    assert no_token.status_code == 401
    assert "Authorization: Bearer" in no_token.get_json()["message"]
    assert api.call(method, path, "f360_not-a-real-token", json=body).status_code == 401
    # A survey token is not an API token, even for its own round.
    assert api.call(method, path, survey_token, json=body).status_code == 401
    other_member = api.call(method, path, stranger_token, json=body)
    assert other_member.status_code == 404
    assert other_member.get_json()["message"] == "round not found"
    assert "Maya" not in other_member.get_data(as_text=True)


def test_unknown_round_is_404(api, hr):
    response = api.call("GET", "/api/v1/rounds/does-not-exist", hr[1])
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline": "tomorrow"}, "deadline"),
        ({}, "deadline"),
        ({"deadline": "2001-01-01T00:00:00Z"}, "deadline"),
        ({"deadline": "IN_DAYS", "anonymity_threshold": 1}, "anonymity_threshold"),
        ({"deadline": "IN_DAYS", "anonymity_threshold": 11}, "anonymity_threshold"),
        ({"deadline": "IN_DAYS", "anonymity_threshold": 3.5}, "anonymity_threshold"),
        ({"deadline": "IN_DAYS", "anonymity_threshold": True}, "anonymity_threshold"),
        ({"deadline": "IN_DAYS", "instrument": "nope"}, "instrument"),
        ({"deadline": "IN_DAYS", "colour": "blue"}, "colour"),
        ({"deadline": "IN_DAYS", "subject_email": "not-an-email"}, "subject_email"),
        ({"deadline": "IN_DAYS", "subject_email": "nobody@example.org"}, "subject_email"),
        (
            {"deadline": "IN_DAYS", "raters": [{"name": "A", "email": "a@x.org"}]},
            "raters.0.relationship",
        ),
        (
            {
                "deadline": "IN_DAYS",
                "raters": [{"name": "A", "email": "a@x.org", "relationship": "self"}],
            },
            "raters.0.relationship",
        ),
        (
            {
                "deadline": "IN_DAYS",
                "raters": [{"name": "A", "email": "a@x.org", "relationship": "peer", "phone": "1"}],
            },
            "raters.0.phone",
        ),
        (
            {
                "deadline": "IN_DAYS",
                "raters": [
                    {"name": "A", "email": "a@x.org", "relationship": "peer"},
                    {"name": "B", "email": "A@X.org", "relationship": "other"},
                ],
            },
            "raters.1.email",
        ),
        (
            {
                "deadline": "IN_DAYS",
                "raters": [{"name": " ", "email": "a@x.org", "relationship": "peer"}],
            },
            "raters.0.name",
        ),
    ],
)
def test_create_round_validation(api, hr, subject, body, field):
    if body.get("deadline") == "IN_DAYS":
        body = {**body, "deadline": in_days(10)}
    body.setdefault("subject_email", "maya@example.org")
    response = api.call("POST", "/api/v1/rounds", hr[1], json=body)
    assert response.status_code == 422, response.get_json()
    document = response.get_json()
    assert field in document["message"]
    assert document["errors"]["json"]
    # Nothing was half-written.
    assert api.call("GET", "/api/v1/rounds", hr[1]).get_json()["rounds"] == []


def test_the_subject_cannot_be_named_as_another_rater(api, subject):
    response = api.call(
        "POST",
        "/api/v1/rounds",
        subject[1],
        json={
            "deadline": in_days(5),
            "raters": [{"name": "Me", "email": "MAYA@example.org", "relationship": "peer"}],
        },
    )
    assert response.status_code == 422
    assert "raters.0.email" in response.get_json()["message"]


def test_malformed_json_is_a_clear_400(api, hr):
    response = api.call(
        "POST",
        "/api/v1/rounds",
        hr[1],
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["message"]


def test_add_and_remove_raters(api, subject):
    _, token = subject
    created = api.create_round(token, raters=[])
    added = api.call(
        "POST",
        f"/api/v1/rounds/{created['id']}/raters",
        token,
        json={"name": "Olu Other", "email": "olu@example.org", "relationship": "other"},
    )
    assert added.status_code == 201
    assert added.get_json()["survey_url"] is None  # links are issued at launch
    duplicate = api.call(
        "POST",
        f"/api/v1/rounds/{created['id']}/raters",
        token,
        json={"name": "Olu", "email": "OLU@example.org", "relationship": "peer"},
    )
    assert duplicate.status_code == 422 and "email" in duplicate.get_json()["message"]

    rater_id = added.get_json()["id"]
    removed = api.call("DELETE", f"/api/v1/rounds/{created['id']}/raters/{rater_id}", token)
    assert removed.status_code == 204
    again = api.call("DELETE", f"/api/v1/rounds/{created['id']}/raters/{rater_id}", token)
    assert again.status_code == 404
    self_id = created["raters"][0]["id"]
    keep_self = api.call("DELETE", f"/api/v1/rounds/{created['id']}/raters/{self_id}", token)
    assert keep_self.status_code == 409


def test_rater_added_to_an_open_round_gets_a_working_link(api, subject):
    _, token = subject
    created = api.create_round(token)
    api.launch(token, created["id"])
    added = api.call(
        "POST",
        f"/api/v1/rounds/{created['id']}/raters",
        token,
        json={"name": "Late Larry", "email": "larry@example.org", "relationship": "peer"},
    ).get_json()
    assert added["survey_url"] is None  # the link goes to the rater, by email only
    assert api.survey(api.emailed_token("larry@example.org"))["relationship"] == "peer"


def test_launch_needs_a_rater_and_happens_once(api, subject):
    _, token = subject
    lonely = api.create_round(token, raters=[])
    response = api.call("POST", f"/api/v1/rounds/{lonely['id']}/launch", token)
    assert response.status_code == 409 and "rater" in response.get_json()["message"]

    created = api.create_round(token)
    api.launch(token, created["id"])
    twice = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", token)
    assert twice.status_code == 409
    assert "only once" in twice.get_json()["message"]


def test_launch_after_the_deadline_is_refused(api, subject, clock):
    _, token = subject
    created = api.create_round(token)
    clock.advance(days=15)
    response = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", token)
    assert response.status_code == 409 and "deadline" in response.get_json()["message"]


def test_resend_replaces_the_link(api, subject):
    _, token = subject
    created = api.create_round(token)
    old = api.launch(token, created["id"])["pat@example.org"]
    rater_id = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    response = api.call("POST", f"/api/v1/rounds/{created['id']}/raters/{rater_id}/resend", token)
    assert response.status_code == 202 and response.get_json()["survey_url"] is None
    new = api.emailed_token("pat@example.org")
    assert new != old
    assert api.call("GET", "/api/v1/survey", old).status_code == 401
    assert api.survey(new)["subject"] == {"name": "Maya Lind"}


def test_resend_before_launch_or_after_submit_is_a_conflict_for_hr(api, hr, subject):
    _, token = hr
    created = api.create_round(token, subject_email="maya@example.org")
    rater_id = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    path = f"/api/v1/rounds/{created['id']}/raters/{rater_id}/resend"
    assert api.call("POST", path, token).status_code == 409
    survey_token = api.launch(token, created["id"])["pat@example.org"]
    api.call(
        "POST",
        "/api/v1/survey/submit",
        survey_token,
        json={"answers": api.full_answers(survey_token)},
    )
    response = api.call("POST", path, token)
    assert response.status_code == 409 and "submitted" in response.get_json()["message"]


def test_hr_cannot_remove_a_rater_who_submitted(api, hr, subject):
    _, token = hr
    created = api.create_round(token, subject_email="maya@example.org")
    survey_token = api.launch(token, created["id"])["pat@example.org"]
    api.call(
        "POST",
        "/api/v1/survey/submit",
        survey_token,
        json={"answers": api.full_answers(survey_token)},
    )
    rater_id = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    response = api.call("DELETE", f"/api/v1/rounds/{created['id']}/raters/{rater_id}", token)
    assert response.status_code == 409
    assert "submitted" in response.get_json()["message"]


def test_removing_a_rater_revokes_their_link(api, hr, subject):
    _, token = hr
    created = api.create_round(token, subject_email="maya@example.org")
    survey_token = api.launch(token, created["id"])["pat@example.org"]
    api.call("PUT", "/api/v1/survey/answers", survey_token, json={"answers": {"ei_1": 4}})
    rater_id = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    removed = api.call("DELETE", f"/api/v1/rounds/{created['id']}/raters/{rater_id}", token)
    assert removed.status_code == 204
    assert api.call("GET", "/api/v1/survey", survey_token).status_code == 401


def test_close_rules(api, subject):
    _, token = subject
    created = api.create_round(token)
    path = f"/api/v1/rounds/{created['id']}/close"
    assert api.call("POST", path, token).status_code == 409  # never launched
    api.launch(token, created["id"])
    assert api.call("POST", path, token).status_code == 200
    assert api.call("POST", path, token).status_code == 409
    late = api.call(
        "POST",
        f"/api/v1/rounds/{created['id']}/raters",
        token,
        json={"name": "Too Late", "email": "late@example.org", "relationship": "peer"},
    )
    assert late.status_code == 409


def test_deadline_can_be_moved_until_close(api, subject):
    _, token = subject
    created = api.create_round(token)
    new_deadline = in_days(30)
    moved = api.call(
        "PATCH", f"/api/v1/rounds/{created['id']}", token, json={"deadline": new_deadline}
    )
    assert moved.status_code == 200
    assert moved.get_json()["deadline"][:16] == new_deadline[:16]
    past = api.call(
        "PATCH", f"/api/v1/rounds/{created['id']}", token, json={"deadline": in_days(-1)}
    )
    assert past.status_code == 422
