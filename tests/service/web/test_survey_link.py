"""The private survey link: exchanged for a session; one page for any bad link; rate limits."""

from __future__ import annotations

import pytest

PAT = "pat@example.org"


def test_a_valid_link_becomes_a_session_cookie_and_a_token_free_address(api, launched, client):
    _, _, tokens = launched
    response = client.get(f"/s/{tokens[PAT]}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/survey"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the HTTPS test below
    assert tokens[PAT] not in cookie
    page = client.get("/survey")
    assert page.status_code == 200
    assert "Feedback for Maya Lind" in page.get_data(as_text=True)


def test_the_cookie_is_secure_over_https(launched, client):
    _, _, tokens = launched
    response = client.get(f"/s/{tokens[PAT]}", base_url="https://feedback360.test")
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_opening_the_link_again_keeps_working(launched, rater_session):
    _, _, tokens = launched
    session = rater_session(tokens[PAT])
    assert session.open_link().status_code == 303
    assert session.page().status_code == 200


def invalid_link_body(client, token: str) -> bytes:
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "Set-Cookie" not in response.headers
    return response.get_data()


def test_unknown_replaced_and_removed_links_get_one_and_the_same_page(api, launched, client):
    _, created, tokens = launched
    _, hr = api.person("hr")  # after launch, only HR removes a rater
    round_id = created["id"]
    pat, quinn = created["raters"][2], created["raters"][3]
    assert (pat["email"], quinn["email"]) == (PAT, "quinn@example.org")

    unknown = invalid_link_body(client, "not-a-real-token")
    resent = api.call("POST", f"/api/v1/rounds/{round_id}/raters/{pat['id']}/resend", hr)
    assert resent.status_code == 202
    replaced = invalid_link_body(client, tokens[PAT])
    removed = api.call("DELETE", f"/api/v1/rounds/{round_id}/raters/{quinn['id']}", hr)
    assert removed.status_code == 204
    gone = invalid_link_body(client, tokens["quinn@example.org"])

    assert unknown == replaced == gone
    assert b"This link is not valid" in unknown


@pytest.mark.parametrize("change", ["resend", "remove"])
def test_a_new_link_or_a_removal_ends_the_old_session(api, launched, rater_session, change):
    _, created, tokens = launched
    _, hr = api.person("hr")  # after launch, only HR removes a rater
    session = rater_session(tokens[PAT])
    csrf = session.csrf_token()
    pat = next(r for r in created["raters"] if r["email"] == PAT)
    path = f"/api/v1/rounds/{created['id']}/raters/{pat['id']}"
    if change == "resend":
        assert api.call("POST", f"{path}/resend", hr).status_code == 202
    else:
        assert api.call("DELETE", path, hr).status_code == 204
    form = {"csrf_token": csrf, "action": "save", "answer-ei_1": "4"}
    assert session.client.post("/survey", data=form).status_code == 403
    page = session.page()
    assert page.status_code == 403
    assert "Please open your survey link" in page.get_data(as_text=True)


def test_the_survey_needs_a_session(client):
    response = client.get("/survey")
    assert response.status_code == 403
    assert "invitation email" in response.get_data(as_text=True)


def test_a_forged_session_is_refused(app, launched, client):
    _, created, _ = launched
    pat = next(r for r in created["raters"] if r["email"] == PAT)
    with client.session_transaction() as session:
        session["rater_id"] = pat["id"]
        session["token_hash"] = "0" * 64
    assert client.get("/survey").status_code == 403


@pytest.fixture
def tight_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "FAILED_LINK_LIMIT", "3 per minute")


@pytest.mark.usefixtures("tight_limit")
def test_failed_look_ups_are_limited_per_address(launched, client, app):
    _, _, tokens = launched
    for attempt in range(3):
        assert client.get(f"/s/wrong-{attempt}").status_code == 404
    throttled = client.get("/s/wrong-again")
    assert throttled.status_code == 429
    assert throttled.content_type.startswith("text/html")
    assert "Too many attempts" in throttled.get_data(as_text=True)
    assert int(throttled.headers["Retry-After"]) > 0

    # Another address is counted on its own.
    other = app.test_client()
    other_address = {"REMOTE_ADDR": "192.0.2.7"}
    assert other.get("/s/wrong", environ_base=other_address).status_code == 404

    # A colleague behind the throttled address still gets in with a valid link.
    assert client.get(f"/s/{tokens[PAT]}").status_code == 303


@pytest.mark.usefixtures("tight_limit")
def test_valid_links_never_count_towards_the_limit(launched, client):
    _, _, tokens = launched
    for _ in range(3):
        for token in tokens.values():
            assert client.get(f"/s/{token}").status_code == 303
    for attempt in range(3):
        assert client.get(f"/s/wrong-{attempt}").status_code == 404
    assert client.get("/s/wrong-again").status_code == 429
