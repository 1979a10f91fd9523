"""One warm headless Chromium per process, driven by kaleido, that turns plotly figures into SVG."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import kaleido

logger = logging.getLogger(__name__)

DEFAULT_BROWSER = Path("/usr/bin/chromium")  # Debian's chromium package
# kaleido reloads its page (and so parses plotly.js again) after every figure: about 130 ms of
# the 150 ms a figure takes. Plotly.toImage draws each figure on a fresh detached element, so the
# page can serve many figures; an occasional reload still bounds whatever the page accumulates.
RENDERS_PER_RELOAD = 500
FIGURE_TIMEOUT_S = 30
START_TIMEOUT_S = 60


class ChartExportError(RuntimeError):
    """The browser is missing, did not start, or could not draw a figure."""


def browser_path() -> Path:
    """The Chromium to drive: BROWSER_PATH, else Debian's; never a downloaded copy."""
    path = Path(os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER)
    if not path.is_file():
        raise ChartExportError(
            f"no Chromium at {path}: install Debian's chromium package, or set BROWSER_PATH "
            "to a Chromium or Chrome executable"
        )
    return path


def submit_svgs(figures: Sequence[tuple[Mapping[str, Any], int, int]]) -> Future[list[str]]:
    """Start drawing (figure dict, width px, height px) in one trip to the warm browser; the
    future holds their SVG documents, or a ChartExportError.

    The browser starts on the first call of the process, and again after a fork or a failure.
    Starting and replacing it take turns under a lock; every figure is then drawn on the
    server's own event-loop thread, which is what keeps kaleido (not thread-safe) on one thread.
    """
    global _server
    with _lock:
        if _server is None or _server.pid != os.getpid() or _server.failed:
            if _server is not None and _server.pid == os.getpid():
                _server.close()
            _server = _Server(browser_path())
        return _server.submit(figures)


def stop() -> None:
    """Close this process's browser, if one runs (at exit, and for tests)."""
    global _server
    with _lock:
        if _server is not None and _server.pid == os.getpid():
            _server.close()
        _server = None


class _PageReusingKaleido(kaleido.Kaleido):
    """Kaleido that keeps its page between figures, reloading it every RENDERS_PER_RELOAD,
    and keeps no record of message timings."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._renders = 0

    async def _return_kaleido_tab(self, tab: Any) -> None:
        # kaleido's own hook, called after every figure. Should a kaleido release rename it,
        # this override is just not called: exports stay right, only slower.
        self._renders += 1
        self._forget_message_timings()
        if self._renders % RENDERS_PER_RELOAD:
            await self.tabs_ready.put(tab)
        else:
            await super()._return_kaleido_tab(tab)

    def _forget_message_timings(self) -> None:
        # choreographer times every DevTools message for callers that ask for it
        # (with_perf=True), keeping up to 5,000 of them: about 3 KB more memory a report
        # until some 600 reports in. Kaleido never asks, so the record is emptied after each
        # figure; there is nothing to empty should a release rename or drop it.
        broker = getattr(self, "_broker", None)
        for timings in (getattr(broker, "write_perfs", None), getattr(broker, "read_perfs", None)):
            if isinstance(timings, dict):
                timings.clear()


class _Server:
    """A kaleido browser on an event-loop thread of its own.

    The browser starts in the background: a first report lays out its pages meanwhile, and
    its charts wait for the browser only when they are needed.
    """

    def __init__(self, browser: Path) -> None:
        self.pid = os.getpid()
        self.failed = False
        self._browser = browser
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="kaleido-server", daemon=True
        )
        self._thread.start()
        self._opened = asyncio.run_coroutine_threadsafe(self._open(browser), self._loop)

    @staticmethod
    async def _open(browser: Path) -> kaleido.Kaleido:
        started = time.perf_counter()
        # mathjax=False: the figures hold no LaTeX, and kaleido would fetch MathJax from a CDN.
        # plotly.js comes from the installed plotly package (kaleido's default).
        opened = _PageReusingKaleido(
            n=1, mathjax=False, path=str(browser), timeout=FIGURE_TIMEOUT_S
        )
        try:
            await asyncio.wait_for(opened.open(), START_TIMEOUT_S)
        except Exception as error:
            raise ChartExportError(f"could not start Chromium at {browser}: {error}") from error
        # Close the browser at exit before tempfile removes its profile folder under it. atexit
        # runs the last registered first, and that folder's clean-up was registered during
        # open(): registering now (again, for a restarted browser) puts stop() ahead of it.
        atexit.unregister(stop)
        atexit.register(stop)
        logger.info(
            "kaleido server started with %s in %.0f ms",
            browser,
            (time.perf_counter() - started) * 1000,
        )
        return opened

    def submit(self, figures: Sequence[tuple[Mapping[str, Any], int, int]]) -> Future[list[str]]:
        return asyncio.run_coroutine_threadsafe(self._render(figures), self._loop)

    async def _render(self, figures: Sequence[tuple[Mapping[str, Any], int, int]]) -> list[str]:
        # A draw can fail for a reason of the browser's, not the figures': it crashed or was
        # killed, or on a busy machine kaleido sent the first figure before its page script
        # had loaded ("kaleido_scopes is not defined"). One retry on a new browser turns
        # those into a slower export instead of a failed report.
        opened = self._opened
        try:
            return await self._draw(opened, figures)
        except ChartExportError:
            self.failed = True  # the browser did not start: the next call tries a new one
            raise
        except Exception as error:
            logger.warning("chart export failed (%s); retrying on a new browser", error)
            await self._replace(opened)
        try:
            return await self._draw(self._opened, figures)
        except Exception as error:
            # A browser that failed twice is not trusted again: the next call starts anew.
            self.failed = True
            if isinstance(error, ChartExportError):
                raise
            raise ChartExportError(f"chart export failed: {error}") from error

    @staticmethod
    async def _draw(
        opened: Future[kaleido.Kaleido], figures: Sequence[tuple[Mapping[str, Any], int, int]]
    ) -> list[str]:
        browser = await asyncio.wrap_future(opened)
        rendered = await asyncio.gather(
            *(
                browser.calc_fig(figure, opts={"format": "svg", "width": width, "height": height})
                for figure, width, height in figures
            )
        )
        return [svg.decode("utf-8") for svg in rendered]

    async def _replace(self, failed: Future[kaleido.Kaleido]) -> None:
        """A new browser in place of the failed one, unless a concurrent draw replaced it."""
        if self._opened is not failed:
            return
        self._opened = asyncio.run_coroutine_threadsafe(self._open(self._browser), self._loop)
        try:
            await failed.result().close()
        except Exception:  # it may be dead already; what matters is the new one
            logger.warning("closing the failed kaleido browser failed", exc_info=True)

    def close(self) -> None:
        try:
            browser = self._opened.result(START_TIMEOUT_S)
            asyncio.run_coroutine_threadsafe(browser.close(), self._loop).result(START_TIMEOUT_S)
        except Exception:  # the browser may be what failed; the process must still exit cleanly
            logger.warning("closing the kaleido browser failed", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT_S)
        self._loop.close()


_lock = threading.Lock()
_server: _Server | None = None
