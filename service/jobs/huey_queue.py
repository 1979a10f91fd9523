"""The process's Huey queue, bound to the app whose settings chose where it queues."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

QUEUE_FILE = "jobs.sqlite3"


class AppQueue(Huey):
    """Huey, plus the app it serves.

    Tasks are declared on this one object at import time, so it starts in memory and running
    tasks at once; bind(app), from init_jobs, points it at the deployment's queue. The app is
    kept here, on the queue, because the queue is what both sides share: the app queues work
    on it, and a worker's threads (which Huey starts with no Flask app context: contexts are
    per thread) run its tasks and ask its schedule whether the housekeeping is due.
    """

    def __init__(self, name: str):
        # Results are not kept: a job's state lives in the database (the jobs table).
        super().__init__(name, immediate=True, storage_class=MemoryStorage, utc=True, results=False)
        self.app: Flask | None = None

    def bind(self, app: Flask) -> None:
        """Serve this app: run tasks at once (JOBS_IMMEDIATE), or queue them in Redis when
        REDIS_URL is set, else in the SQLite file in the instance folder."""
        self.app = app
        if app.config["JOBS_IMMEDIATE"]:
            # Memory behind it, so switching immediate off by hand gives a private queue,
            # never the Redis or SQLite queue of an app bound earlier.
            self.storage_class, self.storage_kwargs = MemoryStorage, {}
            self.immediate = True
            return
        if app.config["REDIS_URL"]:
            self.storage_class = RedisStorage
            self.storage_kwargs = {"url": app.config["REDIS_URL"]}
        else:
            self.storage_class = SqliteStorage
            self.storage_kwargs = {"filename": str(Path(app.config["INSTANCE_PATH"]) / QUEUE_FILE)}
        if self.immediate:
            self.immediate = False  # Huey's setter builds the storage chosen above
        else:
            self.storage = self.create_storage()  # queueing already, elsewhere: rebuilt here

    def task_app(self) -> Flask:
        """The app a task runs in: the current one when a request runs it at once (or a test
        runs it by hand), else the bound one, as in a worker's threads."""
        if has_app_context():
            return current_app._get_current_object()
        if self.app is None:
            raise RuntimeError("create_app() must run before jobs execute")
        return self.app

    def in_app_context(self, function):
        """Run a task inside a fresh app context (and so its own database session)."""

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.task_app().app_context():
                return function(*args, **kwargs)

        return wrapper

    def housekeeping_due(self, timestamp: datetime) -> bool:
        """Every HOUSEKEEPING_MINUTES minutes (Huey's scheduler asks once a minute)."""
        minutes = self.task_app().config["HOUSEKEEPING_MINUTES"]
        return (timestamp.hour * 60 + timestamp.minute) % minutes == 0


huey = AppQueue("feedback360")
