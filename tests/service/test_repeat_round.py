"""Run a round again: a draft about the same person with the same raters, through the API and
the round page's button; who may, when, and every bad input refused with a 4xx."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.models import Round
from tests.conftest import in_days
from tests.service.conftest import LATE_PEERS, RATERS
from tests.service.web.pages import PersonSession, stored_rows, words


def repeat(api, token, round_id, deadline=None, headers=None):
    body = {"deadline": deadline or in_days(21)}
    path = f"/api/v1/rounds/{round_id}/repeat"
    return api.call("POST", path, token, json=body, headers=dict(headers or {}))


@pytest.mark.parametrize("who", ["hr", "subject"])
def test_a_closed_round_runs_again_as_a_draft_with_the_same_raters(api, app, scored_round, who):
    hr, maya, round_id = scored_round
    response = repeat(api, hr if who == "hr" else maya, round_id)
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert draft["id"] != round_id
    assert draft["status"] == "draft"
    assert draft["subject"]["email"] == "maya@example.org"
    assert draft["instrument"] == {"id": "soft-skills", "version": "1"}
    named = [(r["name"], r["email"], r["relationship"]) for r in draft["raters"]]
    expected = [(r["name"], r["email"], r["relationship"]) for r in RATERS + LATE_PEERS]
    assert named == [("Maya Lind", "maya@example.org", "self"), *expected]
    with app.app_context():
        stored = db.session.get(Round, draft["id"])
        assert stored.results is None and stored.launched_at is None
        assert stored.anonymity_threshold == 3


def test_only_a_closed_round_runs_again(api, scored_round):
    hr, maya, _ = scored_round
    draft = api.create_round(maya)
    response = repeat(api, maya, draft["id"])
    assert response.status_code == 409
    assert (
        response.get_json()["message"] == "only a closed round can be run again; this one is draft"
    )
    api.launch(maya, draft["id"])
    refused = repeat(api, hr, draft["id"], headers={"Accept-Language": "es"})
    assert refused.status_code == 409
    assert refused.get_json()["message"] == (
        "solo se puede repetir una ronda cerrada; esta sigue abierta"
    )


def test_another_member_and_a_signed_out_caller_are_refused(api, app, scored_round):
    _, _, round_id = scored_round
    _, omar = api.person("member", name="Omar Diaz", email="omar@example.org")
    before = stored_rows(app)
    assert repeat(api, omar, round_id).status_code == 404
    assert repeat(api, None, round_id).status_code == 401
    assert repeat(api, omar, "no-such-round").status_code == 404
    assert stored_rows(app) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline": "2001-01-01T17:00:00+00:00"}, "deadline"),
        ({"deadline": "next friday"}, "deadline"),
        ({}, "deadline"),
        ({"deadline": in_days(9), "extra": 1}, "extra"),
    ],
)
def test_a_bad_deadline_is_named(api, app, scored_round, body, field):
    hr, _, round_id = scored_round
    before = stored_rows(app)
    response = api.call("POST", f"/api/v1/rounds/{round_id}/repeat", hr, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json()["errors"])
    assert stored_rows(app) == before


def test_the_round_page_has_the_button_and_it_makes_the_draft(app, scored_round):
    _, _, round_id = scored_round
    maya = PersonSession(app, "maya@example.org")
    page = maya.html(f"/rounds/{round_id}")
    assert "Run it again" in page
    made = maya.post(f"/rounds/{round_id}/repeat")
    assert made.status_code == 303
    draft_path = made.headers["Location"]
    assert draft_path != f"/rounds/{round_id}"
    draft = words(maya.html(draft_path))
    assert "A new round is ready as a draft, with the same raters." in draft
    assert "Pia Peer" in draft and "Launch and send the invitations" in draft
    # A draft is not closed: it has no such button, and running it again is refused.
    assert "Run it again" not in draft
    refused = maya.post(f"{draft_path}/repeat")
    assert refused.status_code == 409
    assert "Only a closed round can be run again" in words(refused.get_data(as_text=True))


def test_the_button_needs_its_csrf_token(app, scored_round):
    _, _, round_id = scored_round
    maya = PersonSession(app, "maya@example.org")
    before = stored_rows(app)
    assert maya.post(f"/rounds/{round_id}/repeat", csrf=False).status_code == 400
    assert stored_rows(app) == before
