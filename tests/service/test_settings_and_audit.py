"""Organisation settings take effect where they matter; the audit log is append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from service.extensions import db
from service.models import AuditEvent, Job
from service.services.errors import Forbidden, Invalid
from service.services.notifications import queue_due_reminders
from service.services.settings import current_settings, update_settings


def save(app, actor_id, **changes):
    values = {"anonymity_threshold": 3, "subject_sees_report": True, "reminder_days": "3,1"}
    with app.app_context():
        return update_settings(actor_id, **(values | changes))


def test_the_environment_gives_the_defaults_until_hr_saves(app, api):
    hr_id, _ = api.person("hr")
    with app.app_context():
        assert current_settings().anonymity_threshold == app.config["DEFAULT_ANONYMITY_THRESHOLD"]
        assert current_settings().reminder_days == (3, 1)
    save(app, hr_id, anonymity_threshold=5, reminder_days=" 1, 7,3 ")
    with app.app_context():
        settings = current_settings()
        assert (settings.anonymity_threshold, settings.reminder_days) == (5, (7, 3, 1))


def test_only_hr_changes_settings_and_bad_values_change_nothing(app, api):
    hr_id, _ = api.person("hr")
    member_id, _ = api.person("member")
    with pytest.raises(Forbidden):
        save(app, member_id, anonymity_threshold=4)
    for bad in (
        {"anonymity_threshold": 1},
        {"anonymity_threshold": 11},
        {"reminder_days": "3, soon"},
        {"reminder_days": "0"},
        {"reminder_days": "61"},
    ):
        with pytest.raises(Invalid):
            save(app, hr_id, **bad)
    with app.app_context():
        assert current_settings().anonymity_threshold == 3
        assert db.session.scalar(select(AuditEvent.id)) is None


def test_a_new_round_takes_the_saved_threshold(app, api):
    hr_id, hr = api.person("hr")
    save(app, hr_id, anonymity_threshold=4)
    assert api.create_round(hr)["anonymity_threshold"] == 4


def test_subjects_lose_their_report_and_its_email_when_switched_off(app, api, scored_round):
    hr, maya, round_id = scored_round
    with app.app_context():
        assert db.session.scalar(select(Job.id).where(Job.kind == "report_ready")) is not None
    hr_id = api.call("GET", "/api/v1/rounds", hr).get_json()["rounds"][0]["created_by"]["id"]
    save(app, hr_id, subject_sees_report=False)
    url = f"/api/v1/rounds/{round_id}/report.html"
    assert api.call("GET", url, maya).status_code == 403
    assert api.call("GET", url, hr).status_code == 200
    # A round that closes now tells HR, not the subject.
    reopened = api.call(
        "POST", f"/api/v1/rounds/{round_id}/reopen", hr, json={"deadline": "2099-01-01T00:00:00Z"}
    )
    assert reopened.status_code == 200
    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", hr).status_code == 200
    with app.app_context():
        kinds = db.session.scalars(select(Job.kind).order_by(Job.created_at)).all()
        assert kinds.count("report_ready") == 1 and kinds.count("round_closed") == 2


def test_an_empty_reminder_schedule_sends_no_scheduled_reminders(app, api, clock):
    hr_id, hr = api.person("hr")
    created = api.create_round(hr, deadline=(clock.now + timedelta(days=5)).isoformat())
    api.launch(hr, created["id"])
    save(app, hr_id, reminder_days="")
    clock.advance(days=4, hours=1)
    with app.app_context():
        assert queue_due_reminders() == 0
    save(app, hr_id, reminder_days="1")
    with app.app_context():
        assert queue_due_reminders() == len(created["raters"])


def test_actions_are_audited_with_who_and_what(app, api, scored_round):
    _, maya, round_id = scored_round
    api.call("GET", f"/api/v1/rounds/{round_id}/report.pdf", maya).close()
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [event.action for event in events]
        assert actions == ["round_created", "round_launched", "round_closed", "report_downloaded"]
        assert [event.round_id for event in events] == [round_id] * 4
        assert events[-1].actor_label == "Maya Lind <maya@example.org>"
        assert events[0].subject_label == "Maya Lind <maya@example.org>"


def test_a_deadline_close_is_audited_as_automatic(app, api, clock):
    from service.services.rounds import close_overdue_rounds

    _, hr = api.person("hr")
    created = api.create_round(hr, deadline=(clock.now + timedelta(days=1)).isoformat())
    api.launch(hr, created["id"])
    clock.advance(days=2)
    with app.app_context():
        assert close_overdue_rounds() == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round_closed"))
        assert event.actor_id is None and "automatic" in event.actor_label


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET detail = 'rewritten'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_to_change_the_audit_log(app, api, statement):
    _, hr = api.person("hr")
    api.create_round(hr)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.detail)).startswith("raters named: ")
        assert len(db.session.scalars(select(AuditEvent.id)).all()) == 1
