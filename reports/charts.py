"""The report's plotly figures (radar, per-skill bars) as dicts: for print, and for the web page."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.language import N_, number
from reports.language import gettext as _
from reports.results import Change, Group, Results, SkillResult

# The notes where a score is not shown, as English msgids: _() gives the report's language.
SUPPRESSED = N_("not shown to protect anonymity")
NO_SELF_SCORE = N_("no self-assessment score")
FONT_FAMILY = "Inter, 'DejaVu Sans', sans-serif"
TEXT_COLOR = "#2b3440"
MUTED_COLOR = "#667080"  # as --muted in report.css
GRID_COLOR = "#e3e7ec"
SELF_COLOR = "#c2551f"
OTHERS_COLOR = "#1f4e79"
# Published groups between self and all others (manager, peers, a combined block ...).
GROUP_COLORS = ("#6f9bc4", "#6a9f6b", "#a184c2", "#b3925a")
INTERVAL_FILL = "rgba(31, 78, 121, 0.12)"
# The change since the previous round: a reliable rise, a reliable fall, and the rest.
RISE_COLOR = "#1d7a4a"
FALL_COLOR = "#b23c17"
UNCHANGED_COLOR = "#8a929c"
PREVIOUS_COLOR = "#8a929c"  # the radar's faint outline of the previous round's all others
PREVIOUS_LABEL = N_("All others, last round")
CHANGE_ROW_HEIGHT = 26
WEB_CHANGE_ROW_HEIGHT = 38
CHANGE_MARGIN = {"t": 8, "b": 30}
SCORE_RANGE = (1, 5)
WIDTH = 660
RADAR_HEIGHT = 400
BAR_ROW_HEIGHT = 18
# The print version of a bar chart: the bars alone, 464 px drawn 116 mm wide (a quarter of a
# millimetre a pixel, which report.css relies on), its row labels and scores beside it in the
# page's own text. WeasyPrint lays out SVG text a letter at a time: the labels and scores of
# seven charts were half the letters it drew that way, and a seventh of the whole rendering.
# The labels get 52 mm: a pooled group's name in German, French or Spanish is long.
PRINT_BAR_WIDTH = 464
PRINT_BAR_MARGIN = {"l": 8, "r": 8, "t": 4, "b": 22}
LABEL_PADDING = 14
THETA_WRAP = 16  # characters per line of a skill name around the radar
# The web page's charts: drawn at about the width a desktop shows them and scaled down on a
# phone, with larger text; the radar's legend is the page's own text under it.
WEB_FONT_SIZE = 14
WEB_RADAR_WIDTH = 600
WEB_RADAR_HEIGHT = 470
WEB_BAR_WIDTH = 600
WEB_BAR_ROW_HEIGHT = 32
WEB_BAR_MARGIN = {"r": 56, "t": 4, "b": 26}
# Inter at 14 px averages under 8.2 px a character: enough room for the bars' row labels.
WEB_LABEL_CHAR_WIDTH = 8.2


@dataclass(frozen=True)
class Chart:
    """One figure of the report: an id for the page, the plotly figure dict, its export size."""

    id: str
    figure: Mapping[str, Any]
    width: int
    height: int


def report_charts(results: Results, *, for_print: bool = False) -> list[Chart]:
    """The radar, then one bar chart per skill; a too-few-raters round gets the radar only.

    for_print: bar charts without their row labels and scores, which the print page sets
    beside them (bar_rows). Otherwise the web page's: larger text, drawn at about the width a
    desktop shows them (a phone scales them down), the radar without its legend (the page
    lists the groups under it), each score next to its bar."""
    if for_print:
        charts = [Chart("radar", radar_figure(results), WIDTH, RADAR_HEIGHT)]
        margin_height = PRINT_BAR_MARGIN["t"] + PRINT_BAR_MARGIN["b"]
        row_height, width = BAR_ROW_HEIGHT, PRINT_BAR_WIDTH
    else:
        charts = [
            Chart("radar", radar_figure(results, web=True), WEB_RADAR_WIDTH, WEB_RADAR_HEIGHT)
        ]
        margin_height = WEB_BAR_MARGIN["t"] + WEB_BAR_MARGIN["b"]
        row_height, width = WEB_BAR_ROW_HEIGHT, WEB_BAR_WIDTH
    if results.change is not None and results.change.skills:
        charts.append(change_chart(results, web=not for_print))
    if not results.too_few_raters:
        charts.extend(
            Chart(
                f"skill-{skill.id}",
                skill_bars_figure(skill, results.groups, labels_beside=for_print),
                width,
                # In print, exactly BAR_ROW_HEIGHT a row: the rows of text beside it match.
                margin_height + row_height * len(results.groups),
            )
            for skill in results.skills
        )
    return charts


def change_chart(results: Results, *, web: bool) -> Chart:
    """The change since the previous round as a chart of its own, sized for print or web."""
    rows = len(results.change.skills) if results.change is not None else 0
    row_height = WEB_CHANGE_ROW_HEIGHT if web else CHANGE_ROW_HEIGHT
    height = CHANGE_MARGIN["t"] + CHANGE_MARGIN["b"] + row_height * rows
    return Chart("change", change_figure(results, web=web), WEB_BAR_WIDTH if web else WIDTH, height)


def change_figure(results: Results, *, web: bool = False) -> dict[str, Any]:
    """Before and now per skill (all others), joined by a line: a dumbbell chart. A reliable
    rise is green, a reliable fall red-orange, any other change grey; the previous round is
    a hollow circle, this one a filled one."""
    change: Change | None = results.change
    names = {skill.id: skill.name for skill in results.skills}
    skills = list(change.skills.items()) if change is not None else []
    labels = [html.escape(names[skill_id]) for skill_id, _ in skills]
    colors = [change_color(c.direction) for _, c in skills]
    lines = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [c.before, c.now],
            "y": [label, label],
            "line": {"color": color, "width": 3 if c.reliable else 2},
            "hoverinfo": "skip",
        }
        for (_, c), label, color in zip(skills, labels, colors, strict=True)
    ]
    size = 11 if web else 8
    points = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": name,
            "x": [getattr(c, field) for _, c in skills],
            "y": labels,
            "marker": {
                "size": size,
                "color": "#ffffff" if hollow else colors,
                "line": {"color": colors, "width": 2},
            },
            "hovertemplate": "%{y}: %{x:.2f}<extra>" + name + "</extra>",
        }
        for field, name, hollow in (
            ("before", _("Last round"), True),
            ("now", _("This round"), False),
        )
    ]
    return {
        "data": [*lines, *points],
        "layout": {
            **_base_layout(web),
            "margin": {
                **CHANGE_MARGIN,
                "l": _label_margin(labels) if web else 200,
                "r": 24,
            },
            "showlegend": False,
            **_score_axes(web),
        },
    }


def change_color(direction: str | None) -> str:
    return {"up": RISE_COLOR, "down": FALL_COLOR}.get(direction or "", UNCHANGED_COLOR)


def radar_groups(results: Results) -> list[Group]:
    """The groups the radar draws (those with a score for some skill), in legend order."""
    return [
        group
        for group in results.groups
        if any(group.key in skill.scores for skill in results.skills)
    ]


def bar_rows(skill: SkillResult, groups: Sequence[Group]) -> list[tuple[str, str]]:
    """Each bar's row label and score as the print page sets them beside its bars (the score
    is blank where the chart itself says why there is no bar)."""
    return [
        (
            html.unescape(_bar_label(group, skill)),
            number(skill.scores[group.key]) if group.key in skill.scores else "",
        )
        for group in groups
    ]


def group_colors(groups: Iterable[Group]) -> dict[str, str]:
    """A colour per published group key: self and all others fixed, the rest in turn."""
    colors = {"self": SELF_COLOR, "others": OTHERS_COLOR}
    middle = [group.key for group in groups if group.key not in colors]
    colors.update(zip(middle, GROUP_COLORS, strict=False))
    return colors


def radar_figure(results: Results, *, web: bool = False) -> dict[str, Any]:
    """Self, all others and each published group over the skills (published scores only).

    web: larger text, no legend (the page lists the groups under the chart) and the room it
    took given to the radar."""
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
    if results.change is not None and results.change.skills:
        # The previous round's all others, faint and behind everything, where it is compared.
        before = [
            results.change.skills[skill.id].before if skill.id in results.change.skills else None
            for skill in results.skills
        ]
        traces.insert(
            0,
            {
                "type": "scatterpolar",
                "name": _(PREVIOUS_LABEL),
                "r": [*before, before[0]],
                "theta": [*theta, theta[0]],
                "hovertemplate": "%{theta}: %{r:.2f}<extra>" + _(PREVIOUS_LABEL) + "</extra>",
                "line": {"color": PREVIOUS_COLOR, "width": 1.2, "dash": "dash"},
                "mode": "lines",
            },
        )
    legend = (
        {"showlegend": False}
        if web
        else {
            "showlegend": True,
            "legend": {"x": 1.2, "xanchor": "left", "y": 0.5, "yanchor": "middle"},
        }
    )
    return {
        "data": traces,
        "layout": {
            **_base_layout(web),
            "margin": {"l": 120, "r": 120, "t": 56, "b": 44}
            if web
            else {"l": 90, "r": 210, "t": 48, "b": 36},
            **legend,
            "polar": {
                "bgcolor": "rgba(0,0,0,0)",
                "radialaxis": {
                    "range": list(SCORE_RANGE),
                    "tickvals": list(range(SCORE_RANGE[0], SCORE_RANGE[1] + 1)),
                    "angle": 90,
                    "tickangle": 90,
                    "tickfont": {"size": 12 if web else 9, "color": MUTED_COLOR},
                    "gridcolor": GRID_COLOR,
                    "linecolor": GRID_COLOR,
                },
                "angularaxis": {
                    "direction": "clockwise",
                    "rotation": 90,
                    "gridcolor": GRID_COLOR,
                    "linecolor": GRID_COLOR,
                    "tickfont": {"size": WEB_FONT_SIZE if web else 11, "color": TEXT_COLOR},
                },
            },
        },
    }


def skill_bars_figure(
    skill: SkillResult, groups: Sequence[Group], *, labels_beside: bool = False
) -> dict[str, Any]:
    """One bar per published group with the others' 90% interval as a band and error bar.

    Every group of the round has a row; where the skill's score of a group is suppressed the
    row says so instead of showing a bar. labels_beside: no row labels and no scores, for a
    page that sets them beside the chart (bar_rows). Otherwise, for the web page: larger text,
    each score just past the end of its bar (past the interval's line on the all-others bar).
    """
    web = not labels_beside
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
    data: list[dict[str, Any]] = [bars]
    others = skill.scores.get("others")
    others_label = next(
        (label for group, label in zip(groups, labels, strict=True) if group.key == "others"), None
    )
    if skill.ci90 is not None and others is not None and others_label is not None:
        low, high = skill.ci90
        # The interval on the all-others bar alone, as a trace of its own: an error bar array
        # with gaps would still draw a zero-width cap at the end of every other bar.
        data.append(
            {
                "type": "scatter",
                "mode": "none",
                "x": [others],
                "y": [others_label],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [high - others],
                    "arrayminus": [others - low],
                    "color": TEXT_COLOR,
                    "thickness": 1.2,
                    "width": 5,
                },
                "hovertemplate": _(
                    "90%% range: %(low)s to %(high)s", low=number(low), high=number(high)
                )
                + "<extra></extra>",
            }
        )
    ends = {
        group.key: skill.ci90[1] if group.key == "others" and skill.ci90 is not None else score
        for group, score in zip(groups, scores, strict=True)
    }
    annotations = [
        _value_annotation(group, score, label, end=ends[group.key])
        for group, score, label in zip(groups, scores, labels, strict=True)
        if score is None or not labels_beside
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
    margin = {**WEB_BAR_MARGIN, "l": _label_margin(labels)} if web else PRINT_BAR_MARGIN
    return {
        "data": data,
        "layout": {
            **_base_layout(web),
            # A margin worked out here rather than plotly's automargin, which lays the figure
            # out twice (a third of its export time).
            "margin": margin,
            "showlegend": False,
            "bargap": 0.3,
            "shapes": shapes,
            "annotations": annotations,
            **_score_axes(web, show_labels=not labels_beside),
        },
    }


def _score_axes(web: bool, *, show_labels: bool = True) -> dict[str, Any]:
    """The 1-5 score axis across and the labels (skills, items) down, first at the top."""
    return {
        "xaxis": {
            "range": list(SCORE_RANGE),
            "dtick": 1,
            "gridcolor": GRID_COLOR,
            "zeroline": False,
            "fixedrange": True,
            "tickfont": {"size": 12 if web else 10, "color": MUTED_COLOR},
        },
        "yaxis": {
            "type": "category",
            "autorange": "reversed",
            "fixedrange": True,
            "showticklabels": show_labels,
            "tickfont": {"size": WEB_FONT_SIZE if web else 11, "color": TEXT_COLOR},
        },
    }


def _base_layout(web: bool = False) -> dict[str, Any]:
    return {
        "font": {"family": FONT_FAMILY, "size": WEB_FONT_SIZE if web else 11, "color": TEXT_COLOR},
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


def _value_annotation(
    group: Group, score: float | None, label: str, *, end: float | None
) -> dict[str, Any]:
    """The score just past `end`, the end of what its row draws, or the suppression note
    where the bar would be."""
    size = WEB_FONT_SIZE - 1
    common = {"y": label, "yref": "y", "showarrow": False, "font": {"size": size}}
    if score is None:
        note = _(NO_SELF_SCORE if group.key == "self" else SUPPRESSED)
        return {
            **common,
            "x": SCORE_RANGE[0],
            "xref": "x",
            "xanchor": "left",
            "text": f"<i>{html.escape(note)}</i>",
            "font": {"size": size, "color": MUTED_COLOR},
        }
    text = f"<b>{number(score)}</b>"
    return {**common, "x": end, "xref": "x", "xanchor": "left", "xshift": 5, "text": text}


def _label_margin(labels: Iterable[str]) -> int:
    return round(
        LABEL_PADDING + WEB_LABEL_CHAR_WIDTH * max(len(html.unescape(label)) for label in labels)
    )


def _wrapped(name: str) -> str:
    # Long words (German compounds: "Anpassungsfähigkeit") stay whole on a line of their own.
    lines = textwrap.wrap(name, THETA_WRAP, break_long_words=False)
    return "<br>".join(html.escape(line) for line in lines)
