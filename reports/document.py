"""The development report, stage by stage: content, charts, HTML, then the PDF by WeasyPrint."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from markupsafe import Markup

from reports import charts, pdf, svg
from reports.content import ReportContext, report_content
from reports.html import STATIC_DIR, render_html
from reports.results import Results
from reports.timing import timed_stage

if TYPE_CHECKING:
    from surveys.instrument import Instrument

# What the service uses: STATIC_DIR is the folder it serves to the web page.
__all__ = ["STATIC_DIR", "ReportContext", "render_report_html", "render_report_pdf"]

logger = logging.getLogger(__name__)


def render_report_html(
    results: Results,
    instrument: Instrument,
    context: ReportContext,
    *,
    interactive: bool,
    plotly_js_url: str | None = None,
    static_url: str = "",
) -> str:
    """The report as one HTML page.

    interactive=True: the web page. Figures are JSON data blocks that static/report.js draws
    with plotly.js from `plotly_js_url`; no inline script, so a CSP of script-src 'self' holds.
    `static_url` is where the service serves STATIC_DIR (e.g. "/static/report/").
    interactive=False: the print version, its charts inline as SVG images (bar charts without
    their labels and scores, which are the page's text); it links no stylesheet, as
    pdf.html_to_pdf applies report.css itself.
    """
    if interactive and not plotly_js_url:
        raise ValueError("the interactive report needs plotly_js_url")
    report_charts = charts.report_charts(results, for_print=not interactive)
    if interactive:
        figures = {
            # Escaped for a JSON data block by figure_json: no markup can end it early.
            chart.id: Markup(charts.figure_json(chart))  # noqa: S704
            for chart in report_charts
        }
    else:
        with timed_stage(logger, f"{len(report_charts)} charts exported to SVG"):
            svgs = svg.export_svgs(report_charts)
        figures = {chart_id: svg.data_url(drawing) for chart_id, drawing in svgs.items()}
    return render_html(
        report_content(results, instrument, context),
        report_charts,
        figures,
        interactive=interactive,
        plotly_js_url=plotly_js_url,
        static_url=static_url,
    )


def render_report_pdf(results: Results, instrument: Instrument, context: ReportContext) -> bytes:
    """The report as an A4 PDF.

    The browser draws the charts while WeasyPrint parses the page and applies its styles
    (which need no image): WeasyPrint asks for each chart only when it builds the boxes.
    """
    started = time.perf_counter()
    report_charts = charts.report_charts(results, for_print=True)
    export = svg.SVGExport(report_charts)
    html = render_html(
        report_content(results, instrument, context),
        report_charts,
        {chart.id: pdf.chart_url(chart.id) for chart in report_charts},
        interactive=False,
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
