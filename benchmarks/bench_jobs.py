"""Prints the launch API's latency with emails queued, and one worker's email throughput.

    .venv/bin/python benchmarks/bench_jobs.py [--launches 60] [--invitations 1000]
        [--threads 2] [--redis redis://127.0.0.1:6379/14]

1. Launching a round of 12 raters (the subject and 11 others) through the API, in process,
   on SQLite with the embedded SQLite queue: median and p95 latency. Goal: median <= 50 ms.
2. 1,000 invitations delivered by one `feedback360 worker` (a subprocess, its default
   threads) to an aiosmtpd server on loopback: the time from the worker's start to the last
   message received. Goal: <= 30 s. The queue is the embedded SQLite file, or Redis with
   --redis.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select

from service import create_app
from service.extensions import db
from service.models import Job
from service.services.people import create_person, issue_api_token
from service.services.rounds import create_round, launch_round

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.service.jobs.conftest import free_port

OTHER_RATERS = 11


class Counter:
    def __init__(self):
        self.received = 0
        self.last_at = 0.0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        self.last_at = time.monotonic()
        return "250 Message accepted"


def make_app(instance: str, **settings):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
            "SECRET_KEY": secrets.token_hex(32),
            "INSTANCE_PATH": instance,
            "BASE_URL": "http://feedback360.bench",
            **settings,
        }
    )
    with app.app_context():
        upgrade()
    return app


def new_round(hr_id: str, tag: str, raters: int):
    return create_round(
        hr_id,
        deadline=datetime.now(UTC) + timedelta(days=14),
        raters=[
            {
                "name": f"Rater {tag}-{n}",
                "email": f"r{tag}-{n}@bench.example",
                "relationship": "peer",
            }
            for n in range(raters)
        ],
    )


def bench_launch(launches: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as instance:
        app = make_app(instance)
        client = app.test_client()
        with app.app_context():
            hr = create_person("hr@bench.example", "Hana Reyes", "hr")
            token = issue_api_token(hr.id)
            round_ids = [new_round(hr.id, str(n), OTHER_RATERS).id for n in range(launches + 5)]
        headers = {"Authorization": f"Bearer {token}"}
        timings = []
        for n, round_id in enumerate(round_ids):
            start = time.perf_counter()
            response = client.post(f"/api/v1/rounds/{round_id}/launch", headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"launch failed: {response.get_json()}")
            if n >= 5:  # the first few warm up caches and the queue file
                timings.append(elapsed)
        with app.app_context():
            queued = db.session.scalar(select(func.count()).select_from(Job))
            db.engine.dispose()
        timings.sort()
        print(
            f"launch of a round of {OTHER_RATERS + 1} raters ({launches} launches, "
            f"{queued:,} emails queued): median {statistics.median(timings):.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms (goal: median <= 50 ms)"
        )


def bench_delivery(invitations: int, threads: int, redis_url: str) -> None:
    counter = Counter()
    port = free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as instance:
        app = make_app(instance, REDIS_URL=redis_url)
        if redis_url:
            from service.jobs import huey

            huey.flush()
        with app.app_context():
            hr = create_person("hr@bench.example", "Hana Reyes", "hr")
            per_round = 100
            for n in range(0, invitations, per_round):
                # Each round's subject is a rater too: per_round - 1 others plus the self.
                round_ = new_round(hr.id, str(n), min(per_round, invitations - n) - 1)
                launch_round(hr.id, round_.id)
            db.engine.dispose()
        environ = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "INSTANCE_PATH": instance,
            "REDIS_URL": redis_url,
            "SMTP_URL": f"smtp://127.0.0.1:{port}",
        }
        command = [str(Path(sys.executable).parent / "feedback360"), "worker", "-w", str(threads)]
        start = time.monotonic()
        worker = subprocess.Popen(command, env=environ, stderr=subprocess.DEVNULL)  # noqa: S603
        try:
            while counter.received < invitations and time.monotonic() - start < 300:
                time.sleep(0.05)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            smtp.stop()
        elapsed = counter.last_at - start
        with app.app_context():
            sent = db.session.scalar(select(func.count()).where(Job.status == "sent"))
            db.engine.dispose()
        queue = "Redis" if redis_url else "SQLite"
        print(
            f"{counter.received:,} of {invitations:,} invitations delivered by one worker "
            f"({threads} threads, {queue} queue) in {elapsed:.1f} s "
            f"({counter.received / elapsed:.0f}/s; {sent:,} jobs sent) (goal: <= 30 s)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=60)
    parser.add_argument("--invitations", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2, help="the worker's threads")
    parser.add_argument("--redis", default="", help="queue on this Redis instead of SQLite")
    args = parser.parse_args(argv)
    bench_launch(args.launches)
    bench_delivery(args.invitations, args.threads, args.redis)


if __name__ == "__main__":
    main()
