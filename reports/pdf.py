"""The PDF engine: WeasyPrint with the report's stylesheet and fonts, fetching only its files."""

from __future__ import annotations

import base64
import logging
import mimetypes
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import weasyprint_fonts
from reports.html import STATIC_DIR
from reports.timing import timed_stage

if TYPE_CHECKING:
    from reports.svg import SVGExport

logger = logging.getLogger(__name__)
weasyprint_fonts.free_font_names()

STYLESHEET = STATIC_DIR / "report.css"
# Where the print HTML finds charts that are still being drawn: served from memory, not disk.
CHARTS_PATH = "charts"
CHARTS_DIR = STATIC_DIR / CHARTS_PATH


def chart_url(chart_id: str) -> str:
    """Where html_to_pdf finds the SVG of this chart of its `chart_svgs`."""
    return f"{CHARTS_PATH}/{chart_id}.svg"


def html_to_pdf(html: str, *, chart_svgs: SVGExport | None = None) -> bytes:
    """WeasyPrint's PDF of a print HTML report, styled by report.css: it may fetch STATIC_DIR's
    files, data: URLs, and the SVGs of `chart_svgs` at their chart_url, and nothing else."""
    fetcher = ReportURLFetcher(chart_svgs)
    with timed_stage(logger, "HTML parsed"):
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    with timed_stage(logger, "pages laid out"):
        pages = document.render(font_config=_font_config(), stylesheets=[_stylesheet()])
    with timed_stage(logger, f"{len(pages.pages)} pages written to PDF"):
        return pages.write_pdf()


class ReportURLFetcher(URLFetcher):
    """Serves the report's own assets to WeasyPrint and refuses every other URL.

    Its own assets: STATIC_DIR's files, data: URLs (charts inline), and the SVGs of the
    charts being drawn for this report. The report holds user text (comments): whatever might
    sneak a URL into it, nothing is fetched from the network or from anywhere else on disk.
    A refusal stops the rendering.
    """

    def __init__(self, chart_svgs: SVGExport | None = None) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)
        self._chart_svgs = chart_svgs

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _data_url(url)
        path = _local_path(url)
        if path is not None and self._chart_svgs is not None and path.parent == CHARTS_DIR:
            svg = self._chart_svgs.result().get(path.stem)
            if svg is not None:
                return _response(path, svg.encode("utf-8"))
        if path is None or not path.is_file() or not path.is_relative_to(STATIC_DIR):
            raise ValueError(f"the report may only use its own files, not {url!r}")
        return _response(path, path.read_bytes())


def _data_url(url: str) -> URLFetcherResponse:
    """A data: URL decoded in memory (urllib would first unquote it character by character)."""
    header, comma, payload = url.removeprefix("data:").partition(",")
    if not comma:
        raise ValueError("a data: URL without data")
    media_type, *parameters = header.split(";")
    body = base64.b64decode(payload) if "base64" in parameters else unquote_to_bytes(payload)
    return URLFetcherResponse("data:", body, headers={"Content-Type": media_type or "text/plain"})


def _font_config() -> FontConfiguration:
    """This thread's WeasyPrint font configuration, kept for all its reports: a new one per
    report leaves native memory behind (about 0.3 MB a report); one may not serve two threads."""
    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def _stylesheet() -> CSS:
    """report.css parsed once per thread, with its selectors compiled (the print HTML links no
    stylesheet: parsing it again for every report would cost a few percent of the rendering).
    Read again should the file change, as it may while the service runs in development."""
    mtime = STYLESHEET.stat().st_mtime_ns
    cached = getattr(_per_thread, "stylesheet", None)
    if cached is None or cached[0] != mtime:
        css = CSS(
            string=STYLESHEET.read_text(),
            base_url=STYLESHEET.as_uri(),
            url_fetcher=ReportURLFetcher(),
            font_config=_font_config(),
        )
        _per_thread.stylesheet = cached = (mtime, css)
    return cached[1]


# WeasyPrint's font configuration and the parsed stylesheet, one of each per thread.
_per_thread = threading.local()


def _response(path: Path, body: bytes) -> URLFetcherResponse:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(path.as_uri(), body, headers={"Content-Type": content_type})


def _local_path(url: str) -> Path | None:
    """The resolved path of a file: URL on this machine, or None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path)).resolve()
