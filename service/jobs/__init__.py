"""Background jobs on Huey: SQLite file queue by default, Redis when REDIS_URL is set.

huey_queue holds the queue, tasks the work it runs. The services never import either: they
name their work through service.services.queue, and init_jobs plugs the tasks in there.
"""

from __future__ import annotations

from flask import Flask

from service.jobs.huey_queue import huey
from service.jobs.tasks import QUEUED_WORK
from service.services.queue import plug_in

__all__ = ["housekeeping_due", "huey", "init_jobs"]

housekeeping_due = huey.housekeeping_due


def init_jobs(app: Flask) -> None:
    """Point the queue at the app's (create_app calls it; tests call it again to put the
    queue back in immediate mode) and give the app's services the tasks to queue."""
    huey.bind(app)
    plug_in(app, QUEUED_WORK)
