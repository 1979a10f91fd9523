"""The development report: results → HTML (interactive page, or print) → PDF by WeasyPrint."""

from __future__ import annotations

import base64
import functools
import logging
import mimetypes
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import charts, weasyprint_fonts
from reports.aggregate import MIXED_VIEWS_MIN_N, MIXED_VIEWS_RWG
from reports.plan import BLIND_SPOT, LOWEST_RATED, SELF_RATED_LOW, development_plan
from reports.results import Group, Results, SkillResult

if TYPE_CHECKING:
    from surveys.instrument import Instrument

logger = logging.getLogger(__name__)
weasyprint_fonts.free_font_names()

TEMPLATES_DIR = Path(__file__).parent / "templates"
# What the HTML report links to (report.css, report.js): the service serves this folder.
STATIC_DIR = (TEMPLATES_DIR / "static").resolve()
# Where the print HTML of render_report_pdf finds its charts: served from memory, not disk.
CHARTS_PATH = "charts"
CHARTS_DIR = STATIC_DIR / CHARTS_PATH
STYLESHEET = STATIC_DIR / "report.css"
SUPPRESSED = charts.SUPPRESSED
NO_SELF_SCORE = charts.NO_SELF_SCORE
RELATIONSHIP_NAMES = {
    "self": "Self-assessment",
    "manager": "Manager",
    "peer": "Peers",
    "direct_report": "Direct reports",
    "other": "Others",
}
FLAG_NAMES = {"blind_spot": "Blind spot", "hidden_strength": "Hidden strength"}
REASON_NAMES = {
    LOWEST_RATED: "Among the lowest rated",
    BLIND_SPOT: "Blind spot",
    SELF_RATED_LOW: "Among your lowest self-ratings",
}
# The columns of an item's distribution: how many of all others answered 1 … 5, and N/A.
DISTRIBUTION_KEYS = ("1", "2", "3", "4", "5", "na")
DISTRIBUTION_LABELS = ("1", "2", "3", "4", "5", "?")
FIGURE_SPACE = "\N{FIGURE SPACE}"  # as wide as a digit of the distribution font
COLUMN_GAP = "\N{EN SPACE}"


@dataclass(frozen=True)
class ReportContext:
    """What the report needs beyond the results: who it is about and the round's dates."""

    subject_name: str
    launched_at: datetime | None
    closed_at: datetime | None
    deadline: datetime
    generated_at: datetime
    reassessment_after_days: int = 180  # suggested re-assessment round: closed_at + this


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
    html_to_pdf applies report.css itself.
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
        with _stage(f"{len(report_charts)} charts exported to SVG"):
            svgs = charts.export_svgs(report_charts)
        figures = {chart_id: _svg_data_url(svg) for chart_id, svg in svgs.items()}
    return _render_template(
        results,
        instrument,
        context,
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
    export = charts.SVGExport(report_charts)
    html = _render_template(
        results,
        instrument,
        context,
        report_charts,
        {chart.id: f"{CHARTS_PATH}/{chart.id}.svg" for chart in report_charts},
        interactive=False,
    )
    pdf = html_to_pdf(html, chart_svgs=export)
    logger.info(
        "report stage: %d charts exported to SVG in %.1f ms, alongside WeasyPrint",
        len(report_charts),
        ((export.finished or time.perf_counter()) - export.started) * 1000,
    )
    logger.info(
        "report of round %s: %d bytes of PDF in %.0f ms",
        results.round_id,
        len(pdf),
        (time.perf_counter() - started) * 1000,
    )
    return pdf


def html_to_pdf(html: str, *, chart_svgs: charts.SVGExport | None = None) -> bytes:
    """WeasyPrint's PDF of a print HTML report, styled by report.css: it may fetch STATIC_DIR's
    files, data: URLs, and the SVGs of `chart_svgs` under CHARTS_PATH, and nothing else."""
    fetcher = ReportURLFetcher(chart_svgs)
    with _stage("HTML parsed"):
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    with _stage("pages laid out"):
        pages = document.render(font_config=_font_config(), stylesheets=[_stylesheet()])
    with _stage(f"{len(pages.pages)} pages written to PDF"):
        return pages.write_pdf()


class ReportURLFetcher(URLFetcher):
    """Serves the report's own assets to WeasyPrint and refuses every other URL.

    Its own assets: STATIC_DIR's files, data: URLs (charts inline), and the SVGs of the
    charts being drawn for this report. The report holds user text (comments): whatever might
    sneak a URL into it, nothing is fetched from the network or from anywhere else on disk.
    A refusal stops the rendering.
    """

    def __init__(self, chart_svgs: charts.SVGExport | None = None) -> None:
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
    if not hasattr(_thread_fonts, "config"):
        _thread_fonts.config = FontConfiguration()
    return _thread_fonts.config


def _stylesheet() -> CSS:
    """report.css parsed once per thread, with its selectors compiled (the print HTML links no
    stylesheet: parsing it again for every report would cost a few percent of the rendering).
    Read again should the file change, as it may while the service runs in development."""
    mtime = STYLESHEET.stat().st_mtime_ns
    cached = getattr(_thread_fonts, "stylesheet", None)
    if cached is None or cached[0] != mtime:
        css = CSS(
            string=STYLESHEET.read_text(),
            base_url=STYLESHEET.as_uri(),
            url_fetcher=ReportURLFetcher(),
            font_config=_font_config(),
        )
        _thread_fonts.stylesheet = cached = (mtime, css)
    return cached[1]


_thread_fonts = threading.local()


def _response(path: Path, body: bytes) -> URLFetcherResponse:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(path.as_uri(), body, headers={"Content-Type": content_type})


def _local_path(url: str) -> Path | None:
    """The resolved path of a file: URL on this machine, or None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path)).resolve()


def summary_sentences(results: Results) -> list[str]:
    """Three to five plain sentences on what the feedback says, from the results only."""
    skills = {skill.id: skill for skill in results.skills}
    if not any("others" in skill.scores for skill in results.skills):
        return _self_only_summary(results)
    sentences = []
    if results.strengths:
        sentences.append(
            f"Others see your greatest strengths in {_names(results.strengths, skills)}."
        )
    if results.development_areas:
        areas = [
            f"{skills[skill_id].name} ({skills[skill_id].scores['others']:.2f})"
            for skill_id in results.development_areas
        ]
        sentences.append(f"The most room to grow is in {_joined(areas)}.")
    blind = [skill for skill in results.skills if skill.flag == "blind_spot"]
    hidden = [skill for skill in results.skills if skill.flag == "hidden_strength"]
    for flagged, what, direction in (
        (blind, "blind spot", "higher"),
        (hidden, "hidden strength", "lower"),
    ):
        if flagged:
            verb = "is a" if len(flagged) == 1 else "are each a"
            sentences.append(
                f"{_joined([skill.name for skill in flagged])} {verb} {what}: you rated "
                f"yourself clearly {direction} than others did."
            )
    if not blind and not hidden:
        sentences.append(
            "Your view of yourself is broadly in line with others': no skill shows a clear gap."
        )
    mixed = [
        skill.name for skill in results.skills if skill.agreement and skill.agreement.mixed_views
    ]
    if mixed:
        its = "its average hides" if len(mixed) == 1 else "their averages hide"
        sentences.append(
            f"Views were mixed on {_joined(mixed)}: people see it quite differently, so {its} "
            "real differences."
        )
    return sentences[:5]


def _self_only_summary(results: Results) -> list[str]:
    k = results.anonymity_threshold
    sentences = [
        "Too few raters responded for their scores to be shown: a score is shown only when "
        f"at least {k} people besides you answered, so that no one can be singled out.",
    ]
    rated = [skill for skill in results.skills if "self" in skill.scores]
    if rated and len({skill.scores["self"] for skill in rated}) > 1:
        high, low = (pick(rated, key=lambda skill: skill.scores["self"]) for pick in (max, min))
        sentences.append(
            f"In your self-assessment you rated {high.name} highest ({high.scores['self']:.2f}) "
            f"and {low.name} lowest ({low.scores['self']:.2f})."
        )
    sentences.append(
        "Treat this report as a starting point: the plan below builds on your own view, and a "
        "new round with more raters will show how others see you."
    )
    return sentences


def response_rows(results: Results) -> list[dict[str, Any]]:
    """The cover's "Who responded": [{"rows": [(relationship name, invited)], "responded":
    count or None}], one entry per set of the response counts (self first, on its own).

    Invitations are shown per relationship; how many responded only per set of at least k
    invited, once for the set's rows, never per relationship: a set holding a lone manager
    or a single direct report tells nothing of that person alone.
    """
    entries = []
    if results.invited.get("self", 0):
        # The subject knows whether they answered themselves.
        answered = next((group.n for group in results.groups if group.key == "self"), 0)
        entries.append({"rows": [(RELATIONSHIP_NAMES["self"], 1)], "responded": answered})
    for count_set in results.responses:
        rows = [
            (RELATIONSHIP_NAMES[member], results.invited.get(member, 0))
            for member in count_set.members
        ]
        entries.append({"rows": rows, "responded": count_set.answered})
    return entries


def score_cells(scores: Mapping[str, float], groups: Sequence[Group]) -> list[dict[str, Any]]:
    """Table cells of published scores by group; neighbouring suppressed cells share one note."""
    cells: list[dict[str, Any]] = []
    for group in groups:
        if group.key in scores:
            cells.append({"text": f"{scores[group.key]:.2f}", "span": 1, "note": False})
        elif group.key == "self":
            cells.append({"text": NO_SELF_SCORE, "span": 1, "note": True})
        elif cells and cells[-1]["text"] == SUPPRESSED:
            cells[-1]["span"] += 1
        else:
            cells.append({"text": SUPPRESSED, "span": 1, "note": True})
    return cells


def distribution_text(counts: Mapping[str, int], width: int = 1) -> str:
    """An item's distribution as one line of counts (1 … 5, then N/A), each in a column of
    `width` tabular digits so that the lines of a table align under the header.

    Text rather than a box per count: a report has 35 of these, and WeasyPrint lays out every
    box on its own (six boxes a row cost a seventh of the rendering time)."""
    return _aligned([str(counts[key]) for key in DISTRIBUTION_KEYS], width)


def _aligned(cells: Sequence[str], width: int) -> str:
    return COLUMN_GAP.join(cell.rjust(width, FIGURE_SPACE) for cell in cells)


def _count_width(results: Results) -> int:
    counts = [
        count
        for skill in results.skills
        for item in skill.items
        if item.distribution is not None
        for count in item.distribution.values()
    ]
    return len(str(max(counts, default=0)))


def _render_template(
    results: Results,
    instrument: Instrument,
    context: ReportContext,
    report_charts: Sequence[charts.Chart],
    figures: Mapping[str, str],
    *,
    interactive: bool,
    plotly_js_url: str | None = None,
    static_url: str = "",
) -> str:
    with _stage("HTML rendered"):
        return (
            _environment()
            .get_template("report.html")
            .render(
                **_view(results, instrument, context),
                interactive=interactive,
                figures=figures,
                chart_heights={chart.id: chart.height for chart in report_charts},
                plotly_js_url=plotly_js_url,
                static_url=static_url,
            )
        )


def _view(results: Results, instrument: Instrument, context: ReportContext) -> dict[str, Any]:
    """Everything the template shows, drawn from the results and the instrument's content."""
    first_name = (context.subject_name.split() or ["this person"])[0]
    items = {item.id: item for skill in results.skills for item in skill.items}
    item_skill = {item.id: skill for skill in results.skills for item in skill.items}
    closed = context.closed_at or context.generated_at
    count_width = _count_width(results)
    return {
        "results": results,
        "instrument": instrument,
        "context": context,
        "groups": results.groups,
        "responses": response_rows(results),
        "responses_grouped": any(len(count_set.members) > 1 for count_set in results.responses),
        "responses_hidden": any(not count_set.shown for count_set in results.responses),
        "summary": summary_sentences(results),
        "sections": [
            {"skill": instrument.skill(result.id), "result": result} for result in results.skills
        ],
        "top_items": [(items[i], item_skill[i]) for i in results.top_items],
        "bottom_items": [(items[i], item_skill[i]) for i in results.bottom_items],
        "plan": development_plan(
            results,
            instrument,
            closed_at=closed,
            reassessment_after_days=context.reassessment_after_days,
        ),
        "questions": [
            (question.text_for("observer", first_name), results.comments.get(question.id, ()))
            for question in instrument.questions
        ],
        "comments_published": bool(results.comments),
        "mixed_views_rwg": MIXED_VIEWS_RWG,
        "mixed_views_min_n": MIXED_VIEWS_MIN_N,
        "flag_names": FLAG_NAMES,
        "reason_names": REASON_NAMES,
        "reasons": {"lowest": LOWEST_RATED, "self_low": SELF_RATED_LOW},
        "distribution_header": _aligned(DISTRIBUTION_LABELS, count_width),
        "distribution_text": functools.partial(distribution_text, width=count_width),
        "bar_rows": functools.partial(charts.bar_rows, groups=results.groups),
    }


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # comments are user text: every value is escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(score=_score, signed=_signed, day=_day)
    environment.globals.update(
        score_cells=score_cells, SUPPRESSED=SUPPRESSED, NO_SELF_SCORE=NO_SELF_SCORE
    )
    return environment


def _score(value: float | None) -> str:
    return SUPPRESSED if value is None else f"{value:.2f}"


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\N{MINUS SIGN}")


def _day(value: date | datetime | None) -> str:
    return "not recorded" if value is None else f"{value.day} {value:%B %Y}"


def _names(skill_ids: Sequence[str], skills: Mapping[str, SkillResult]) -> str:
    return _joined([skills[skill_id].name for skill_id in skill_ids])


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _svg_data_url(svg: str) -> str:
    """The SVG inline as a data: URL of an <img>: drawn by WeasyPrint's SVG renderer on its
    own, rather than each of its elements going through the HTML layout."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@contextmanager
def _stage(name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    logger.info("report stage: %s in %.1f ms", name, (time.perf_counter() - started) * 1000)
