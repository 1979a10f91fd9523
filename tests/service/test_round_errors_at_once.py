"""A new round's deadline and raters are checked together: one answer, every problem."""

from __future__ import annotations

from tests.conftest import in_days


def test_the_api_reports_a_past_deadline_and_a_bad_rater_at_once(api):
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    response = api.call(
        "POST",
        "/api/v1/rounds",
        token,
        json={
            "deadline": in_days(-1),
            "raters": [{"name": "Me", "email": "MAYA@example.org", "relationship": "peer"}],
        },
    )
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "deadline" in message and "raters.0.email" in message
    assert api.call("GET", "/api/v1/rounds", token).get_json()["rounds"] == []
