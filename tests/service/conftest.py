"""Fixtures for the service tests: a scored, closed round and late responses to it."""

from __future__ import annotations

import pytest

from surveys.instrument import load_instrument
from tests.conftest import in_days

INSTRUMENT = load_instrument("soft-skills", "1")

RATERS = [
    {"name": "Mo Manager", "email": "mo@example.org", "relationship": "manager"},
    {"name": "Pia Peer", "email": "pia@example.org", "relationship": "peer"},
    {"name": "Pat Peer", "email": "pat@example.org", "relationship": "peer"},
    {"name": "Pol Peer", "email": "pol@example.org", "relationship": "peer"},
    {"name": "Dee Report", "email": "dee@example.org", "relationship": "direct_report"},
]
# Invited at launch, silent until the round is reopened: only raters invited before the first
# close may answer late.
LATE_PEERS = [
    {"name": f"Lee Late {n}", "email": f"late{n}@example.org", "relationship": "peer"}
    for n in range(3)
]
# Every rater gives one score to every item, so each skill score is that score.
SCORES = {
    "maya@example.org": 5,
    "mo@example.org": 2,
    "pia@example.org": 4,
    "pat@example.org": 3,
    "pol@example.org": 2,
    "dee@example.org": 5,
}


def answer_all(api, token: str, score: int, comments=None):
    response = api.call(
        "POST",
        "/api/v1/survey/submit",
        token,
        json={"answers": dict.fromkeys(INSTRUMENT.item_ids, score), "comments": comments or {}},
    )
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def scored_round(api):
    """A closed round with the answers above; returns (hr token, subject token, round id)."""
    _, hr = api.person("hr")
    _, maya = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org", raters=RATERS + LATE_PEERS)
    tokens = api.launch(hr, created["id"])
    for email, score in SCORES.items():
        comment = {"keep_doing": "<script>alert(1)</script>"} if email == "pia@example.org" else {}
        answer_all(api, tokens[email], score, comment)
    closed = api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr)
    assert closed.status_code == 200
    return hr, maya, created["id"]


def late_peers(api, hr, round_id, scores, *, first=0):
    """Reopen the round, let one late peer answer per score (each invited at launch, from
    LATE_PEERS[first] on), close again; return the results HR then reads."""
    reopened = api.call(
        "POST", f"/api/v1/rounds/{round_id}/reopen", hr, json={"deadline": in_days(3)}
    )
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    for n, score in enumerate(scores):
        answer_all(api, api.emailed_token(LATE_PEERS[first + n]["email"]), score)
    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", hr).status_code == 200
    return api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json()
