"""gunicorn's settings for feedback360 (`gunicorn -c python:service.gunicorn_conf
service.wsgi:app`): logs without tokens, and metrics summed over every worker.

prometheus_client's multiprocess mode needs PROMETHEUS_MULTIPROC_DIR before the app is
imported: a fresh folder is made here when none is given. A given folder is the operator's
(the worker on the same machine may write there too) and must be emptied before a start.
"""

from __future__ import annotations

import os
import tempfile

from service.access_log import TokenMaskingLogger

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

if not os.environ.get(MULTIPROC_ENV):
    os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="feedback360-metrics-")

logger_class = TokenMaskingLogger
# gunicorn's access line (tokens masked) on standard output, beside the app's own line per
# request (with its request id and caller) on standard error.
accesslog = "-"


def child_exit(_server, worker) -> None:
    """A worker that exits leaves its counts (they still add up) but not its live gauges."""
    # Imported here, never before the folder above is in the environment: prometheus_client
    # chooses its multiprocess storage when it is first imported.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
