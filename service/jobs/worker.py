"""The worker process: Huey's consumer on threads, stopped gracefully by SIGTERM."""

from __future__ import annotations

import logging

from service.access_log import APP_LOGGER
from service.jobs.huey_queue import huey

# SIGTERM (what `docker stop`, systemd and Kubernetes send) lets each thread finish the job
# in hand and take no other; the jobs still queued wait for the next worker. SIGINT stops
# at once (a job cut short is sent again later: see notifications.STALE_AFTER).
GRACEFUL_SIGNAL = "TERM"
# Huey's own lines worth an operator's eye: started, signal received, stopping, stopped.
CONSUMER_LOGGER = "huey.consumer"


def _log_consumer_through_the_app() -> None:
    """The consumer's lines go out through the app's handler, in the app's format."""
    consumer_log = logging.getLogger(CONSUMER_LOGGER)
    for handler in logging.getLogger(APP_LOGGER).handlers:
        if handler not in consumer_log.handlers:
            consumer_log.addHandler(handler)
    consumer_log.setLevel(logging.INFO)
    consumer_log.propagate = False


def run_worker(threads: int) -> None:
    """Run queued jobs and the periodic housekeeping until a signal stops the process."""
    _log_consumer_through_the_app()
    # Threads, not processes: the app (and its database engine) is created once, here.
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=True, graceful_signal=GRACEFUL_SIGNAL
    )
    consumer.run()
