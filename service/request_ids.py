"""X-Request-ID: every request gets an id (the client's, when it is a plain one, else a new
one), answered in the response header, written on its log lines and carried into the jobs it
queues, whose log lines name it too.

The id lives in a context variable, not in Flask's `g`: a job run at once inside a request
pushes an app context of its own (and so a new `g`), and a worker's job has no request at
all. The queue carries it as a keyword of the task (REQUEST_ID_KWARG), taken off before the
task's function runs and put back afterwards, so a retry carries it again.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar

from flask import Flask, g, request
from huey import signals

HEADER = "X-Request-ID"
# What a client's id may be: it lands in log lines and headers, so nothing else is trusted.
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_ID_KWARG = "_request_id"

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def valid_request_id(value: str | None) -> str | None:
    """The client's id when it is 1–64 characters of letters, digits, '.', '_' or '-'."""
    return value if value is not None and _VALID.fullmatch(value) else None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request, or of the job, being served; None outside both."""
    return _current.get()


def request_seconds() -> float:
    """How long the current request has taken so far."""
    return time.perf_counter() - g.request_started


def _begin_request() -> None:
    request_id = valid_request_id(request.headers.get(HEADER)) or new_request_id()
    g.request_started = time.perf_counter()
    g.request_id_token = _current.set(request_id)


def _answer_with_id(response):
    request_id = current_request_id()
    if request_id is not None:
        response.headers[HEADER] = request_id
    return response


def _end_request(_error=None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        _current.reset(token)


def _carry_into_task(_signal, task, *_args) -> None:
    """On enqueueing: the task takes the id of the request (or job) that queued it."""
    request_id = current_request_id()
    if request_id is not None and REQUEST_ID_KWARG not in task.kwargs:
        task.kwargs[REQUEST_ID_KWARG] = request_id


def _adopt_for_run(task) -> None:
    """Before the task runs: its function never sees the id; the run's log lines do."""
    task.request_id = task.kwargs.pop(REQUEST_ID_KWARG, None)
    task.request_id_token = _current.set(task.request_id)


def _keep_for_retry(task, _value, _error) -> None:
    request_id = getattr(task, "request_id", None)
    if request_id is not None:
        task.kwargs[REQUEST_ID_KWARG] = request_id
    token = getattr(task, "request_id_token", None)
    if token is not None:
        _current.reset(token)
        task.request_id_token = None


def carry_request_ids(queue) -> None:
    """Make the Huey queue carry request ids into its tasks (once per queue)."""
    if getattr(queue, "carries_request_ids", False):
        return
    queue.signal(signals.SIGNAL_ENQUEUED)(_carry_into_task)
    queue.pre_execute("adopt_request_id")(_adopt_for_run)
    queue.post_execute("keep_request_id")(_keep_for_retry)
    queue.carries_request_ids = True


def init_request_ids(app: Flask) -> None:
    """Every request of the app gets its id (create_app calls this before anything else
    that logs or times a request)."""
    # Here, not at the top: the queue's package loads the tasks, which reach service.metrics,
    # which imports this module.
    from service.jobs.huey_queue import huey

    app.before_request(_begin_request)
    app.after_request(_answer_with_id)
    app.teardown_request(_end_request)
    carry_request_ids(huey)
