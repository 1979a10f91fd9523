"""The rater API: questionnaire, draft and resume, validation, submit, decline, deadlines."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from service.extensions import db
from service.models import Rater, Round
from service.services.errors import Conflict
from service.services.survey import submit_response
from service.services.survey_links import rater_for_survey_token
from surveys.instrument import load_instrument
from tests.service.stored_responses import stored_response

INSTRUMENT = load_instrument("soft-skills", "1")
ALL_ITEMS = INSTRUMENT.item_ids


@pytest.fixture
def launched(api):
    """An open round about Maya; returns (owner token, round id, survey tokens by email)."""
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token)
    return token, created["id"], api.launch(token, created["id"])


def submit(api, survey_token, answers=None, **extra):
    body = {"answers": answers if answers is not None else dict.fromkeys(ALL_ITEMS, 4), **extra}
    return api.call("POST", "/api/v1/survey/submit", survey_token, json=body)


def test_observer_sees_the_subjects_first_name_and_self_sees_i(api, launched):
    _, _, tokens = launched
    peer = api.survey(tokens["pat@example.org"])
    assert peer["subject"] == {"name": "Maya Lind"}
    assert peer["relationship"] == "peer"
    assert [s["id"] for s in peer["skills"]] == [s.id for s in INSTRUMENT.skills]
    first_item = peer["skills"][0]["items"][0]
    assert first_item["id"] == "ei_1"
    assert first_item["text"] == INSTRUMENT.items[0].observer_text.replace("{name}", "Maya")
    assert [q["id"] for q in peer["questions"]] == ["keep_doing", "do_differently"]
    assert "Maya" in peer["questions"][0]["text"]
    assert peer["draft"] == {"answers": {}, "comments": {}}
    assert peer["accepting_answers"] is True

    own = api.survey(tokens["maya@example.org"])
    assert own["relationship"] == "self"
    assert all(item["text"].startswith("I ") for s in own["skills"] for item in s["items"])


def test_draft_is_saved_replaced_and_resumed(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    first = api.call(
        "PUT",
        "/api/v1/survey/answers",
        token,
        json={"answers": {"ei_1": 5, "ei_2": None}, "comments": {"empathy": "Kind."}},
    )
    assert first.status_code == 200
    assert first.get_json()["response_status"] == "draft"
    assert api.survey(token)["draft"] == {
        "answers": {"ei_1": 5, "ei_2": None},
        "comments": {"empathy": "Kind."},
    }
    api.call("PUT", "/api/v1/survey/answers", token, json={"answers": {"ei_1": 3}})
    assert api.survey(token)["draft"] == {"answers": {"ei_1": 3}, "comments": {}}
    assert api.survey(token)["response_status"] == "draft"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ei_1": 0}, "answers.ei_1"),
        ({"ei_1": 6}, "answers.ei_1"),
        ({"ei_1": 3.5}, "answers.ei_1"),
        ({"ei_1": 3.0}, "answers.ei_1"),
        ({"ei_1": "x"}, "answers.ei_1"),
        ({"ei_1": "4"}, "answers.ei_1"),
        ({"ei_1": True}, "answers.ei_1"),
        ({"ei_1": [4]}, "answers.ei_1"),
        ({"no_such_item": 3}, "answers.no_such_item"),
    ],
)
@pytest.mark.parametrize("endpoint", ["draft", "submit"])
def test_invalid_answers_are_422_naming_the_item(api, launched, answers, field, endpoint):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    if endpoint == "draft":
        response = api.call("PUT", "/api/v1/survey/answers", token, json={"answers": answers})
    else:
        response = submit(api, token, {**dict.fromkeys(ALL_ITEMS, 4), **answers})
    assert response.status_code == 422
    assert field in response.get_json()["message"]
    # Nothing was stored.
    assert api.survey(token)["response_status"] == "pending"
    assert api.survey(token)["draft"]["answers"] == {}


def test_unknown_field_is_rejected(api, launched):
    _, _, tokens = launched
    response = submit(api, tokens["pat@example.org"], mood="great")
    assert response.status_code == 422
    assert "mood: Unknown field." in response.get_json()["message"]


def test_comment_limits(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    too_long = submit(api, token, comments={"empathy": "x" * 5001})
    assert too_long.status_code == 422
    message = too_long.get_json()["message"]
    assert "comments.empathy" in message and "5,001" in message and "5,000" in message
    unknown = submit(api, token, comments={"weather": "sunny"})
    assert unknown.status_code == 422 and "comments.weather" in unknown.get_json()["message"]
    not_text = submit(api, token, comments={"empathy": 5})
    assert not_text.status_code == 422
    fits = submit(api, token, comments={"empathy": "y" * 5000})
    assert fits.status_code == 200


def test_submit_lists_every_missing_item(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    partial = dict.fromkeys(ALL_ITEMS[:30], 3)
    response = submit(api, token, partial)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["answers"]
    assert sorted(errors) == sorted(ALL_ITEMS[30:])
    assert "not answered" in errors[ALL_ITEMS[30]][0]


def test_submit_accepts_dont_know_and_is_final(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    answers = {**dict.fromkeys(ALL_ITEMS, None), "ei_1": 1, "ei_2": 5}
    response = submit(
        api, token, answers, comments={"keep_doing": "<b>listening</b>", "empathy": " "}
    )
    assert response.status_code == 200
    assert response.get_json()["response_status"] == "submitted"
    survey = api.survey(token)
    assert survey["response_status"] == "submitted"
    assert survey["accepting_answers"] is False
    assert "draft" not in survey  # sealed: see test_sealed_responses
    stored = stored_response(api.app, token)
    assert stored["answers"] == answers
    assert stored["comments"] == {"keep_doing": "<b>listening</b>"}  # blank dropped

    again = submit(api, token)
    assert again.status_code == 409
    assert "already submitted" in again.get_json()["message"]
    draft = api.call("PUT", "/api/v1/survey/answers", token, json={"answers": {"ei_1": 2}})
    assert draft.status_code == 409
    assert api.call("POST", "/api/v1/survey/decline", token, json={}).status_code == 409
    assert stored_response(api.app, token)["answers"]["ei_1"] == 1


def test_decline_discards_the_draft(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    api.call("PUT", "/api/v1/survey/answers", token, json={"answers": {"ei_1": 2}})
    response = api.call("POST", "/api/v1/survey/decline", token, json={"reason": "On leave"})
    assert response.status_code == 200
    assert api.survey(token)["response_status"] == "declined"
    assert stored_response(api.app, token) == {"status": "declined", "answers": {}, "comments": {}}
    assert submit(api, token).status_code == 409
    too_long = api.call(
        "POST", "/api/v1/survey/decline", tokens["quinn@example.org"], json={"reason": "z" * 1001}
    )
    assert too_long.status_code == 422 and "reason" in too_long.get_json()["message"]


def test_no_answer_after_close(api, launched):
    owner, round_id, tokens = launched
    api.call(
        "PUT", "/api/v1/survey/answers", tokens["quinn@example.org"], json={"answers": {"ei_1": 2}}
    )
    api.call("POST", f"/api/v1/rounds/{round_id}/close", owner)
    response = submit(api, tokens["pat@example.org"])
    assert response.status_code == 409
    assert "closed" in response.get_json()["message"]
    draft = api.call(
        "PUT", "/api/v1/survey/answers", tokens["quinn@example.org"], json={"answers": {"ei_1": 5}}
    )
    assert draft.status_code == 409
    survey = api.survey(tokens["quinn@example.org"])
    assert survey["accepting_answers"] is False
    assert stored_response(api.app, tokens["quinn@example.org"])["answers"] == {"ei_1": 2}


def test_no_answer_after_the_deadline(api, launched, clock):
    _, _, tokens = launched
    clock.advance(days=14, seconds=1)
    response = submit(api, tokens["pat@example.org"])
    assert response.status_code == 409
    assert "deadline" in response.get_json()["message"]
    assert api.survey(tokens["pat@example.org"])["accepting_answers"] is False


def test_survey_requires_a_valid_survey_token(api, launched):
    owner, _, _ = launched
    assert api.call("GET", "/api/v1/survey").status_code == 401
    assert api.call("GET", "/api/v1/survey", "made-up").status_code == 401
    # An API token is not a survey token.
    assert api.call("GET", "/api/v1/survey", owner).status_code == 401
    response = api.call("POST", "/api/v1/survey/submit", "made-up", json={"answers": {}})
    assert response.status_code == 401
    assert response.get_json()["message"] == "this survey link is not valid"
    # A browser that asks for French is refused in French.
    french = {"Accept-Language": "fr"}
    response = api.call("GET", "/api/v1/survey", "made-up", headers=french)
    assert response.get_json()["message"] == "ce lien vers le questionnaire n'est pas valide"


def test_a_survey_token_reaches_only_its_own_response(api, launched):
    _, _, tokens = launched
    _, other_owner = api.person("member", name="Sam Other")
    other = api.create_round(
        other_owner,
        raters=[{"name": "Pat Peer", "email": "pat@example.org", "relationship": "peer"}],
    )
    other_tokens = api.launch(other_owner, other["id"])
    submit(api, other_tokens["pat@example.org"], dict.fromkeys(ALL_ITEMS, 2))
    # The same person rates in two rounds; each token reaches only its own response.
    mine = api.survey(tokens["pat@example.org"])
    assert mine["subject"] == {"name": "Maya Lind"}
    assert mine["response_status"] == "pending"
    assert submit(api, tokens["pat@example.org"]).status_code == 200


def test_nul_characters_are_refused_not_a_server_error(api, launched):
    owner, round_id, tokens = launched
    token = tokens["pat@example.org"]
    comment = submit(api, token, comments={"empathy": "a\x00b"})
    assert comment.status_code == 422 and "comments.empathy" in comment.get_json()["message"]
    item_key = submit(api, token, {**dict.fromkeys(ALL_ITEMS, 4), "ei\x00": 3})
    assert item_key.status_code == 422
    reason = api.call("POST", "/api/v1/survey/decline", token, json={"reason": "\x00"})
    assert reason.status_code == 422 and "reason" in reason.get_json()["message"]
    rater = api.call(
        "POST",
        f"/api/v1/rounds/{round_id}/raters",
        owner,
        json={"name": "N\x00", "email": "n@example.org", "relationship": "peer"},
    )
    assert rater.status_code == 422 and "name" in rater.get_json()["message"]
    assert api.survey(token)["response_status"] == "pending"


def test_submit_replaces_a_draft_of_answers_and_comments(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    draft = {
        "answers": {"ei_1": 5, "ei_2": None},
        "comments": {"empathy": "Kind.", "keep_doing": "x"},
    }
    assert api.call("PUT", "/api/v1/survey/answers", token, json=draft).status_code == 200
    answers = {**dict.fromkeys(ALL_ITEMS, 2), "ei_2": 3}
    response = submit(api, token, answers, comments={"empathy": "Listens.", "keep_doing": " "})
    assert response.status_code == 200
    assert stored_response(api.app, token) == {
        "status": "submitted",
        "answers": answers,
        "comments": {"empathy": "Listens."},
    }


def test_every_answer_may_be_dont_know(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    assert submit(api, token, dict.fromkeys(ALL_ITEMS)).status_code == 200
    stored = stored_response(api.app, token)
    assert stored["answers"] == dict.fromkeys(ALL_ITEMS) and stored["comments"] == {}


def test_decline_discards_a_drafts_comments(api, launched):
    _, _, tokens = launched
    token = tokens["pat@example.org"]
    draft = {"answers": {}, "comments": {"empathy": "Kind."}}
    assert api.call("PUT", "/api/v1/survey/answers", token, json=draft).status_code == 200
    assert api.call("POST", "/api/v1/survey/decline", token, json={}).status_code == 200
    assert stored_response(api.app, token) == {"status": "declined", "answers": {}, "comments": {}}


def test_a_close_committed_after_the_round_was_read_refuses_the_submit(app, launched):
    # The rater's round is already in the session (every page loads it); the close is
    # committed by another connection before the submit takes its share lock.
    _, round_id, tokens = launched
    with app.app_context():
        rater = rater_for_survey_token(tokens["pat@example.org"])
        assert rater.round.status == "open"
        with db.engine.begin() as other:
            other.execute(update(Round).where(Round.id == round_id).values(status="closed"))
        with pytest.raises(Conflict, match="the round is closed"):
            submit_response(rater.id, dict.fromkeys(ALL_ITEMS, 4), {})
        db.session.rollback()
        assert db.session.get(Rater, rater.id).response_status == "pending"
