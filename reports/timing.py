"""How long each stage of a report took, in the log (INFO), to see where rendering time goes."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed_stage(logger: logging.Logger, name: str) -> Iterator[None]:
    """Log "report stage: <name> in <ms> ms" once the block is done."""
    started = time.perf_counter()
    yield
    logger.info("report stage: %s in %.1f ms", name, (time.perf_counter() - started) * 1000)
