"""The person thanks their raters: every rater but themselves, whoever answered; once a week;
never before a plan is saved or while the round is open; the audit log without the words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Job
from tests.conftest import in_days
from tests.service.conftest import LATE_PEERS, RATERS
from tests.service.plan_helpers import make_manager
from tests.service.pulse_helpers import emails, save_plan, text_of, to_of

MESSAGE = "Thank you all!\n\nI am working on listening. Keep telling me how it goes."
EVERY_RATER = {rater["email"] for rater in RATERS + LATE_PEERS}


def follow_up(api, token, round_id, message=MESSAGE):
    path = f"/api/v1/rounds/{round_id}/follow-up"
    return api.call("POST", path, token, json={"message": message})


def test_every_rater_but_the_person_is_thanked_whoever_answered(app, api, scored_round):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    sent = follow_up(api, maya, round_id)
    assert sent.status_code == 200, sent.get_json()
    # 1 manager + 3 peers + 1 direct report + 3 late peers who never answered = 8.
    assert sent.get_json() == {"sent": 8}
    thanks = emails(app, "A thank-you from Maya Lind")
    assert {to_of(message) for message in thanks} == EVERY_RATER
    assert "maya@example.org" not in {to_of(message) for message in thanks}
    assert all("I am working on listening." in text_of(message) for message in thanks)
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == "thank_you")).all()
        assert {job.status for job in jobs} == {"sent"}  # sent by the worker's jobs
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "raters_thanked")
        ).all()
        # Recorded, never with the words.
        assert [(event.detail, event.data) for event in events] == [(None, None)]


def test_once_a_week(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    assert follow_up(api, maya, round_id).status_code == 200
    clock.advance(days=6, hours=23)
    again = follow_up(api, maya, round_id)
    assert again.status_code == 429
    assert "less than a week ago" in again.get_json()["message"]
    assert "you can send another from" in again.get_json()["message"]
    clock.advance(hours=1)
    assert follow_up(api, maya, round_id).status_code == 200
    assert len(emails(app, "A thank-you from")) == 16


def test_refused_without_a_saved_plan_or_while_the_round_is_open(api, scored_round):
    hr, maya, round_id = scored_round
    refused = follow_up(api, maya, round_id)
    assert refused.status_code == 409
    assert "save your plan first" in refused.get_json()["message"]
    save_plan(api, maya, round_id)
    reopened = api.call(
        "POST", f"/api/v1/rounds/{round_id}/reopen", hr, json={"deadline": in_days(3)}
    )
    assert reopened.status_code == 200
    refused = follow_up(api, maya, round_id)
    assert refused.status_code == 409
    assert "open again" in refused.get_json()["message"]


def test_before_the_round_closes_there_is_nothing_to_follow_up(api):
    _, maya = api.person("member", email="maya@example.org")
    created = api.create_round(maya)
    api.launch(maya, created["id"])
    assert follow_up(api, maya, created["id"]).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 5_001}, "message"),
        ({"message": 12}, "message"),
        ({"message": "bell \x07"}, "message"),
        ({"message": "nul \x00"}, "message"),
    ],
)
def test_bad_messages_are_refused_with_the_field_named(api, scored_round, body, field):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    refused = api.call("POST", f"/api/v1/rounds/{round_id}/follow-up", maya, json=body)
    assert refused.status_code == 422
    assert field in refused.get_json()["message"]


def test_who_may_thank(app, api, scored_round):
    hr, maya, round_id = scored_round
    save_plan(api, maya, round_id, shared_with_manager=True)
    manager = make_manager(api, app, "maya@example.org")
    _, stranger = api.person("member")
    assert follow_up(api, hr, round_id).status_code == 403
    assert follow_up(api, manager, round_id).status_code == 403
    assert follow_up(api, stranger, round_id).status_code == 404
    assert follow_up(api, None, round_id).status_code == 401
    assert follow_up(api, maya, "no-such-round").status_code == 404
    assert emails(app, "A thank-you from") == []
