"""The report's plotly figures (radar, per-skill bars): dicts, their SVG export and their JSON."""

from __future__ import annotations

import functools
import html
import json
import textwrap
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import plotly

from reports import kaleido_server
from reports.results import Group, Results, SkillResult

# The service serves this file to the HTML report: plotly.js from the installed package, no CDN.
PLOTLY_JS_PATH = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SUPPRESSED = "not shown to protect anonymity"
NO_SELF_SCORE = "no self-assessment score"
FONT_FAMILY = "Inter, 'DejaVu Sans', sans-serif"
TEXT_COLOR = "#2b3440"
MUTED_COLOR = "#667080"  # as --muted in report.css
GRID_COLOR = "#e3e7ec"
SELF_COLOR = "#c2551f"
OTHERS_COLOR = "#1f4e79"
# Published groups between self and all others (manager, peers, a combined block ...).
GROUP_COLORS = ("#6f9bc4", "#6a9f6b", "#a184c2", "#b3925a")
INTERVAL_FILL = "rgba(31, 78, 121, 0.12)"
SCORE_RANGE = (1, 5)
WIDTH = 660
RADAR_HEIGHT = 400
BAR_ROW_HEIGHT = 21
BAR_MARGIN_HEIGHT = 30
# Inter at 11 px averages under 6.4 px a character: enough room for the bars' row labels.
LABEL_CHAR_WIDTH = 6.4
LABEL_PADDING = 14
THETA_WRAP = 16  # characters per line of a skill name around the radar
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG_NAMESPACE)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
# Groups that hold nothing, and paths without a "d", draw nothing.
_DROPPED_WHEN_EMPTY = {f"{{{SVG_NAMESPACE}}}g", f"{{{SVG_NAMESPACE}}}path"}


@dataclass(frozen=True)
class Chart:
    """One figure of the report: an id for the page, the plotly figure dict, its export size."""

    id: str
    figure: Mapping[str, Any]
    width: int
    height: int


def report_charts(results: Results) -> list[Chart]:
    """The radar, then one bar chart per skill; a too-few-raters round gets the radar only."""
    charts = [Chart("radar", radar_figure(results), WIDTH, RADAR_HEIGHT)]
    if not results.too_few_raters:
        charts.extend(
            Chart(
                f"skill-{skill.id}",
                skill_bars_figure(skill, results.groups),
                WIDTH,
                BAR_MARGIN_HEIGHT + BAR_ROW_HEIGHT * len(results.groups),
            )
            for skill in results.skills
        )
    return charts


def export_svgs(charts: Sequence[Chart]) -> dict[str, str]:
    """Each chart's SVG document by chart id, all drawn in one call to the warm browser."""
    return SVGExport(charts).result()


class SVGExport:
    """Charts being drawn by the browser (another process) while the caller works on."""

    def __init__(self, charts: Sequence[Chart]) -> None:
        self.charts = tuple(charts)
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._future = kaleido_server.submit_svgs(
            [(chart.figure, chart.width, chart.height) for chart in self.charts]
        )
        self._future.add_done_callback(self._note_finish)

    def _note_finish(self, _: Future[list[str]]) -> None:
        self.finished = time.perf_counter()

    @functools.cached_property
    def _svgs(self) -> dict[str, str]:
        svgs = self._future.result(kaleido_server.FIGURE_TIMEOUT_S * max(1, len(self.charts)))
        return {chart.id: slim_svg(svg) for chart, svg in zip(self.charts, svgs, strict=True)}

    def result(self) -> dict[str, str]:
        """The SVGs by chart id, once drawn (ChartExportError if the browser failed)."""
        return self._svgs


def slim_svg(svg: str) -> str:
    """The same drawing with less for a PDF renderer to read: plotly's empty layer groups,
    classes and data attributes dropped, and style declarations turned into attributes (an
    SVG renderer reads an attribute as it is, but parses every style attribute as CSS)."""
    # Our own figures, drawn by our own browser: not untrusted XML.
    root = ElementTree.fromstring(svg)  # noqa: S314
    _slim(root)
    return ElementTree.tostring(root, encoding="unicode")


def _slim(element: ElementTree.Element) -> None:
    for child in list(element):
        _slim(child)
        if child.tag in _DROPPED_WHEN_EMPTY and not len(child) and not child.get("d"):
            element.remove(child)
    for name in [name for name in element.attrib if name == "class" or name.startswith("data-")]:
        del element.attrib[name]
    for declaration in element.attrib.pop("style", "").split(";"):
        name, colon, value = declaration.partition(":")
        if colon:
            element.set(name.strip(), value.strip())


def figure_json(chart: Chart) -> str:
    """The figure as JSON that is safe inside <script type="application/json">."""
    text = json.dumps(chart.figure, separators=(",", ":"), ensure_ascii=False)
    # No "</script>" (nor "<!--") can end the data block early; JSON.parse reads them back.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def group_colors(groups: Iterable[Group]) -> dict[str, str]:
    """A colour per published group key: self and all others fixed, the rest in turn."""
    colors = {"self": SELF_COLOR, "others": OTHERS_COLOR}
    middle = [group.key for group in groups if group.key not in colors]
    colors.update(zip(middle, GROUP_COLORS, strict=False))
    return colors


def radar_figure(results: Results) -> dict[str, Any]:
    """Self, all others and each published group over the skills (published scores only)."""
    theta = [_wrapped(skill.name) for skill in results.skills]
    colors = group_colors(results.groups)
    # Drawing order: all others (filled) at the back, the groups, then self on top.
    order = sorted(results.groups, key=lambda group: {"others": 0, "self": 2}.get(group.key, 1))
    traces = []
    for group in order:
        r = [skill.scores.get(group.key) for skill in results.skills]
        if all(value is None for value in r):
            continue
        style = _radar_style(group.key, colors[group.key])
        traces.append(
            {
                "type": "scatterpolar",
                "name": html.escape(group.label),
                # The first point again closes the outline.
                "r": [*r, r[0]],
                "theta": [*theta, theta[0]],
                "hovertemplate": "%{theta}: %{r:.2f}<extra>"
                + html.escape(group.label)
                + "</extra>",
                **style,
            }
        )
    return {
        "data": traces,
        "layout": {
            **_base_layout(),
            "margin": {"l": 90, "r": 210, "t": 48, "b": 36},
            "showlegend": True,
            "legend": {"x": 1.2, "xanchor": "left", "y": 0.5, "yanchor": "middle"},
            "polar": {
                "bgcolor": "rgba(0,0,0,0)",
                "radialaxis": {
                    "range": list(SCORE_RANGE),
                    "tickvals": list(range(SCORE_RANGE[0], SCORE_RANGE[1] + 1)),
                    "angle": 90,
                    "tickangle": 90,
                    "tickfont": {"size": 9, "color": MUTED_COLOR},
                    "gridcolor": GRID_COLOR,
                    "linecolor": GRID_COLOR,
                },
                "angularaxis": {
                    "direction": "clockwise",
                    "rotation": 90,
                    "gridcolor": GRID_COLOR,
                    "linecolor": GRID_COLOR,
                    "tickfont": {"size": 11, "color": TEXT_COLOR},
                },
            },
        },
    }


def skill_bars_figure(skill: SkillResult, groups: Sequence[Group]) -> dict[str, Any]:
    """One bar per published group with the others' 90% interval as a band and error bar.

    Every group of the round has a row; where the skill's score of a group is suppressed the
    row says so instead of showing a bar.
    """
    colors = group_colors(groups)
    labels = [_bar_label(group, skill) for group in groups]
    scores = [skill.scores.get(group.key) for group in groups]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": scores,
        "y": labels,
        "marker": {"color": [colors[group.key] for group in groups]},
        "width": 0.7,
        "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
    }
    others = skill.scores.get("others")
    if skill.ci90 is not None and others is not None:
        low, high = skill.ci90
        # Only the all-others bar has an interval: None leaves the other bars without one.
        is_others = [group.key == "others" for group in groups]
        bars["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": [high - others if flag else None for flag in is_others],
            "arrayminus": [others - low if flag else None for flag in is_others],
            "color": TEXT_COLOR,
            "thickness": 1.2,
            "width": 5,
        }
    annotations = [
        _value_annotation(group, score, label)
        for group, score, label in zip(groups, scores, labels, strict=True)
    ]
    shapes = []
    if skill.ci90 is not None:
        low, high = skill.ci90
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": low,
                "x1": high,
                "y0": 0,
                "y1": 1,
                "fillcolor": INTERVAL_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    return {
        "data": [bars],
        "layout": {
            **_base_layout(),
            # A margin worked out here rather than plotly's automargin, which lays the figure
            # out twice (a third of its export time).
            "margin": {"l": _label_margin(labels), "r": 44, "t": 4, "b": 22},
            "showlegend": False,
            "bargap": 0.3,
            "shapes": shapes,
            "annotations": annotations,
            "xaxis": {
                "range": list(SCORE_RANGE),
                "dtick": 1,
                "gridcolor": GRID_COLOR,
                "zeroline": False,
                "fixedrange": True,
                "tickfont": {"size": 10, "color": MUTED_COLOR},
            },
            "yaxis": {
                "type": "category",
                "autorange": "reversed",
                "fixedrange": True,
                "tickfont": {"size": 11, "color": TEXT_COLOR},
            },
        },
    }


def _base_layout() -> dict[str, Any]:
    return {
        "font": {"family": FONT_FAMILY, "size": 11, "color": TEXT_COLOR},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }


def _radar_style(key: str, color: str) -> dict[str, Any]:
    if key == "others":
        return {
            "line": {"color": color, "width": 2.2},
            "fill": "toself",
            "fillcolor": "rgba(31, 78, 121, 0.14)",
            "marker": {"size": 5},
            "mode": "lines+markers",
        }
    if key == "self":
        return {
            "line": {"color": color, "width": 2.2},
            "marker": {"size": 6},
            "mode": "lines+markers",
        }
    return {"line": {"color": color, "width": 1.4, "dash": "dot"}, "mode": "lines"}


def _bar_label(group: Group, skill: SkillResult) -> str:
    label = html.escape(group.label)
    n = skill.n.get(group.key)
    return label if group.key == "self" or n is None else f"{label} (n={n})"


def _value_annotation(group: Group, score: float | None, label: str) -> dict[str, Any]:
    """The score at the right of its row, or the suppression note where the bar would be."""
    common = {"y": label, "yref": "y", "showarrow": False, "font": {"size": 10}}
    if score is None:
        note = NO_SELF_SCORE if group.key == "self" else SUPPRESSED
        return {
            **common,
            "x": SCORE_RANGE[0],
            "xref": "x",
            "xanchor": "left",
            "text": f"<i>{note}</i>",
            "font": {"size": 10, "color": MUTED_COLOR},
        }
    return {**common, "x": 1.01, "xref": "paper", "xanchor": "left", "text": f"<b>{score:.2f}</b>"}


def _label_margin(labels: Iterable[str]) -> int:
    return round(
        LABEL_PADDING + LABEL_CHAR_WIDTH * max(len(html.unescape(label)) for label in labels)
    )


def _wrapped(name: str) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(name, THETA_WRAP))
