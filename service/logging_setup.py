"""The app's logs: one line per request and per job run, as JSON (LOG_FORMAT=json, the
default) or plain text (LOG_FORMAT=text, the default in debug mode), each with its request
id, and never a secret.

A request's line holds its method, path (survey, pulse and sign-in tokens masked), status,
duration and the caller (a person's id, or "rater"); never its body, its query's values,
its headers or cookies. Every line written through the app's loggers, and the development
server's own access log, passes the masking of service.access_log, the one place that knows
where tokens hide.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, request

from service.access_log import APP_LOGGER, MaskTokenLinks, mask_token_links
from service.config import ConfigurationError
from service.jobs.huey_queue import huey
from service.request_ids import current_request_id, request_seconds

LOG_FORMATS = ("json", "text")
REQUEST_LOGGER = f"{APP_LOGGER}.requests"
JOB_LOGGER = f"{APP_LOGGER}.jobs.runs"
# The development server (`feedback360 run`) writes its own access line with the full path.
DEV_SERVER_LOGGER = "werkzeug"
RATER = "rater"
# Pages a rater reaches from a link, signed in by it rather than as a person.
RATER_PATHS = ("/s/", "/p/", "/survey", "/pulse", "/api/v1/survey", "/api/v1/pulse/")
# Standard LogRecord attributes: anything else on a record came in `extra` and is a field.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


def log_format(app: Flask) -> str:
    """LOG_FORMAT from the app's config or the environment; text in debug mode, else JSON."""
    chosen = app.config.get("LOG_FORMAT") or os.environ.get("LOG_FORMAT") or ""
    chosen = chosen.strip().lower() or ("text" if app.debug else "json")
    if chosen not in LOG_FORMATS:
        raise ConfigurationError(f"LOG_FORMAT must be json or text, got {chosen!r}")
    return chosen


def _fields(record: logging.LogRecord) -> dict:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            **_fields(record),
        }
        if record.exc_info or record.exc_text:
            line["error"] = mask_token_links(
                record.exc_text or self.formatException(record.exc_info)
            )
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """A readable line: time, level, logger, request id, message, then the fields."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        record.request_id = fields.pop("request_id", None) or current_request_id() or "-"
        text = super().format(record)
        if fields:
            text += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        return mask_token_links(text)


class _AppLogHandler(logging.StreamHandler):
    """The app's one handler on standard error (kept across create_app calls)."""


def _install_handler(app: Flask) -> None:
    app_logger = logging.getLogger(APP_LOGGER)
    handler = next((h for h in app_logger.handlers if isinstance(h, _AppLogHandler)), None)
    if handler is None:
        handler = _AppLogHandler(sys.stderr)
        # Masks what any of the app's loggers writes, a traceback's URL included.
        handler.addFilter(MaskTokenLinks())
        app_logger.addHandler(handler)
    handler.setFormatter(JsonFormatter() if log_format(app) == "json" else TextFormatter())
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    # Records logged on these loggers themselves (Flask's "Exception on <path>", the
    # development server's request line) are masked before any handler sees them.
    for name in (APP_LOGGER, DEV_SERVER_LOGGER):
        logger = logging.getLogger(name)
        if not any(isinstance(kept, MaskTokenLinks) for kept in logger.filters):
            logger.addFilter(MaskTokenLinks())


def log_caller_as(who: str) -> None:
    """Name the caller of this request in its log line: a person's id, or "rater"."""
    g.log_caller = who


def _caller() -> str | None:
    if "log_caller" in g:
        return g.log_caller
    person = g.get("person")
    if person is not None:
        return person.id
    return RATER if request.path.startswith(RATER_PATHS) else None


def _log_request(response):
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s",
        request.method,
        mask_token_links(request.path),
        response.status_code,
        extra={
            "method": request.method,
            "path": mask_token_links(request.path),
            "status": response.status_code,
            "duration_ms": round(request_seconds() * 1000, 1),
            "user": _caller(),
            "request_id": current_request_id(),
        },
    )
    return response


def _start_job_clock(task) -> None:
    task.log_started = time.perf_counter()


def _log_job_run(task, _value, error) -> None:
    status = "done" if error is None else "retrying" if task.retries else "failed"
    target = task.args[0] if task.args and isinstance(task.args[0], str) else None
    started = getattr(task, "log_started", None)
    logging.getLogger(JOB_LOGGER).log(
        logging.INFO if error is None else logging.WARNING,
        "job %s %s %s",
        task.name,
        task.id,
        status,
        extra={
            "kind": task.name,
            "job_id": task.id,
            "target": target,
            "status": status,
            "duration_ms": None
            if started is None
            else round((time.perf_counter() - started) * 1000, 1),
            "request_id": getattr(task, "request_id", None),
        },
    )


def log_job_runs(queue) -> None:
    """A log line for every run of a task of the queue (once per queue)."""
    if getattr(queue, "logs_job_runs", False):
        return
    queue.pre_execute("start_job_clock")(_start_job_clock)
    queue.post_execute("log_job_run")(_log_job_run)
    queue.logs_job_runs = True


def init_logging(app: Flask) -> None:
    """The app's log handler and format, its request lines, and its jobs' lines."""
    _install_handler(app)
    app.after_request(_log_request)
    log_job_runs(huey)
