"""CSRF on every form, security headers on every page, HTML error pages outside the API."""

from __future__ import annotations

import pytest

from service.web.survey import views
from tests.service.web.pages import words

PAT = "pat@example.org"


@pytest.fixture
def pat(launched, rater_session):
    _, _, tokens = launched
    return rater_session(tokens[PAT])


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/survey", {"action": "save", "answer-ei_1": "4"}),
        ("/survey", {"action": "submit", "answer-ei_1": "4"}),
        ("/survey/draft", {"answer-ei_1": "4"}),
        ("/survey/decline", {"reason": "busy"}),
    ],
)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_post_without_a_valid_csrf_token_is_refused_and_saves_nothing(
    api, launched, pat, path, form, token
):
    _, _, tokens = launched
    if token:
        form = {**form, "csrf_token": token}
    response = pat.post(path, data=form, csrf=False)
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")
    assert "This page could not be sent" in words(response.get_data(as_text=True))
    survey = api.survey(tokens[PAT])
    assert survey["response_status"] == "pending"
    assert survey["draft"] == {"answers": {}, "comments": {}}


def test_a_csrf_token_from_another_session_is_refused(launched, rater_session, api):
    _, _, tokens = launched
    pat = rater_session(tokens[PAT])
    quinn = rater_session(tokens["quinn@example.org"])
    stolen = quinn.csrf_token()
    response = pat.post(data={"action": "save", "csrf_token": stolen}, csrf=False)
    assert response.status_code == 400
    assert api.survey(tokens[PAT])["response_status"] == "pending"


def test_the_json_api_needs_no_csrf_token(api, launched):
    _, _, tokens = launched
    response = api.call("PUT", "/api/v1/survey/answers", tokens[PAT], json={"answers": {}})
    assert response.status_code == 200


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def assert_secure_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives.get("default-src", "")
    return directives


def test_every_page_carries_the_security_headers(launched, pat, client):
    _, _, tokens = launched
    responses = [
        client.get("/api/docs"),
        client.get(f"/s/{tokens[PAT]}"),
        client.get("/s/not-a-token"),
        client.get("/survey"),  # this client now has a session
        pat.page(),
        pat.post(data={"action": "submit"}),
        client.get("/no-such-page"),
        client.get("/api/v1/survey"),
    ]
    with client.get("/static/survey.js") as script:
        responses.append(script)
    for response in responses:
        directives = assert_secure_headers(response)
        assert directives["style-src"] == "'self'"
    assert [r.status_code for r in responses] == [200, 303, 404, 200, 200, 422, 404, 401, 200]
    assert "<script>" not in pat.page().get_data(as_text=True)


def test_web_errors_are_html_and_api_errors_stay_json(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.content_type.startswith("text/html")
    assert "Page not found" in missing.get_data(as_text=True)
    wrong_method = client.delete("/survey")
    assert wrong_method.status_code == 405 and wrong_method.content_type.startswith("text/html")
    assert "GET" in wrong_method.headers["Allow"]
    api_missing = client.get("/api/v1/no-such-thing")
    assert api_missing.status_code == 404 and api_missing.get_json()["code"] == 404
    asked_for_json = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert asked_for_json.get_json()["code"] == 404


def test_a_server_error_on_a_page_is_an_html_page(app, pat, monkeypatch):
    def broken(rater):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "survey_for_rater", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = pat.page()
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)
