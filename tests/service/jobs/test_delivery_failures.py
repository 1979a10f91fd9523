"""The mail server down, a recipient refused: retried with backoff, recorded, never sent twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.extensions import db
from service.jobs import huey
from service.jobs.tasks import RETRIES, run_job_task
from service.models import Job, Rater
from service.services import notifications
from tests.service.jobs.conftest import (
    SEVEN_RATERS,
    launch_round,
    link_token,
    run_next,
    run_queue,
)

ONE_RATER = SEVEN_RATERS[:1]


def _jobs(app):
    with app.app_context():
        return {
            job.key.split(":")[0] + ":" + db.session.get(Rater, job.rater_id).email: job
            for job in db.session.scalars(select(Job))
        }


def test_with_the_server_down_a_job_waits_then_is_sent_exactly_once(app, api, people, smtp):
    hr, _ = people
    smtp.stop()
    launch_round(api, hr, smtp, raters=ONE_RATER)  # immediate mode: the first attempt fails
    jobs = _jobs(app)
    job = jobs["invitation:rater0@example.org"]
    assert (job.status, job.attempts) == ("retrying", 1)
    assert "unreachable" in job.last_error

    with app.app_context(), pytest.raises(notifications.RetryLater):
        notifications.run_job(job.id, last_attempt=False)  # still down
    smtp.start()
    with app.app_context():
        notifications.run_job(job.id, last_attempt=False)
        notifications.run_job(job.id, last_attempt=False)  # a duplicate delivery of the task
        job = db.session.get(Job, job.id)
        assert (job.status, job.attempts, job.last_error) == ("sent", 3, None)
    [message] = smtp.mailbox.to("rater0@example.org")
    assert api.survey(link_token(message))["response_status"] == "pending"


def _due_retry():
    """The one task waiting in the schedule, taken off it as the worker would when due."""
    [task] = huey.scheduled()
    assert huey.read_schedule(task.eta) == [task]
    return task


def test_huey_retries_with_backoff_until_the_server_is_back(app, api, people, smtp, queued_by_hand):
    hr, _ = people
    smtp.stop()
    launch_round(api, hr, smtp, raters=ONE_RATER)
    assert huey.pending_count() == 1  # the API only queued the invitations, in one message
    run_next(app)  # which becomes one task per email
    assert huey.pending_count() == 2
    first = run_next(app)
    retry = _due_retry()  # not lost: scheduled again, 5 s later, then 10 s, 20 s …
    assert retry.retries == RETRIES - 1 and retry.retry_delay == 10
    huey.execute(retry, timestamp=retry.eta)  # still down: backs off further
    retry = _due_retry()
    assert retry.retries == RETRIES - 2 and retry.retry_delay == 20
    assert first.id == retry.id and smtp.mailbox.messages == []
    smtp.start()
    huey.execute(retry, timestamp=retry.eta)
    run_next(app)
    assert huey.scheduled_count() == huey.pending_count() == 0
    assert smtp.mailbox.recipients() == ["maya@example.org", "rater0@example.org"]
    assert {job.status for job in _jobs(app).values()} == {"sent"}


def test_the_last_retry_marks_the_job_failed_and_the_rater(app, api, people, smtp):
    hr, maya = people
    smtp.stop()
    round_id, _ = launch_round(api, hr, smtp, raters=ONE_RATER)
    job = _jobs(app)["invitation:rater0@example.org"]
    with app.app_context():
        run_job_task.call_local(job.id)  # no task context: treated as the last attempt
    job = _jobs(app)["invitation:rater0@example.org"]
    assert job.status == "failed"

    as_hr = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    rater = next(r for r in as_hr["raters"] if r["email"] == "rater0@example.org")
    assert rater["delivery_status"] == "failed" and "unreachable" in rater["delivery_error"]
    as_subject = api.call("GET", f"/api/v1/rounds/{round_id}", maya).get_json()
    assert as_subject["undelivered"] == {"failed": 1, "bounced": 0}
    assert all("delivery_status" not in r for r in as_subject["raters"])


def test_a_refused_recipient_bounces_at_once_and_is_not_retried(app, api, people, smtp):
    hr, _ = people
    smtp.mailbox.refused.add("rater0@example.org")
    round_id, _ = launch_round(api, hr, smtp, raters=ONE_RATER)
    job = _jobs(app)["invitation:rater0@example.org"]
    assert (job.status, job.attempts) == ("bounced", 1)
    assert "refused" in job.last_error
    as_hr = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    assert as_hr["undelivered"] == {"failed": 0, "bounced": 1}
    assert smtp.mailbox.recipients() == ["maya@example.org"]


def test_a_job_for_a_rater_who_answered_meanwhile_is_skipped(
    app, api, people, smtp, queued_by_hand
):
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp, raters=ONE_RATER)
    run_queue(app)
    token = smtp.mailbox.survey_tokens()["rater0@example.org"]
    assert api.call("POST", f"/api/v1/rounds/{round_id}/remind", hr).status_code == 200
    assert api.call("POST", "/api/v1/survey/decline", token).status_code == 200
    smtp.mailbox.messages.clear()
    run_queue(app)  # the reminders queued before rater0 declined
    assert smtp.mailbox.recipients() == ["maya@example.org"]
    assert _jobs(app)["reminder:rater0@example.org"].status == "skipped"
