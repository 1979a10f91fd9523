"""A pulse link keeps its token out of gunicorn's logs, like a survey link."""

from __future__ import annotations

import pytest

from service.access_log import mask_token_links
from tests.conftest import in_days
from tests.service.pulse_helpers import pulse_tokens, save_plan
from tests.service.test_access_log import MADE_UP, get, gunicorn_log, serve  # noqa: F401


@pytest.mark.parametrize(
    ("logged", "masked"),
    [
        (f"GET /p/{MADE_UP} HTTP/1.1", "GET /p/[hidden] HTTP/1.1"),
        (f"https://feedback.example/p/{MADE_UP}?x=1", "https://feedback.example/p/[hidden]?x=1"),
        (f"next=%2Fp%2F{MADE_UP}", "next=%2Fp%2F[hidden]"),
        ("/pulse", "/pulse"),
        ("/rounds/r1/plan/pulse", "/rounds/r1/plan/pulse"),
        ("/p/", "/p/"),
    ],
)
def test_pulse_links_are_masked(logged, masked):
    assert mask_token_links(logged) == masked


def test_a_pulse_link_opened_leaves_no_token_in_the_access_log(
    app,
    api,
    scored_round,
    gunicorn_log,  # noqa: F811
):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    path = f"/api/v1/rounds/{round_id}/pulses"
    assert api.call("POST", path, maya, json={"deadline": in_days(30)}).status_code == 201
    token = pulse_tokens(app)["pia@example.org"]
    status, line = serve(app, gunicorn_log, get(f"/p/{token}", Authorization=f"Bearer {token}"))
    assert status.startswith("303")  # the link worked: the rater is on the pulse page
    assert token not in line
    assert "r=GET /p/[hidden] HTTP/1.1|U=/p/[hidden]|" in line
