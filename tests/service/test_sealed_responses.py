"""A submitted or declined response is sealed: whoever holds the rater's link (or a session
opened with it) reads only its state, never its answers or comments, and changes nothing.

Also: every body of the rater API is required, and the OpenAPI document says what is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.services.survey import survey_for_rater
from service.services.survey_links import rater_for_survey_token
from surveys.instrument import load_instrument
from tests.service.stored_responses import stored_response
from tests.service.web.pages import RaterSession, words

ITEMS = load_instrument("soft-skills", "1").item_ids
PAT = "pat@example.org"
SECRET = "Interrupts people in meetings."  # a comment no link holder may read back
# 31 January 2030 is a Thursday: 1 January 2030 is a Tuesday and 30 days later is
# 4 weeks and 2 days later.
SUBMITTED_AT = datetime(2030, 1, 31, 17, 5, tzinfo=UTC)
# Only the day is kept, not the time (docs/security.md). The page holds it in a <time>
# element, which words() sets apart from the full stop after it.
SUBMITTED_ON = "Thursday 31 January 2030"


@pytest.fixture
def launched(api):
    """An open round about Maya; returns (owner token, round id, survey tokens by email)."""
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token)
    return token, created["id"], api.launch(token, created["id"])


def put_draft(api, token, body):
    return api.call("PUT", "/api/v1/survey/answers", token, json=body)


def submit(api, token, answers=None, comments=None):
    body = {"answers": answers or dict.fromkeys(ITEMS, 2), "comments": comments or {}}
    return api.call("POST", "/api/v1/survey/submit", token, json=body)


def decline(api, token, body=None):
    return api.call("POST", "/api/v1/survey/decline", token, json=body or {})


# --- Reading a sealed response ---------------------------------------------------------


def test_the_api_shows_a_submitted_response_as_its_state_only(api, launched):
    _, _, tokens = launched
    token = tokens[PAT]
    draft = {"answers": {"ei_1": 5}, "comments": {"empathy": "draft"}}
    assert put_draft(api, token, draft).status_code == 200
    assert submit(api, token, comments={"keep_doing": SECRET}).status_code == 200

    response = api.call("GET", "/api/v1/survey", token)
    assert response.status_code == 200
    assert SECRET not in response.get_data(as_text=True)
    survey = response.get_json()
    assert "draft" not in survey and "skills" not in survey and "questions" not in survey
    assert survey["response_status"] == "submitted"
    assert survey["submitted_on"]
    assert survey["accepting_answers"] is False
    assert survey["subject"] == {"name": "Maya Lind"}
    # The response itself is kept, for the report.
    assert stored_response(api.app, token)["comments"] == {"keep_doing": SECRET}


def test_a_declined_response_keeps_nothing_of_its_draft(api, launched):
    # Declining deletes the draft rather than hiding it: it is never used, and a rater
    # who declines is told nothing they answered is kept.
    _, _, tokens = launched
    token = tokens[PAT]
    draft = {"answers": {"ei_1": 1}, "comments": {"empathy": SECRET}}
    assert put_draft(api, token, draft).status_code == 200
    assert decline(api, token, {"reason": "On leave"}).status_code == 200

    response = api.call("GET", "/api/v1/survey", token)
    survey = response.get_json()
    assert survey["response_status"] == "declined"
    assert survey["declined_at"]
    assert "draft" not in survey
    assert SECRET not in response.get_data(as_text=True)
    assert stored_response(api.app, token) == {"status": "declined", "answers": {}, "comments": {}}


def test_a_draft_in_a_closed_round_is_no_longer_shown(api, launched):
    owner, round_id, tokens = launched
    token = tokens[PAT]
    assert put_draft(api, token, {"comments": {"empathy": SECRET}}).status_code == 200
    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", owner).status_code == 200
    response = api.call("GET", "/api/v1/survey", token)
    assert response.get_json()["response_status"] == "draft"
    assert "draft" not in response.get_json()
    assert SECRET not in response.get_data(as_text=True)


def test_the_service_hands_no_answers_of_a_sealed_response_to_any_page(app, api, launched):
    _, _, tokens = launched
    assert submit(api, tokens[PAT], comments={"keep_doing": SECRET}).status_code == 200
    with app.app_context():
        survey = survey_for_rater(rater_for_survey_token(tokens[PAT]))
    assert "draft" not in survey
    assert SECRET not in repr(survey)


# --- Changing a sealed response ---------------------------------------------------------

SEALED_BY = {
    "submitted": lambda api, token: submit(api, token, comments={"keep_doing": SECRET}),
    "declined": lambda api, token: decline(api, token),
}
CHANGES = {
    "draft": lambda api, token: put_draft(api, token, {"answers": {"ei_1": 5}}),
    "invalid draft": lambda api, token: put_draft(api, token, {"answers": {"ei_1": 9}}),
    "submit": lambda api, token: submit(api, token, dict.fromkeys(ITEMS, 5)),
    "incomplete submit": lambda api, token: submit(api, token, {"ei_1": 5}),
    "decline": lambda api, token: decline(api, token, {"reason": "changed my mind"}),
    "too long decline": lambda api, token: decline(api, token, {"reason": "r" * 1001}),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("sealed_as", SEALED_BY)
def test_a_sealed_response_refuses_every_change_with_409(api, launched, sealed_as, change):
    # Refused as sealed even when the body is not valid: the rater learns the real reason.
    _, _, tokens = launched
    token = tokens[PAT]
    assert SEALED_BY[sealed_as](api, token).status_code == 200
    before = stored_response(api.app, token)
    response = CHANGES[change](api, token)
    assert response.status_code == 409
    assert response.get_json()["message"] == (
        f"this response was already {sealed_as}; it can no longer change"
    )
    assert stored_response(api.app, token) == before


# --- The same through the survey pages ----------------------------------------------------


@pytest.fixture
def pat_at_a_known_time(api, app, clock):
    """Pat's browser session in a round that runs in 2030, with the clock at SUBMITTED_AT."""
    clock.now = SUBMITTED_AT
    _, owner = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(owner, deadline="2030-02-14T17:00:00+00:00")
    session = RaterSession(app, api.launch(owner, created["id"])[PAT])
    assert session.open_link().status_code == 303
    return session


def all_answers(score: str = "4") -> dict[str, str]:
    return {f"answer-{item}": score for item in ITEMS}


def test_the_page_of_a_submitted_response_says_when_and_shows_nothing_of_it(
    pat_at_a_known_time,
):
    pat = pat_at_a_known_time
    form = {"action": "submit", **all_answers(), "comment-keep_doing": SECRET}
    assert pat.post(data=form).status_code == 303
    html = pat.html()
    assert f"You submitted your feedback on {SUBMITTED_ON} ." in words(html)
    assert SECRET not in html
    assert "checked" not in html and "<form" not in html


def test_the_page_of_a_declined_response_shows_nothing_of_its_draft(pat_at_a_known_time):
    pat = pat_at_a_known_time
    assert pat.post(data={"action": "save", "comment-empathy": SECRET}).status_code == 303
    assert pat.post("/survey/decline", data={}).status_code == 303
    html = pat.html()
    assert "You declined to give feedback for Maya Lind" in words(html)
    assert SECRET not in html and "<form" not in html


PAGE_CHANGES = {
    "save": ("/survey", {"action": "save", "answer-ei_1": "5"}),
    "invalid save": ("/survey", {"action": "save", "answer-ei_1": "9"}),
    "submit": ("/survey", {"action": "submit", **all_answers("5")}),
    "incomplete submit": ("/survey", {"action": "submit", "answer-ei_1": "5"}),
    "decline": ("/survey/decline", {"reason": "changed my mind"}),
    "too long decline": ("/survey/decline", {"reason": "r" * 1001}),
}


@pytest.mark.parametrize("change", PAGE_CHANGES)
def test_the_pages_refuse_every_change_to_a_submitted_response(api, pat_at_a_known_time, change):
    pat = pat_at_a_known_time
    csrf = pat.csrf_token()
    form = {"action": "submit", **all_answers(), "comment-keep_doing": SECRET}
    assert pat.post(data=form).status_code == 303
    before = stored_response(api.app, pat.token)
    path, data = PAGE_CHANGES[change]
    response = pat.client.post(path, data={"csrf_token": csrf, **data})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"You submitted your feedback on {SUBMITTED_ON} ." in words(html)
    assert SECRET not in html
    assert stored_response(api.app, pat.token) == before


def test_autosave_of_a_submitted_response_is_a_409_in_json(api, pat_at_a_known_time):
    pat = pat_at_a_known_time
    csrf = pat.csrf_token()
    assert pat.post(data={"action": "submit", **all_answers()}).status_code == 303
    response = pat.client.post(
        "/survey/draft",
        data={"answer-ei_1": "1"},
        headers={"X-CSRFToken": csrf, "Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.get_json()["message"] == (
        "this response was already submitted; it can no longer change"
    )
    assert stored_response(api.app, pat.token)["answers"]["ei_1"] == 4


# --- Bodies are required ----------------------------------------------------------------

DRAFT = {"answers": {"ei_1": 5}, "comments": {"empathy": "Kind."}}
NOT_JSON = {"data": '{"answers": {}, "reason": "On leave"}', "content_type": "text/plain"}
NO_BODY = {
    "no body": {},
    "not json": NOT_JSON,
    "empty": {"data": "", "content_type": "application/json"},
}


@pytest.fixture
def drafted(api, launched):
    """Pat's survey token, with a saved draft."""
    _, _, tokens = launched
    token = tokens[PAT]
    assert put_draft(api, token, DRAFT).status_code == 200
    return token


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/api/v1/survey/answers"), ("POST", "/api/v1/survey/submit")]
)
@pytest.mark.parametrize("sent", NO_BODY.values(), ids=NO_BODY)
def test_a_request_without_a_json_body_is_refused_and_changes_nothing(
    api, drafted, method, path, sent
):
    response = api.call(method, path, drafted, **sent)
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "JSON" in message and "Content-Type: application/json" in message
    assert api.survey(drafted)["draft"] == DRAFT
    assert api.survey(drafted)["response_status"] == "draft"


def test_a_decline_whose_body_is_not_json_is_refused(api, drafted):
    # The reason would be silently lost by a decline that can't be undone.
    response = api.call("POST", "/api/v1/survey/decline", drafted, **NOT_JSON)
    assert response.status_code == 422
    assert "the body must be JSON" in response.get_json()["message"]
    assert api.survey(drafted)["draft"] == DRAFT


def test_a_decline_needs_no_body_since_its_reason_is_optional(api, drafted):
    assert api.call("POST", "/api/v1/survey/decline", drafted).status_code == 200
    assert stored_response(api.app, drafted) == {
        "status": "declined",
        "answers": {},
        "comments": {},
    }


def test_an_empty_object_empties_the_draft(api, drafted):
    assert put_draft(api, drafted, {}).status_code == 200
    assert api.survey(drafted)["draft"] == {"answers": {}, "comments": {}}


def test_the_openapi_document_says_what_the_rater_api_refuses(client):
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    for path, method in [("answers", "put"), ("submit", "post")]:
        body = paths[f"/api/v1/survey/{path}"][method]["requestBody"]
        assert body["required"] is True, path
        assert "without a JSON body is refused with 422" in body["description"], path
    decline = paths["/api/v1/survey/decline"]["post"]["requestBody"]
    assert decline["required"] is False
    assert "not JSON is refused with 422" in decline["description"]

    schemas = document["components"]["schemas"]
    answers = schemas["Response"]["properties"]["answers"]
    assert answers["additionalProperties"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 5,
        "nullable": True,
    }
    assert "3.5" in answers["description"]
    comments = schemas["Response"]["properties"]["comments"]
    assert comments["additionalProperties"] == {"type": "string", "maxLength": 5000}
    assert "null" in comments["description"] and "NUL" in comments["description"]
    reason = schemas["Decline"]["properties"]["reason"]
    assert "NUL" in reason["description"]
    assert schemas["Submission"]["required"] == ["answers"]
    state = schemas["Survey"]["properties"]
    assert {"submitted_on", "declined_at"} <= set(state)
    assert "sealed" in state["draft"]["description"]
