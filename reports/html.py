"""The report as HTML: its content rendered by the Jinja template, as a web page or for print."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from reports import charts
from reports.aggregate import MIXED_VIEWS_MIN_N, MIXED_VIEWS_RWG
from reports.content import FLAG_NAMES, REASON_NAMES, ReportContent
from reports.plan import LOWEST_RATED, SELF_RATED_LOW
from reports.results import Group, Results
from reports.timing import timed_stage

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
# What the HTML report links to (report.css, report.js): the service serves this folder.
STATIC_DIR = (TEMPLATES_DIR / "static").resolve()
SUPPRESSED = charts.SUPPRESSED
NO_SELF_SCORE = charts.NO_SELF_SCORE
# The columns of an item's distribution: how many of all others answered 1 … 5, and N/A.
DISTRIBUTION_KEYS = ("1", "2", "3", "4", "5", "na")
DISTRIBUTION_LABELS = ("1", "2", "3", "4", "5", "?")
FIGURE_SPACE = "\N{FIGURE SPACE}"  # as wide as a digit of the distribution font
COLUMN_GAP = "\N{EN SPACE}"


def render_html(
    content: ReportContent,
    report_charts: Sequence[charts.Chart],
    figures: Mapping[str, str],
    *,
    interactive: bool,
    plotly_js_url: str | None = None,
    static_url: str = "",
) -> str:
    """The report page. figures: per chart id, what the template puts in its place (a JSON
    data block for the web page, an <img> source in print)."""
    results = content.results
    count_width = _count_width(results)
    with timed_stage(logger, "HTML rendered"):
        return (
            _environment()
            .get_template("report.html")
            .render(
                # Each part of the content under its own name, as the template reads it.
                **{
                    field.name: getattr(content, field.name)
                    for field in dataclasses.fields(content)
                },
                groups=content.groups,
                interactive=interactive,
                figures=figures,
                chart_heights={chart.id: chart.height for chart in report_charts},
                plotly_js_url=plotly_js_url,
                static_url=static_url,
                distribution_header=_aligned(DISTRIBUTION_LABELS, count_width),
                distribution_text=functools.partial(distribution_text, width=count_width),
                bar_rows=functools.partial(charts.bar_rows, groups=results.groups),
            )
        )


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
        score_cells=score_cells,
        SUPPRESSED=SUPPRESSED,
        NO_SELF_SCORE=NO_SELF_SCORE,
        mixed_views_rwg=MIXED_VIEWS_RWG,
        mixed_views_min_n=MIXED_VIEWS_MIN_N,
        flag_names=FLAG_NAMES,
        reason_names=REASON_NAMES,
        reasons={"lowest": LOWEST_RATED, "self_low": SELF_RATED_LOW},
    )
    return environment


def _score(value: float | None) -> str:
    return SUPPRESSED if value is None else f"{value:.2f}"


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\N{MINUS SIGN}")


def _day(value: date | datetime | None) -> str:
    return "not recorded" if value is None else f"{value.day} {value:%B %Y}"
