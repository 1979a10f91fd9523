"""The development report, stage by stage: content, charts, HTML, then the PDF by WeasyPrint."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from reports import charts, pdf, svg
from reports.content import ReportContext, report_content
from reports.html import render_html
from reports.html import render_standalone_report as _standalone
from reports.language import DEFAULT_LANGUAGE, LANGUAGES, writing_in
from reports.results import Results
from reports.timing import timed_stage

if TYPE_CHECKING:
    from surveys.instrument import Instrument

__all__ = [
    "LANGUAGES",
    "ReportContext",
    "render_report_body",
    "render_report_html",
    "render_report_pdf",
    "render_standalone_report",
]

logger = logging.getLogger(__name__)


def render_report_html(
    results: Results,
    instrument: Instrument,
    context: ReportContext,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The print report as one HTML document, its charts inline as SVG images (bar charts
    without their labels and scores, which are the page's text); it links no stylesheet, as
    pdf.html_to_pdf applies report.css itself. `language`: one of LANGUAGES."""
    with writing_in(language):
        content = report_content(results, _in_language(instrument, language), context)
        report_charts = charts.report_charts(content.results, for_print=True)
        return render_html(content, report_charts, _inline_svgs(report_charts), web=False)


def render_report_body(
    results: Results,
    instrument: Instrument,
    context: ReportContext,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The report as the body of a web page (no <html>, no h1: the page around it has them):
    the same content as the print report, its charts static SVG images drawn for a screen,
    each with a table of its numbers. No script, nothing fetched: a page under a
    Content-Security-Policy of script-src 'self' and img-src data: shows it as it is."""
    with writing_in(language):
        content = report_content(results, _in_language(instrument, language), context)
        report_charts = charts.report_charts(content.results)
        return render_html(content, report_charts, _inline_svgs(report_charts), web=True)


def render_standalone_report(
    body: str, subject_name: str, stylesheet_url: str, language: str = DEFAULT_LANGUAGE
) -> str:
    """A web page's body (render_report_body, in `language`) as a document of its own."""
    with writing_in(language):
        return _standalone(body, subject_name, stylesheet_url)


def _in_language(instrument: Instrument, language: str) -> Instrument:
    """The instrument's words in the report's language; an instrument that was never
    translated into it keeps its own (its skill names in its language, the rest in ours)."""
    return instrument.in_language(language) if language in instrument.languages else instrument


def _inline_svgs(report_charts: list[charts.Chart]) -> dict[str, str]:
    """Each chart as an SVG data: URL for an <img>, by chart id."""
    with timed_stage(logger, f"{len(report_charts)} charts exported to SVG"):
        svgs = svg.export_svgs(report_charts)
    return {chart_id: svg.data_url(drawing) for chart_id, drawing in svgs.items()}


def render_report_pdf(
    results: Results,
    instrument: Instrument,
    context: ReportContext,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The report as an A4 PDF in `language` (its metadata's language too, from <html lang>).

    The browser draws the charts while WeasyPrint parses the page and applies its styles
    (which need no image): WeasyPrint asks for each chart only when it builds the boxes.
    """
    started = time.perf_counter()
    with writing_in(language):
        content = report_content(results, _in_language(instrument, language), context)
        report_charts = charts.report_charts(content.results, for_print=True)
        export = svg.SVGExport(report_charts)
        html = render_html(
            content,
            report_charts,
            {chart.id: pdf.chart_url(chart.id) for chart in report_charts},
            web=False,
        )
    report_pdf = pdf.html_to_pdf(html, chart_svgs=export)
    logger.info(
        "report stage: %d charts exported to SVG in %.1f ms, alongside WeasyPrint",
        len(report_charts),
        ((export.finished or time.perf_counter()) - export.started) * 1000,
    )
    logger.info(
        "report of round %s: %d bytes of PDF in %.0f ms",
        results.round_id,
        len(report_pdf),
        (time.perf_counter() - started) * 1000,
    )
    return report_pdf
