"""A worker killed with kill -9 while it sends invitations: every rater still gets one.

Huey takes a task off the queue before running it, so the tasks a worker was running when it
died are gone from the queue; only the jobs table still knows they were never sent.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from service.extensions import db
from service.jobs import huey, init_jobs
from service.models import Job, Rater
from service.models.types import UTCDateTime
from service.services import notifications
from tests.conftest import in_days
from tests.service.jobs.conftest import Mailbox, SmtpServer, free_port
from tests.worker_process import running_worker

# A Redis database no other test uses (a worker on the same one would take these tasks):
# 12 is the people pages' browser test, 13 the other worker test, 14 the jobs benchmark.
REDIS_URL = "redis://127.0.0.1:6379/11"
RATERS = [
    {"name": f"Rater {n:03}", "email": f"rater{n:03}@example.org", "relationship": "peer"}
    for n in range(120)
]
EVERYONE = sorted(["maya@example.org", *(r["email"] for r in RATERS)])
# Accepted before the server starts holding each new message at RCPT; a worker has two threads.
ACCEPTED_FIRST = 40
THREADS = 2
UNFINISHED = ("queued", "retrying")
WAIT_SECONDS = 40


class HoldingMailbox(Mailbox):
    """Accepts ACCEPTED_FIRST messages, then holds each later one at RCPT (the message itself
    never sent) until released, and then refuses it for now: the client never hears a 250,
    so the message was not delivered and must be sent again."""

    def __init__(self):
        super().__init__()
        self.held: list[str] = []
        self.released = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.messages) >= ACCEPTED_FIRST and not self.released.is_set():
            self.held.append(address)
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


@pytest.fixture
def holding_smtp(app, monkeypatch):
    server = SmtpServer(HoldingMailbox(), free_port())
    server.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{server.port}")
    yield server
    server.mailbox.released.set()
    server.stop()


@pytest.fixture(params=["redis", "sqlite"])
def queue_url(request, app, monkeypatch, tmp_path):
    """The queue the API and the workers share: Redis, or the SQLite file in the instance
    folder. Yields the REDIS_URL the workers get (None for the SQLite queue)."""
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path))
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    connection = None
    if request.param == "redis":
        connection = redis.Redis.from_url(REDIS_URL)
        try:
            connection.ping()
        except redis.ConnectionError:
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL if connection else "")
    init_jobs(app)  # the next test's fixture puts the queue back in immediate mode
    yield REDIS_URL if connection else None
    if connection is not None:
        connection.flushdb()
        connection.close()


def _jobs(app) -> list[tuple[str, str, str, int]]:
    """(rater email, job id, status, attempts) of every job, as the database has them now."""
    with app.app_context():
        db.session.remove()
        rows = db.session.execute(
            select(Rater.email, Job.id, Job.status, Job.attempts).join(
                Rater, Job.rater_id == Rater.id
            )
        ).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def _queued_job_ids() -> set[str]:
    """The jobs whose task waits in the shared queue."""
    tasks = [huey.deserialize_task(data) for data in huey.storage.enqueued_items()]
    return {task.args[0] for task in tasks if task.name.endswith("run_job_task")}


def _wait_until(condition, worker, what: str, app, mailbox) -> None:
    """Poll until the condition holds; fail, saying where things stand, if it never does (or
    if the worker exits)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.poll() is None, worker.stdout.read()
        if time.monotonic() > deadline:
            statuses = Counter((status, tries) for _, _, status, tries in _jobs(app))
            worker.kill()
            output = worker.communicate()[0][-4000:]
            pytest.fail(
                f"still waiting for {what}: {len(mailbox.messages)} delivered, held "
                f"{mailbox.held}, jobs by (status, attempts) {dict(statuses)}, queue "
                f"{huey.pending_count()}; the worker said: {output}"
            )
        time.sleep(0.05)


def _time_passes(app, delta: timedelta) -> None:
    """Every time recorded on the unfinished jobs moves `delta` into the past: the next
    worker starts that much after the first one died."""
    with app.app_context():
        stamps = [c.key for c in Job.__table__.columns if isinstance(c.type, UTCDateTime)]
        for job in db.session.scalars(select(Job).where(Job.status.in_(UNFINISHED))):
            for name in stamps:
                if getattr(job, name) is not None:
                    setattr(job, name, getattr(job, name) - delta)
        db.session.commit()
        db.session.remove()


def test_a_worker_killed_while_sending_loses_no_invitation(
    app, api, people, database_url, queue_url, holding_smtp, tmp_path
):
    hr, _ = people
    mailbox = holding_smtp.mailbox
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=RATERS, deadline=in_days(14)
    )
    settings = {"INSTANCE_PATH": str(tmp_path), "SMTP_URL": app.config["SMTP_URL"]}

    with running_worker(app, database_url, queue_url, **settings) as first:
        launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
        assert launched.status_code == 200
        _wait_until(
            lambda: len(mailbox.held) == THREADS, first, "both threads mid-send", app, mailbox
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
    mailbox.released.set()

    # The attack as it was found: the two jobs being sent are neither sent nor queued.
    jobs = _jobs(app)
    unfinished = {job_id: email for email, job_id, status, _ in jobs if status in UNFINISHED}
    lost = {email for job_id, email in unfinished.items() if job_id not in _queued_job_ids()}
    assert lost == set(mailbox.held)
    assert len(unfinished) == len(EVERYONE) - len(mailbox.messages)

    # The next worker starts just over STALE_AFTER later: by then the dead worker's claims,
    # and the tasks still queued, count as lost, so the new worker queues every unsent job
    # again, beside the tasks still waiting. Each must still be sent once.
    _time_passes(app, notifications.STALE_AFTER + timedelta(seconds=1))
    with running_worker(app, database_url, queue_url, **settings) as second:

        def all_sent() -> bool:
            return {status for _, _, status, _ in _jobs(app)} == {"sent"}

        _wait_until(all_sent, second, "every job to be sent", app, mailbox)
        _wait_until(lambda: huey.pending_count() == 0, second, "the queue to empty", app, mailbox)
        # Stop gracefully: any copy of a task still running finishes before we count.
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=WAIT_SECONDS)

    assert mailbox.recipients() == EVERYONE  # everyone invited exactly once
    attempts = {email: tries for email, _, _, tries in _jobs(app)}
    # The killed worker's attempt counts: the two it was sending took a second one.
    assert sorted(email for email, tries in attempts.items() if tries == 2) == sorted(lost)
    assert set(attempts.values()) == {1, 2}
