"""The PDF engine: WeasyPrint's stylesheet, fonts, memory, and the only files it may fetch."""

from __future__ import annotations

import ctypes
import gc
import logging
import threading

import pytest
import tinycss2
from weasyprint.urls import FatalURLFetchingError

from reports import pdf
from reports.html import STATIC_DIR
from reports.pdf import ReportURLFetcher, html_to_pdf


def test_the_stylesheet_asks_for_no_font_feature():
    """WeasyPrint 70 leaks native memory for every line it lays out with a font feature
    (tabular-nums in the distribution columns and on list markers made a long-running
    process grow by about 27 KB a report)."""

    def declared(rules) -> set[tuple[str, str]]:
        """Every (property, value) in these rules, inside @media and @page blocks too."""
        found = set()
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "media":
                found |= declared(tinycss2.parse_rule_list(rule.content, True, True))
            elif rule.type in ("qualified-rule", "at-rule") and rule.content:
                parts = tinycss2.parse_blocks_contents(rule.content, True, True)
                found |= {
                    (part.lower_name, tinycss2.serialize(part.value).strip())
                    for part in parts
                    if part.type == "declaration"
                }
                found |= declared([part for part in parts if part.type == "at-rule"])
        return found

    declarations = declared(tinycss2.parse_stylesheet(pdf.STYLESHEET.read_text(), True, True))
    properties = {name for name, _ in declarations}
    assert {"font-family", "white-space", "content"} <= properties  # nested blocks were read
    features = {
        (name, value)
        for name, value in declarations
        if name.startswith(("font-variant", "font-feature")) and value != "normal"
    }
    assert features == set()
    # WeasyPrint's own stylesheet gives list markers tabular-nums: the report turns it off.
    assert ("font-variant-numeric", "normal") in declarations


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # the layout of glibc's struct mallinfo2
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _native_bytes_in_use() -> int:
    """What the C allocator has handed out and not had back (free heap space excluded,
    which process RSS counts)."""
    gc.collect()
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


def test_writing_pdfs_keeps_no_font_names_in_native_memory():
    """WeasyPrint 70 never frees the name it reads for each font of each PDF, about 130
    bytes a font (three here); reports.weasyprint_fonts frees it. What is left is the slow
    settling of caches, well under the names' 390 bytes a PDF."""
    html = '<p>Inter <strong>and bold</strong></p><p class="counts">DejaVu 1 2 3</p>'
    logging.disable(logging.INFO)  # captured log lines would take memory of their own
    try:
        for _ in range(20):  # caches fill
            html_to_pdf(html)
        before = _native_bytes_in_use()
        for _ in range(200):
            html_to_pdf(html)
        per_pdf = (_native_bytes_in_use() - before) / 200
    finally:
        logging.disable(logging.NOTSET)
    # About 500 bytes without the fix, about 70 with it (caches that settle more slowly).
    assert per_pdf < 250, f"{per_pdf:.0f} bytes of native memory kept by every PDF"


def test_the_stylesheet_is_parsed_once_per_thread():
    here = pdf._stylesheet()
    assert pdf._stylesheet() is here
    elsewhere = []

    def in_another_thread():
        elsewhere.extend([pdf._stylesheet(), pdf._stylesheet(), pdf._font_config()])

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    first, again, font_config = elsewhere
    # Parsed once in that thread too, but its own: a font configuration (which the parsed
    # stylesheet holds) may not serve two threads.
    assert again is first
    assert first is not here
    assert font_config is not pdf._font_config()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/report.css",
        "https://example.org/font.woff",
        "ftp://example.org/x",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / "report.html").as_uri(),
        (STATIC_DIR / "missing.css").as_uri(),
        "file://otherhost" + (STATIC_DIR / "report.css").as_posix(),
    ],
)
def test_the_url_fetcher_refuses_everything_but_the_reports_own_files(url):
    with pytest.raises(ValueError):
        ReportURLFetcher().fetch(url)


def test_the_url_fetcher_serves_the_stylesheet_and_data_urls():
    css = ReportURLFetcher().fetch((STATIC_DIR / "report.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    assert ReportURLFetcher().fetch("data:text/plain,hello").read() == b"hello"


def test_a_refused_url_stops_the_rendering():
    html = '<html><body><img src="http://example.org/tracker.png"></body></html>'
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(html)
