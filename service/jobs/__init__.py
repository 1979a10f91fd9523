"""Background jobs on Huey: SQLite file queue by default, Redis when REDIS_URL is set."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

QUEUE_FILE = "jobs.sqlite3"

# Created unbound (in memory, immediate) so tasks can be declared at import time;
# init_jobs points it at the deployment's queue when an app is created. Results are not
# kept: a job's state lives in the database (the jobs table), not in the queue.
huey = Huey("feedback360", immediate=True, storage_class=MemoryStorage, utc=True, results=False)
_app: Flask | None = None


def init_jobs(app: Flask) -> None:
    global _app
    import service.jobs.tasks  # noqa: F401 - registers the tasks with huey

    _app = app
    if app.config["JOBS_IMMEDIATE"]:
        huey.immediate = True
        return
    if app.config["REDIS_URL"]:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(Path(app.config["INSTANCE_PATH"]) / QUEUE_FILE)}
    huey._immediate = False  # the property setter would not rebuild a non-memory storage
    huey.storage = huey.create_storage()


def with_app_context(function):
    """Run a task inside a fresh app context (its own database session): the current app's
    when a request runs it in immediate mode, else the worker's."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        if app is None:
            raise RuntimeError("create_app() must run before jobs execute")
        with app.app_context():
            return function(*args, **kwargs)

    return wrapper


def housekeeping_due(timestamp) -> bool:
    """Every HOUSEKEEPING_MINUTES minutes (Huey asks once a minute)."""
    minutes = _app.config["HOUSEKEEPING_MINUTES"] if _app is not None else 5
    return (timestamp.hour * 60 + timestamp.minute) % minutes == 0
