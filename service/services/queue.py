"""The one way a use case hands work to the background queue: enqueue(work, *ids).

A use case commits first, then names the work and the ids it needs. It never imports the
queue's tasks, which import the use cases to run them: the jobs set-up (init_jobs, called by
create_app) plugs a task in for each kind of work below, on the app, and the app's settings
decide there what queueing means (a worker's Redis or SQLite queue, or running at once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, current_app

SEND_EMAIL = "send_email"  # one email job, by its id
SEND_EMAILS = "send_emails"  # many email jobs in one message (their ids), split by the worker
RENDER_REPORT = "render_report"  # a closed round's stored report, by the round's id
BUILD_EXPORT = "build_export"  # an export's ZIP, by the export's id
WORK = frozenset({SEND_EMAIL, SEND_EMAILS, RENDER_REPORT, BUILD_EXPORT})

EXTENSION = "feedback360.queue"


def plug_in(app: Flask, tasks: Mapping[str, Callable[..., object]]) -> None:
    """Give the app the task that queues each kind of work. Every kind needs exactly one, so
    a missing task fails as the app is created, not when someone first asks for that work."""
    missing, unknown = WORK - set(tasks), set(tasks) - WORK
    if missing or unknown:
        raise RuntimeError(
            f"the queue needs one task for each kind of work: missing {sorted(missing)}, "
            f"unknown {sorted(unknown)}"
        )
    app.extensions[EXTENSION] = dict(tasks)


def enqueue(work: str, *args) -> None:
    """Queue the work for the worker (or run it now when the app runs jobs immediately).
    Call it after the commit: the task reads what the use case wrote."""
    tasks = current_app.extensions.get(EXTENSION)
    if tasks is None:
        raise RuntimeError("no queue is plugged into this app: create_app sets it up")
    tasks[work](*args)
