"""A real `feedback360 worker` process for the tests that need one, on the test database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FEEDBACK360 = Path(sys.executable).parent / "feedback360"


@contextmanager
def running_worker(app, database_url: str, redis_url: str | None, **settings: str) -> Iterator:
    """Run `feedback360 worker` with the app's settings (and these), then stop it: on Redis,
    or without redis_url on the SQLite queue file in INSTANCE_PATH."""
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-secret",
        "INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "REDIS_URL": redis_url or "",
        "BASE_URL": app.config["BASE_URL"],
        **settings,
    }
    environ.pop("JOBS_IMMEDIATE", None)
    process = subprocess.Popen(
        [shutil.which("feedback360") or str(FEEDBACK360), "worker", "--workers", "2"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
