"""Check-in reminders: every N days from the plan's saving, once per period, never while
paused, never after the plan's last due date; and the notes' follow-up emails."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

from service.extensions import db
from service.jobs.tasks import periodic_housekeeping
from service.models import Job
from service.services.notifications import run_job
from service.services.plan_reminders import queue_plan_reminders
from tests.conftest import outbox_folder
from tests.service.plan_helpers import focus_entry, plan_path

MAYA = "maya@example.org"
REMINDER = "Time for a check-in on your development plan"


def emails(app, to: str, subject: str) -> list:
    found = []
    for path in sorted(outbox_folder(app).glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["Subject"] == subject and to in message["To"]:
            found.append(message)
    return found


def housekeeping(app) -> None:
    with app.app_context():
        queue_plan_reminders()
        db.session.remove()


def save_plan(api, maya, round_id, clock, *, due_in_days: int, every: int = 7):
    due = (clock.now + timedelta(days=due_in_days)).date().isoformat()
    body = {"focus": [focus_entry(due=due)], "checkin_every_days": every}
    saved = api.call("PUT", plan_path(round_id), maya, json=body)
    assert saved.status_code == 200, saved.get_json()


def reminders_on_days(app, clock, days) -> list[int]:
    """Run the housekeeping on each of these days after now (twice, as two workers might);
    return how many reminders had been sent after each day."""
    start, sent = clock.now, []
    for offset in days:
        clock.now = start + timedelta(days=offset, minutes=1)
        housekeeping(app)
        housekeeping(app)
        sent.append(len(emails(app, MAYA, REMINDER)))
    return sent


def test_a_reminder_every_period_until_the_last_due_date(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=20, every=7)
    # Saved at day 0, every 7 days: reminders fall on days 7 and 14; day 21 is past the due
    # date (day 20), so none then or later.
    assert reminders_on_days(app, clock, [1, 6, 7, 8, 13, 14, 15, 20, 21, 28, 60]) == [
        0,
        0,
        1,
        1,
        1,
        2,
        2,
        2,
        2,
        2,
        2,
    ]
    message = emails(app, MAYA, REMINDER)[0]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"http://feedback360.test/rounds/{round_id}/plan#check-in" in text
    # The email says who and when, never the plan's words.
    assert "Hear people out" not in message.as_string()


def test_a_reminder_is_sent_on_the_last_due_date_itself(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=14, every=14)
    assert reminders_on_days(app, clock, [13, 14, 28]) == [0, 1, 1]


def test_a_worker_back_after_several_periods_sends_one_reminder(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=90, every=7)
    # Down from day 0 to day 30 (four periods missed): one reminder, and the next period
    # runs from then (day 35, the schedule's next step after day 30).
    assert reminders_on_days(app, clock, [30, 34, 35]) == [1, 1, 2]


def test_no_reminder_while_paused_and_a_fresh_period_after_resuming(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=90, every=7)
    start = clock.now
    paused = api.call("PATCH", plan_path(round_id), maya, json={"reminders_paused": True})
    assert paused.status_code == 200
    assert reminders_on_days(app, clock, [7, 14, 21]) == [0, 0, 0]
    clock.now = start + timedelta(days=22)
    resumed = api.call("PATCH", plan_path(round_id), maya, json={"reminders_paused": False})
    assert resumed.status_code == 200
    clock.now = start
    # Resumed on day 22: the next reminder is 7 days later, on day 29.
    assert reminders_on_days(app, clock, [28, 29, 30]) == [0, 1, 1]


def test_a_reminder_queued_before_a_pause_is_not_sent(app, api, scored_round, clock, monkeypatch):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=90, every=7)
    # The queue holds the job (it is not run at once) while the person pauses.
    monkeypatch.setattr("service.services.plan_reminders.dispatch", lambda ids: None)
    clock.advance(days=7, minutes=1)
    housekeeping(app)
    api.call("PATCH", plan_path(round_id), maya, json={"reminders_paused": True})
    with app.app_context():
        job = db.session.query(Job).filter(Job.kind == "plan_reminder").one()
        run_job(job.id, last_attempt=True)
        assert db.session.get(Job, job.id).status == "skipped"
        db.session.remove()
    assert emails(app, MAYA, REMINDER) == []


def test_a_new_interval_starts_a_new_period(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=90, every=7)
    start = clock.now
    clock.now = start + timedelta(days=5)
    api.call("PATCH", plan_path(round_id), maya, json={"checkin_every_days": 30})
    clock.now = start
    # Changed on day 5 to every 30 days: nothing on day 7, the first on day 35.
    assert reminders_on_days(app, clock, [7, 34, 35]) == [0, 0, 1]


def test_the_housekeeping_sends_plan_reminders_and_note_follow_ups(app, api, scored_round, clock):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id, clock, due_in_days=90, every=7)
    tomorrow = (clock.now + timedelta(days=1)).date().isoformat()
    note = {"about": "Kim Lee", "text": "Promised the article", "follow_up_on": tomorrow}
    created = api.call("POST", "/api/v1/notes", maya, json=note)
    assert created.status_code == 201
    follow_up = "Today: follow up with Kim Lee"
    with app.app_context():
        periodic_housekeeping.call_local()
        assert emails(app, MAYA, follow_up) == []
        clock.advance(days=1)
        periodic_housekeeping.call_local()
        periodic_housekeeping.call_local()
        assert len(emails(app, MAYA, follow_up)) == 1
        clock.advance(days=6, minutes=1)
        periodic_housekeeping.call_local()
        db.session.remove()
    assert len(emails(app, MAYA, REMINDER)) == 1
    text = emails(app, MAYA, follow_up)[0].get_body(preferencelist=("plain",)).get_content()
    assert "/notes#note-" in text and "Promised the article" not in text
