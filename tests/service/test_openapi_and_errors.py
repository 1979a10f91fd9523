"""The OpenAPI document, the docs page, and error answers for any input a client can send."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTRACT_PATHS = {
    "/api/v1/rounds": {"get", "post"},
    "/api/v1/rounds/{round_id}": {"get", "patch"},
    "/api/v1/rounds/{round_id}/raters": {"post"},
    "/api/v1/rounds/{round_id}/raters/{rater_id}": {"delete"},
    "/api/v1/rounds/{round_id}/raters/{rater_id}/resend": {"post"},
    "/api/v1/rounds/{round_id}/launch": {"post"},
    "/api/v1/rounds/{round_id}/close": {"post"},
    "/api/v1/survey": {"get"},
    "/api/v1/survey/answers": {"put"},
    "/api/v1/survey/submit": {"post"},
    "/api/v1/survey/decline": {"post"},
}


def test_openapi_document_lists_every_contract_path(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["info"]["title"] == "feedback360"
    for path, methods in CONTRACT_PATHS.items():
        assert methods <= set(document["paths"][path]), path
    create = document["paths"]["/api/v1/rounds"]["post"]
    assert create["security"] == [{"api_token": []}]
    assert create["summary"].startswith("Create a draft round")
    schemes = document["components"]["securitySchemes"]
    assert schemes["api_token"] == {"type": "http", "scheme": "bearer"}


def test_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/static/api-docs.js"):
        with client.get(asset) as response:
            assert response.status_code == 200


def test_unknown_api_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["message"]
    wrong_method = client.delete("/api/v1/survey")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["code"] == 405


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
bodies = json_values | st.fixed_dictionaries(
    {},
    optional={
        "answers": st.dictionaries(st.sampled_from(["ei_1", "ad_2", "nope"]), json_values),
        "comments": st.dictionaries(st.sampled_from(["empathy", "keep_doing", "x"]), json_values),
        "reason": json_values,
        "deadline": json_values | st.datetimes().map(lambda d: d.isoformat()),
        "anonymity_threshold": json_values,
        "raters": st.lists(
            st.dictionaries(
                st.sampled_from(["name", "email", "relationship", "extra"]), json_values
            ),
            max_size=3,
        ),
        "subject_email": json_values,
        "name": json_values,
        "email": json_values,
        "relationship": json_values,
    },
)


def test_random_bodies_never_cause_a_server_error(api):
    _, token = api.person("member", name="Fuzz Target")
    created = api.create_round(token)
    survey_token = api.launch(token, created["id"])["pat@example.org"]
    rater_id = created["raters"][1]["id"]
    targets = [
        ("POST", "/api/v1/rounds", token),
        ("PATCH", f"/api/v1/rounds/{created['id']}", token),
        ("POST", f"/api/v1/rounds/{created['id']}/raters", token),
        ("PUT", "/api/v1/survey/answers", survey_token),
        ("POST", "/api/v1/survey/submit", survey_token),
        ("POST", "/api/v1/survey/decline", survey_token),
        ("POST", f"/api/v1/rounds/{created['id']}/raters/{rater_id}/resend", token),
    ]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(target=st.sampled_from(targets), body=bodies)
    def check(target, body):
        method, path, bearer = target
        response = api.call(method, path, bearer, json=body)
        assert response.status_code < 500, (method, path, body, response.get_data(as_text=True))
        assert response.is_json
        if response.status_code >= 400:
            assert response.get_json()["message"]

    check()
