"""A worker stopped with SIGTERM finishes the emails in hand and leaves the rest queued; one
killed with SIGKILL after the mail server took a message never sends it again."""

from __future__ import annotations

import asyncio
import queue
import signal
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from service.extensions import db
from service.jobs import huey, init_jobs
from service.models import Job, Rater
from service.services import notifications
from tests.conftest import in_days
from tests.service.jobs.conftest import SEVEN_RATERS, Mailbox, SmtpServer, free_port
from tests.service.jobs.test_worker_killed import _time_passes
from tests.worker_process import running_worker

THREADS = 2  # running_worker's --workers
WAIT_SECONDS = 40
# Six raters and Maya's own self-assessment: seven invitations.
RATERS = SEVEN_RATERS[:6]
EVERYONE = sorted(["maya@example.org", *(r["email"] for r in RATERS)])
STOPPING = "Shutting down gracefully"  # Huey logs it once the threads are told to stop


class HoldingMailbox(Mailbox):
    """Holds each message at DATA (received, not yet answered) or, once accepted, the QUIT
    after it, until the test releases them."""

    def __init__(self, hold: str):
        super().__init__()
        self.hold = hold
        self.held: list[str] = []
        self.released = threading.Event()

    async def _wait(self, what: str) -> None:
        self.held.append(what)
        while not self.released.is_set():
            await asyncio.sleep(0.01)

    async def handle_DATA(self, server, session, envelope):
        if self.hold == "DATA":
            await self._wait(envelope.rcpt_tos[0])
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):
        if self.hold == "QUIT":
            await self._wait("QUIT")
        return "221 Bye"


@pytest.fixture
def sqlite_queue(app, monkeypatch, tmp_path):
    """The queue the API and the worker share: the SQLite file in the instance folder."""
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path))
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    init_jobs(app)  # the next test's fixture puts the queue back in immediate mode


def _holding_server(app, monkeypatch, hold: str):
    server = SmtpServer(HoldingMailbox(hold), free_port())
    server.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{server.port}")
    return server


@pytest.fixture
def data_held(app, monkeypatch):
    server = _holding_server(app, monkeypatch, "DATA")
    yield server.mailbox
    server.mailbox.released.set()
    server.stop()


@pytest.fixture
def quit_held(app, monkeypatch):
    server = _holding_server(app, monkeypatch, "QUIT")
    yield server.mailbox
    server.mailbox.released.set()
    server.stop()


class Output:
    """The worker's output lines, read as they come (a thread, so waiting has a deadline)."""

    def __init__(self, process):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not any(text in line for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"the worker never said {text!r}; it said: {''.join(self.seen)}")
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                continue


def _wait_until(condition, worker, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.poll() is None, f"the worker exited while waiting for {what}"
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"still waiting for {what}: {worker.communicate()[0][-4000:]}")
        time.sleep(0.05)


def _jobs(app) -> dict[str, tuple[str, int]]:
    """(status, attempts) of each invitation job by the rater's email."""
    with app.app_context():
        db.session.remove()
        rows = db.session.execute(
            select(Rater.email, Job.status, Job.attempts).join(Rater, Job.rater_id == Rater.id)
        ).all()
        db.session.remove()
    return {email: (status, attempts) for email, status, attempts in rows}


def _launch(api, hr) -> None:
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=RATERS, deadline=in_days(14)
    )
    launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    assert launched.status_code == 200, launched.get_json()


def test_sigterm_finishes_the_emails_in_hand_and_leaves_the_rest_queued(
    app, api, people, database_url, sqlite_queue, data_held, tmp_path
):
    hr, _ = people
    settings = {"INSTANCE_PATH": str(tmp_path), "SMTP_URL": app.config["SMTP_URL"]}

    with running_worker(app, database_url, None, **settings) as worker:
        output = Output(worker)
        _launch(api, hr)
        # Both threads are mid-send (the server holds their DATA), the other five wait.
        _wait_until(lambda: len(data_held.held) == THREADS, worker, "both threads at DATA")
        _wait_until(lambda: huey.pending_count() == len(EVERYONE) - THREADS, worker, "5 queued")
        worker.send_signal(signal.SIGTERM)
        output.wait_for(STOPPING)  # the threads are told to stop, before the server answers
        data_held.released.set()
        assert worker.wait(timeout=WAIT_SECONDS) == 0

    # The two emails in hand were delivered, once each, and recorded as sent.
    assert data_held.recipients() == sorted(data_held.held)
    jobs = _jobs(app)
    assert {email for email, job in jobs.items() if job == ("sent", 1)} == set(data_held.held)
    # The worker took no other job after the signal: they wait, untried, in the queue.
    untouched = {email for email, job in jobs.items() if job == ("queued", 0)}
    assert untouched == set(EVERYONE) - set(data_held.held)
    assert huey.pending_count() == len(untouched)

    # The next worker sends them, and nobody gets a second email.
    with running_worker(app, database_url, None, **settings) as worker:
        _wait_until(lambda: huey.pending_count() == 0, worker, "the queue to empty")
        _wait_until(
            lambda: {job for job in _jobs(app).values()} <= {("sent", 1)}, worker, "all sent"
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=WAIT_SECONDS) == 0
    assert data_held.recipients() == EVERYONE


def test_a_worker_killed_after_the_server_took_the_email_does_not_send_it_again(
    app, api, people, database_url, sqlite_queue, quit_held, tmp_path
):
    hr, _ = people
    settings = {"INSTANCE_PATH": str(tmp_path), "SMTP_URL": app.config["SMTP_URL"]}

    with running_worker(app, database_url, None, **settings) as worker:
        _launch(api, hr)
        # Two messages accepted (250 to DATA); the server holds the goodbye after each.
        _wait_until(lambda: len(quit_held.held) == THREADS, worker, "two QUITs held")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    quit_held.released.set()
    delivered = quit_held.recipients()
    assert len(delivered) == THREADS

    # Recorded as sent before the goodbye, so the kill left nothing claimed to redo.
    jobs = _jobs(app)
    assert {email for email, job in jobs.items() if job == ("sent", 1)} == set(delivered)
    _time_passes(app, notifications.STALE_AFTER + timedelta(seconds=1))
    with app.app_context():
        # Only the tasks still waiting in the queue are queued again (never begun, lost).
        assert notifications.requeue_lost_jobs() == len(EVERYONE) - THREADS
    assert _jobs(app) == jobs  # the two sent stay sent, tried once
