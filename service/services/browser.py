"""Whether the Chromium that draws the reports' charts is there and starts: asked by the
readiness check, the preflight and a report that failed to draw, in the same words."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from reports.kaleido_server import DEFAULT_BROWSER, ChartExportError, browser_path

BROWSER_FIX = "Install Debian's chromium package or set BROWSER_PATH"
# Starting Chromium costs about 100 ms of a core; readiness is asked every few seconds.
BROWSER_CHECK_TTL_S = 60
VERSION_TIMEOUT_S = 10


def browser_problem() -> str | None:
    """Why reports cannot draw their charts, or None when the configured Chromium starts."""
    try:
        path = browser_path()
    except ChartExportError:
        return f"Chromium was not found at {_configured_browser()}"
    return browser_version(path)[1]


def _configured_browser() -> Path:
    # browser_path() raised, so the configured path is not a file: name it as configured.
    return Path(os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER)


_browser_lock = threading.Lock()
_browser_checked: dict[Path, tuple[float, tuple[str, str | None]]] = {}


def browser_version(path: Path) -> tuple[str, str | None]:
    """(version, problem) of the browser at `path`, asked at most once a minute."""
    with _browser_lock:
        seen = _browser_checked.get(path)
        if seen is not None and time.monotonic() - seen[0] < BROWSER_CHECK_TTL_S:
            return seen[1]
        found = _ask_version(path)
        _browser_checked[path] = (time.monotonic(), found)
        return found


def _ask_version(path: Path) -> tuple[str, str | None]:
    try:
        done = subprocess.run(  # noqa: S603 - the operator's configured browser
            [str(path), "--version"],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return "", f"Chromium at {path} does not start ({type(error).__name__}: {error})"
    if done.returncode != 0:
        return "", f"Chromium at {path} does not start (exit status {done.returncode})"
    lines = done.stdout.strip().splitlines()
    return (lines[0] if lines else str(path)), None


def forget_browser_checks() -> None:
    """Ask the browser again on the next check (a test that swaps BROWSER_PATH)."""
    with _browser_lock:
        _browser_checked.clear()
