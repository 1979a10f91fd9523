"""Jobs whose task a dead worker took off the queue: the jobs table says what is left to send,
the housekeeping queues it again, and a job is never sent twice for it.

Times here follow notifications.STALE_AFTER, 2 minutes: a job is presumed lost once it has
been claimed, or due, for longer than that without finishing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service.extensions import db
from service.jobs import huey, tasks
from service.jobs.tasks import periodic_housekeeping
from service.models import Job, Person, Rater
from service.services import notifications
from service.services.notifications import MAX_ATTEMPTS, RetryLater
from tests.service.jobs.conftest import SEVEN_RATERS, launch_round, run_next, run_queue

ONE_RATER = SEVEN_RATERS[:1]


def housekeeping(app) -> int:
    """Run the periodic housekeeping now; how many tasks it left in the queue."""
    with app.app_context():
        periodic_housekeeping.call_local()
    return huey.pending_count()


def _job(app, email: str) -> Job:
    with app.app_context():
        return db.session.scalar(
            select(Job).join(Rater, Job.rater_id == Rater.id).where(Rater.email == email)
        )


def _claim(app, job_id: str) -> bool:
    """What a worker does first with a job; the tests below let that worker die after it."""
    with app.app_context():
        return notifications._claim(job_id)


def test_a_job_whose_task_was_lost_is_queued_again_and_sent_once(
    app, api, people, smtp, clock, queued_by_hand
):
    hr, _ = people
    launch_round(api, hr, smtp, raters=ONE_RATER)
    huey.flush()  # a worker took the launch's task off the queue and died
    clock.advance(minutes=2)  # due exactly STALE_AFTER ago: not yet presumed lost
    assert housekeeping(app) == 0
    clock.advance(seconds=1)
    assert housekeeping(app) == 1  # both jobs, in one task
    run_queue(app)
    assert smtp.mailbox.recipients() == ["maya@example.org", "rater0@example.org"]
    clock.advance(minutes=10)
    assert housekeeping(app) == 0  # sent is done: never queued again
    assert len(smtp.mailbox.messages) == 2


def test_a_copy_of_a_task_sends_nothing_while_a_worker_is_sending_it(
    app, api, people, smtp, clock, queued_by_hand
):
    hr, _ = people
    launch_round(api, hr, smtp, raters=ONE_RATER)
    job_id = _job(app, "rater0@example.org").id
    assert _claim(app, job_id)  # a worker begins sending it, then dies mid-send
    assert not _claim(app, job_id)  # no one else may take it meanwhile
    run_queue(app)  # the queue's own copy of its task
    with app.app_context():  # and the same task delivered twice
        notifications.run_job(job_id, last_attempt=False)
    assert smtp.mailbox.recipients() == ["maya@example.org"]

    clock.advance(minutes=2)  # claimed exactly STALE_AFTER ago: a slow send, not a dead one
    assert housekeeping(app) == 0
    clock.advance(seconds=1)
    assert housekeeping(app) == 1
    run_queue(app)
    assert smtp.mailbox.recipients() == ["maya@example.org", "rater0@example.org"]
    job = _job(app, "rater0@example.org")
    # One attempt by the worker that died, one by the worker that sent it.
    assert (job.status, job.attempts, job.claimed_at) == ("sent", 2, clock.now)


@pytest.fixture
def welcome_job(app, api, queued_by_hand):
    """One email job (a welcome to Wes) handed to the queue, as a service would."""
    person_id, _ = api.person("member", name="Wes Welcome", email="wes@example.org")
    with app.app_context():
        job_id = notifications.queue_person_email("welcome", db.session.get(Person, person_id))
        db.session.commit()
        notifications.dispatch([job_id])
    return job_id


def test_a_job_waiting_for_its_retry_is_not_queued_again(app, smtp, clock, welcome_job):
    smtp.stop()
    run_next(app)  # the first attempt: the mail server is down
    with app.app_context():
        job = db.session.get(Job, welcome_job)
        # Due when Huey retries it: its first delay is 5 s.
        assert (job.status, job.attempts) == ("retrying", 1)
        assert (job.claimed_at, job.due_at) == (None, clock.now + timedelta(seconds=5))
        # The ninth attempt fails too; Huey waits longest before the last: 5 s doubled
        # eight times, 1,280 s.
        with pytest.raises(RetryLater):
            notifications.run_job(welcome_job, last_attempt=False, retry_in=timedelta(seconds=1280))
    huey.flush()  # what Huey still holds makes no difference: the jobs table decides
    # Presumed lost only STALE_AFTER after it was due: 1,280 s + 120 s = 1,400 s from now.
    clock.advance(minutes=10)
    assert housekeeping(app) == 0
    clock.advance(seconds=1400 - 600)
    assert housekeeping(app) == 0
    clock.advance(seconds=1)
    assert housekeeping(app) == 1
    smtp.start()
    run_queue(app)
    assert smtp.mailbox.recipients() == ["wes@example.org"]
    with app.app_context():
        assert db.session.get(Job, welcome_job).attempts == 3


def test_a_job_whose_worker_dies_every_time_is_given_up_and_hr_sees_it(
    app, api, people, smtp, clock, queued_by_hand
):
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp, raters=ONE_RATER)
    huey.flush()
    job_id = _job(app, "rater0@example.org").id
    for _ in range(MAX_ATTEMPTS):  # say, an email whose sending crashes its worker
        assert _claim(app, job_id)
        clock.advance(minutes=2, seconds=1)
    assert housekeeping(app) == 1  # Maya's invitation only
    run_queue(app)
    assert smtp.mailbox.recipients() == ["maya@example.org"]
    job = _job(app, "rater0@example.org")
    assert (job.status, job.attempts) == ("failed", 10)
    assert job.last_error == "given up after 10 attempts"
    as_hr = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    [rater] = [r for r in as_hr["raters"] if r["email"] == "rater0@example.org"]
    assert (rater["delivery_status"], rater["delivery_error"]) == ("failed", job.last_error)
    clock.advance(hours=1)
    assert housekeeping(app) == 0


def test_an_unwritable_outbox_is_a_delivery_failure_tried_again(
    app, api, people, tmp_path, monkeypatch
):
    hr, _ = people
    (tmp_path / "outbox").write_text("a file where the outbox folder should be")
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path))
    created = api.create_round(hr, subject_email="maya@example.org", raters=ONE_RATER)
    # No mail server: the emails go to the outbox folder, which cannot be made.
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr).status_code == 200
    job = _job(app, "rater0@example.org")
    assert (job.status, job.claimed_at) == ("retrying", None)
    assert job.last_error.startswith("outbox not writable")


def test_a_starting_worker_sweeps_now_and_once_a_dead_workers_claims_are_stale(
    app, clock, queued_by_hand, monkeypatch
):
    monkeypatch.setattr(tasks, "_started", threading.Lock())  # as in a new process
    before = huey_now()
    tasks.requeue_lost_jobs_on_start()
    tasks.requeue_lost_jobs_on_start()  # its second thread starting
    after = huey_now()
    now, later = huey.dequeue(), huey.dequeue()
    assert huey.pending_count() == 0  # the second thread queued nothing more
    assert now.name == later.name == "requeue_lost_jobs_task" and now.eta is None
    # Again once the claims of a worker that died just before are stale: 2 min + 10 s later.
    sweep_again = timedelta(minutes=2, seconds=10)
    assert before + sweep_again <= later.eta <= after + sweep_again


def huey_now() -> datetime:
    """Huey's clock (utc=True): naive UTC, real time (the app's test clock is not Huey's)."""
    return datetime.now(UTC).replace(tzinfo=None)
