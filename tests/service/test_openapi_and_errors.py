"""The OpenAPI document, the docs page, and error answers for any input a client can send."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from surveys.instrument import load_instrument
from tests.conftest import in_days
from tests.service.web.pages import new_rater_token

INSTRUMENT = load_instrument("soft-skills", "1")

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


def valid_bodies(path: str):
    """Bodies the survey route accepts, so every run also takes the success path: a draft,
    a complete submission (any score or N/A per item), a decline."""
    scores = st.sampled_from([1, 2, 3, 4, 5, None])
    # Printable text: NUL and other control characters are refused, as they should be.
    text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
    comments = st.dictionaries(st.sampled_from(INSTRUMENT.comment_keys), text)
    if path.endswith("/answers"):
        answers = st.dictionaries(st.sampled_from(INSTRUMENT.item_ids), scores, max_size=5)
        return st.fixed_dictionaries({"answers": answers, "comments": comments})
    if path.endswith("/submit"):
        answers = st.fixed_dictionaries(dict.fromkeys(INSTRUMENT.item_ids, scores))
        return st.fixed_dictionaries({"answers": answers, "comments": comments})
    return st.fixed_dictionaries({}, optional={"reason": st.none() | text})


SURVEY_ROUTES = [
    ("PUT", "/api/v1/survey/answers"),
    ("POST", "/api/v1/survey/submit"),
    ("POST", "/api/v1/survey/decline"),
]


def check_answer(method: str, path: str, body, response) -> None:
    assert response.status_code < 500, (method, path, body, response.get_data(as_text=True))
    assert response.is_json
    if response.status_code >= 400:
        assert response.get_json()["message"]
    event(f"{method} {path.rsplit('/', 1)[-1]}: {response.status_code}")


# The round routes, by path template: each example fills in a round of its own.
ROUND_ROUTES = [
    ("POST", "/api/v1/rounds"),
    ("PATCH", "/api/v1/rounds/{round}"),
    ("POST", "/api/v1/rounds/{round}/raters"),
    ("POST", "/api/v1/rounds/{round}/raters/{rater}/resend"),
]
# The one rater of each example's round; an added rater is anyone else.
FIRST_RATER = {"name": "Pia Peer", "email": "pia@example.org", "relationship": "peer"}


def valid_round_bodies(path: str):
    """Bodies the round route accepts from the round's own subject: a new round (a future
    deadline and printable names at distinct addresses), a later deadline, a new rater; a
    resend takes no body."""
    deadline = st.integers(min_value=1, max_value=60).map(in_days)
    rater = st.fixed_dictionaries(
        {
            "name": st.text(st.characters(categories=("L", "N")), min_size=1, max_size=30),
            "email": st.sampled_from(["ana@example.org", "ben@example.org", "cy@example.org"]),
            "relationship": st.sampled_from(["peer", "direct_report", "other"]),
        },
        optional={"language": st.sampled_from([None, "en", "de", "fr", "es"])},
    )
    if path == "/api/v1/rounds":
        raters = st.lists(rater, max_size=3, unique_by=lambda r: r["email"])
        return st.fixed_dictionaries({"deadline": deadline, "raters": raters})
    if path.endswith("/raters"):
        return rater
    if path.endswith("/resend"):
        return st.just({})
    return st.fixed_dictionaries({"deadline": deadline})


@st.composite
def round_calls(draw):
    """(method, path template, valid, body): a body the route accepts, or anything at all."""
    method, path = draw(st.sampled_from(ROUND_ROUTES))
    valid = draw(st.booleans())
    return method, path, valid, draw(valid_round_bodies(path) if valid else bodies)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=round_calls())
@example(call=("POST", "/api/v1/rounds", True, {"deadline": in_days(7), "raters": []}))
@example(call=("PATCH", "/api/v1/rounds/{round}", True, {"deadline": in_days(9)}))
@example(call=("POST", "/api/v1/rounds/{round}/raters", True, {**FIRST_RATER, "email": "x@x.org"}))
@example(call=("POST", "/api/v1/rounds/{round}/raters/{rater}/resend", True, {}))
def check_round_call(api, token: str, accepted: Counter, call) -> None:
    method, template, valid, body = call
    # Each example starts from a draft round of its own (launched for a resend, which only an
    # open round takes): one example's rater or deadline cannot decide the next one's answer.
    created = api.create_round(token, raters=[FIRST_RATER])
    if template.endswith("/resend"):
        api.launch(token, created["id"])
    path = template.format(round=created["id"], rater=created["raters"][-1]["id"])
    response = api.call(method, path, token, json=body)
    check_answer(method, template, body, response)
    if valid:
        assert response.status_code < 300, (method, path, body, response.get_json())
    if response.status_code < 300:
        accepted[(method, template)] += 1


def test_random_bodies_never_cause_a_server_error_and_valid_ones_are_accepted(api):
    _, token = api.person("member", name="Fuzz Target")
    accepted: Counter = Counter()
    check_round_call(api, token, accepted)
    assert set(accepted) == set(ROUND_ROUTES), accepted


@st.composite
def survey_calls(draw):
    """(method, path, valid, body): a body the route accepts, or anything at all."""
    method, path = draw(st.sampled_from(SURVEY_ROUTES))
    valid = draw(st.booleans())
    return method, path, valid, draw(valid_bodies(path) if valid else bodies)


# One accepted body per route, always tried, so every route's success path is taken in every
# run; the generated examples take it too, and must.
COMPLETE = {"answers": dict.fromkeys(INSTRUMENT.item_ids, 4)}


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=survey_calls())
@example(call=("POST", "/api/v1/survey/submit", True, COMPLETE))
@example(call=("PUT", "/api/v1/survey/answers", True, {"answers": {"ei_1": None}}))
@example(call=("POST", "/api/v1/survey/decline", True, {}))
def check_survey_call(app, api, round_id: str, accepted: Counter, call) -> None:
    method, path, valid, body = call
    # Each example starts from a rater of its own who has not answered yet: one decline
    # cannot turn every later example into a 409.
    response = api.call(method, path, new_rater_token(app, round_id), json=body)
    check_answer(method, path, body, response)
    if valid:
        assert response.status_code == 200, (method, path, body, response.get_json())
    if response.status_code == 200:
        accepted[(method, path)] += 1


def test_random_survey_bodies_never_cause_a_server_error_and_valid_ones_are_accepted(app, api):
    _, token = api.person("member", name="Fuzz Target")
    created = api.create_round(token)
    api.launch(token, created["id"])
    accepted: Counter = Counter()
    check_survey_call(app, api, created["id"], accepted)
    assert set(accepted) == set(SURVEY_ROUTES), accepted
