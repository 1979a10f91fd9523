"""Headers on the JSON API's answers, checked on every route of the url map: a 405 names the
methods that are allowed, and no answer about people may be kept by a cache."""

from __future__ import annotations

import pytest

API_PREFIX = "/api/"
PERSONAL_PREFIX = "/api/v1/"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_rules(app, prefix: str = API_PREFIX):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith(prefix)),
        key=lambda rule: rule.rule,
    )


def path_of(app, rule, **values) -> str:
    """The rule's path, with "x" for any argument not given."""
    arguments = {name: values.get(name, "x") for name in rule.arguments}
    return app.url_map.bind("feedback360.test").build(rule.endpoint, arguments)


def test_the_url_map_has_api_routes_to_check(app):
    # Guards the loops below against passing on an empty url map.
    assert len(api_rules(app, PERSONAL_PREFIX)) >= 15


def test_every_api_405_lists_the_allowed_methods_and_stays_json(app, client):
    adapter = app.url_map.bind("feedback360.test")
    checked = 0
    for rule in api_rules(app):
        path = path_of(app, rule)
        allowed = adapter.allowed_methods(path)
        for method in (m for m in METHODS if m not in allowed):
            response = client.open(path, method=method)
            assert response.status_code == 405, (method, path)
            assert response.get_json()["code"] == 405, (method, path)
            assert "Allow" in response.headers, (method, path)
            listed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert listed == set(allowed) and method not in listed, (method, path)
            checked += 1
    assert checked >= 40


@pytest.fixture
def ids(api, scored_round):
    """Real ids for each argument of the API's paths, and whom to ask with."""
    hr, _, round_id = scored_round
    rater_id = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()["raters"][0]["id"]
    return hr, {"round_id": round_id, "rater_id": rater_id}


def test_no_api_answer_may_be_stored_by_a_cache(app, api, ids):
    """Every route and method, as HR with real ids: the answers (reads first, then the
    writes, which a closed round mostly refuses) all say no-store, whatever their status."""
    hr, values = ids
    calls = [
        (method, path_of(app, rule, **values))
        for rule in api_rules(app, PERSONAL_PREFIX)
        for method in METHODS
    ]
    calls.sort(key=lambda call: call[0] != "GET")
    answers = {}
    for method, path in calls:
        with api.call(method, path, hr) as response:  # the PDF is a file to close
            assert response.status_code < 500, (method, path, response.get_data(as_text=True))
            assert response.headers.get("Cache-Control") == "no-store", (method, path)
            answers[method, path] = (response.status_code, response.mimetype)
    # Real answers were among them: the round, its results and its report in both forms.
    round_path = f"/api/v1/rounds/{values['round_id']}"
    assert answers["GET", round_path] == (200, "application/json")
    assert answers["GET", f"{round_path}/results"] == (200, "application/json")
    assert answers["GET", f"{round_path}/report.html"] == (200, "text/html")
    assert answers["GET", f"{round_path}/report.pdf"] == (200, "application/pdf")
    assert {status for status, _ in answers.values()} >= {200, 401, 405, 409}


def test_a_raters_own_survey_is_never_stored(api, launched_survey):
    response = api.call("GET", "/api/v1/survey", launched_survey)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def launched_survey(api):
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token)
    tokens = api.launch(token, created["id"])
    return next(iter(tokens.values()))


def test_the_openapi_document_may_be_cached(client):
    # It describes the API and names no one.
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
