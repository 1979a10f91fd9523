"""The report as HTML from its Jinja templates: the print document, or a web page's body."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from reports import charts, language
from reports.aggregate import MIXED_VIEWS_MIN_N, MIXED_VIEWS_RWG
from reports.content import FLAG_NAMES, REASON_NAMES, ReportContent
from reports.language import gettext as _
from reports.plan import LOWEST_RATED, SELF_RATED_LOW
from reports.results import Group, Results, SkillResult
from reports.timing import timed_stage

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The print report's own files (report.css, the fonts' configuration): all WeasyPrint may read.
STATIC_DIR = (TEMPLATES_DIR / "static").resolve()
SUPPRESSED = charts.SUPPRESSED
NO_SELF_SCORE = charts.NO_SELF_SCORE
# The columns of an item's distribution: how many of all others answered 1 … 5, and N/A.
DISTRIBUTION_KEYS = ("1", "2", "3", "4", "5", "na")
DISTRIBUTION_LABELS = ("1", "2", "3", "4", "5", "?")
# A print bar chart's labels: how many characters fit their column at its 8 pt (Inter averages
# about 1.5 mm a character there); a chart with a longer label gets a font to fit it.
LABEL_CHARACTERS = 34
LABEL_POINTS = 8.0
FIGURE_SPACE = "\N{FIGURE SPACE}"  # as wide as a digit of the distribution font
COLUMN_GAP = "\N{EN SPACE}"


def render_html(
    content: ReportContent,
    report_charts: Sequence[charts.Chart],
    figures: Mapping[str, str],
    *,
    web: bool,
) -> str:
    """The print report (a whole document), or with web=True the web page's body (a fragment
    for a page to place under its h1). figures: per chart id, the source of its <img>."""
    results = content.results
    count_width = _count_width(results)
    with timed_stage(logger, "HTML rendered"):
        return (
            environment()
            .get_template("report_body.html" if web else "report.html")
            .render(
                # Each part of the content under its own name, as the template reads it.
                **{
                    field.name: getattr(content, field.name)
                    for field in dataclasses.fields(content)
                },
                groups=content.groups,
                web=web,
                lang=language.current().code,
                SUPPRESSED=_(SUPPRESSED),
                NO_SELF_SCORE=_(NO_SELF_SCORE),
                figures=figures,
                chart_sizes={chart.id: (chart.width, chart.height) for chart in report_charts},
                radar_groups=charts.radar_groups(results),
                swatch_classes=swatch_classes(results.groups),
                distribution_header=_aligned(DISTRIBUTION_LABELS, count_width),
                distribution_text=functools.partial(distribution_text, width=count_width),
                bar_rows=functools.partial(charts.bar_rows, groups=results.groups),
                bar_table=functools.partial(bar_table, groups=results.groups),
            )
        )


def render_standalone_report(body: str, subject_name: str, stylesheet_url: str) -> str:
    """A web page's body (document.render_report_body) as a document of its own: the page
    title and h1, and one stylesheet; in the current language (language.writing_in)."""
    return (
        environment()
        .get_template("report_standalone.html")
        .render(
            body=Markup(body),  # noqa: S704 - rendered here, every value escaped
            subject_name=subject_name,
            stylesheet_url=stylesheet_url,
            lang=language.current().code,
        )
    )


def swatch_classes(groups: Sequence[Group]) -> dict[str, str]:
    """A class per group for the web legend's swatches, named like charts.group_colors picks
    the colours: self, others, and the groups between in turn (group-1 ...)."""
    middle = [group.key for group in groups if group.key not in ("self", "others")]
    return {
        "self": "self",
        "others": "others",
        **{key: f"group-{number}" for number, key in enumerate(middle, start=1)},
    }


def bar_table(skill: SkillResult, groups: Sequence[Group]) -> list[tuple[str, str, bool]]:
    """A bar chart's numbers as table rows: the bar's label, its score or why it has none, and
    whether that cell is such a note."""
    return [
        (label, score, False)
        if score
        else (label, _(NO_SELF_SCORE if group.key == "self" else SUPPRESSED), True)
        for group, (label, score) in zip(groups, charts.bar_rows(skill, groups), strict=True)
    ]


def label_points(rows: Sequence[tuple[str, str]]) -> float | None:
    """The font size (pt) that fits the longest of a print bar chart's labels in its column,
    or None where the stylesheet's fits them all."""
    longest = max((len(label) for label, _score in rows), default=0)
    if longest <= LABEL_CHARACTERS:
        return None
    return round(LABEL_POINTS * LABEL_CHARACTERS / longest, 1)


def score_cells(scores: Mapping[str, float], groups: Sequence[Group]) -> list[dict[str, Any]]:
    """Table cells of published scores by group; neighbouring suppressed cells share one note."""
    cells: list[dict[str, Any]] = []
    for group in groups:
        if group.key in scores:
            cells.append({"text": language.number(scores[group.key]), "span": 1, "note": False})
        elif group.key == "self":
            cells.append({"text": _(NO_SELF_SCORE), "span": 1, "note": True})
        elif cells and cells[-1]["text"] == _(SUPPRESSED):
            cells[-1]["span"] += 1
        else:
            cells.append({"text": _(SUPPRESSED), "span": 1, "note": True})
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
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # comments are user text: every value is escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The words of {% trans %} and _() in the language of the report being rendered.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        language.raw_gettext, language.raw_ngettext, newstyle=True
    )
    # A translated block's line breaks and indentation are the template's, not the text's.
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(score=_score, signed=language.signed, day=_day)
    env.globals.update(
        score_cells=score_cells,
        label_points=label_points,
        mixed_views_rwg=MIXED_VIEWS_RWG,
        mixed_views_min_n=MIXED_VIEWS_MIN_N,
        flag_names=FLAG_NAMES,
        reason_names=REASON_NAMES,
        reasons={"lowest": LOWEST_RATED, "self_low": SELF_RATED_LOW},
    )
    return env


def _score(value: float | None) -> str:
    return _(SUPPRESSED) if value is None else language.number(value)


def _day(value: date | datetime | None) -> str:
    return _("not recorded") if value is None else language.day(value)
