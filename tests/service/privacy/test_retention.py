"""Retention: raw answers and comments go N days after the close, the results stay, and the
round can no longer be reopened."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.jobs.tasks import periodic_housekeeping
from service.models import AuditEvent, Round
from tests.conftest import in_days
from tests.service.privacy.raw_answers import raw_answer_rows
from tests.service.web.pages import PersonSession, words

SETTINGS = "/api/v1/settings"


@pytest.mark.parametrize(
    ("days", "status"),
    [(29, 422), (30, 200), (3650, 200), (3651, 422), (None, 200), ("30", 422), (True, 422)],
)
def test_the_retention_setting_takes_30_to_3650_days_or_none(api, days, status):
    _, hr = api.person("hr")
    answer = api.call("PATCH", SETTINGS, hr, json={"retention_days": days})
    assert answer.status_code == status, answer.get_json()
    expected = days if status == 200 else None  # a refusal leaves it as it was: off
    assert api.call("GET", SETTINGS, hr).get_json()["retention_days"] == expected
    if status == 422:
        assert answer.get_json()["errors"]["json"]["retention_days"]


@pytest.mark.parametrize(("typed", "status"), [("29", 422), ("30", 303), ("3651", 422), ("", 303)])
def test_the_settings_page_takes_the_same_bounds(app, api, typed, status):
    api.person("hr", email="hana@example.org")
    hana = PersonSession(app, "hana@example.org")
    form = {"anonymity_threshold": "3", "reminder_days": "3, 1", "retention_days": typed}
    saved = hana.post("/hr/settings", form)
    assert saved.status_code == status
    if status == 422:
        assert "from 30 to 3650" in words(saved.get_data(as_text=True))
    else:
        page = words(hana.html("/hr/settings"))
        assert ("Deleted 30 days after a round closes" if typed else "Raw answers Kept") in page


def test_raw_answers_go_after_n_days_and_the_results_stay(app, api, clock, scored_round):
    hr, maya, round_id = scored_round
    results = api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json()
    stored = raw_answer_rows(app, round_id)
    assert stored["answers"] > 0 and stored["comments"] == 1  # Pia's comment
    clock.advance(days=31)
    periodic_housekeeping()
    assert raw_answer_rows(app, round_id) == stored  # retention is off until HR sets it

    assert api.call("PATCH", SETTINGS, hr, json={"retention_days": 40}).status_code == 200
    clock.advance(days=8)
    periodic_housekeeping()
    assert raw_answer_rows(app, round_id) == stored  # day 39 of 40: kept

    clock.advance(days=2)
    periodic_housekeeping()
    assert raw_answer_rows(app, round_id) == {"answers": 0, "comments": 0}
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.raw_answers_deleted_at == clock.now
        entries = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "raw_answers_deleted")
        ).all()
    [entry] = entries
    assert entry.round_id == round_id and entry.detail == "40 days after the round closed"
    assert api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json() == results
    assert api.call("GET", f"/api/v1/rounds/{round_id}", maya).get_json()["raw_answers_deleted_at"]
    page = words(PersonSession(app, "maya@example.org").html(f"/rounds/{round_id}"))
    assert "can no longer be reopened" in page

    reopened = api.call(
        "POST", f"/api/v1/rounds/{round_id}/reopen", hr, json={"deadline": in_days(40)}
    )
    assert reopened.status_code == 422
    assert "raw answers were deleted" in reopened.get_json()["message"]
    with app.app_context():
        assert db.session.get(Round, round_id).status == "closed"

    periodic_housekeeping()  # once only: no second deletion, no second entry
    with app.app_context():
        count = select(func.count()).where(AuditEvent.action == "raw_answers_deleted")
        assert db.session.scalar(count) == 1
