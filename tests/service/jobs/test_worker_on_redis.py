"""A real worker: `feedback360 worker` on Redis, fed by the API, sending to a real SMTP server."""

from __future__ import annotations

import time

import pytest
import redis
from sqlalchemy import select

from service.extensions import db
from service.jobs import init_jobs
from service.models import Job
from tests.service.jobs.conftest import launch_round, link_token
from tests.worker_process import running_worker

# A database of its own, so the test never touches another queue on the same Redis.
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_queue(app, monkeypatch):
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    init_jobs(app)  # the next test's fixture puts the queue back in immediate mode
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def worker(app, database_url, redis_queue, smtp, tmp_path):
    with running_worker(
        app,
        database_url,
        REDIS_URL,
        INSTANCE_PATH=str(tmp_path),
        SMTP_URL=app.config["SMTP_URL"],
    ) as process:
        yield process


def test_the_worker_delivers_what_the_api_queued(app, api, people, smtp, worker):
    hr, _ = people
    launch_round(api, hr, smtp)  # answers at once: 8 invitations wait in Redis

    def statuses() -> list[str]:
        with app.app_context():
            db.session.remove()
            found = [job.status for job in db.session.scalars(select(Job))]
            db.session.remove()
            return found

    # A job is marked sent just after its message reaches the server: wait for both.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        len(smtp.mailbox.messages) < 8 or statuses() != ["sent"] * 8
    ):
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.1)
    assert len(smtp.mailbox.messages) == 8
    assert statuses() == ["sent"] * 8
    for message in smtp.mailbox.messages:
        assert api.survey(link_token(message))["response_status"] == "pending"
