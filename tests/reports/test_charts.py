"""The report's plotly figures: valid, faithful to the results, for print and for the web page."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import plotly.graph_objects as go
import pytest

from reports import charts
from reports.results import Results

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def results() -> Results:
    return Results.from_dict(json.loads((FIXTURES / "demo_results.json").read_text()))


def with_scores(results: Results, skill_id: str, **scores) -> Results:
    """The results with one skill's scores replaced (a suppressed group is simply absent)."""
    skills = tuple(
        dataclasses.replace(skill, scores=scores) if skill.id == skill_id else skill
        for skill in results.skills
    )
    return dataclasses.replace(results, skills=skills)


def test_every_figure_is_a_valid_plotly_figure(results):
    report_charts = charts.report_charts(results)
    assert [chart.id for chart in report_charts] == ["radar"] + [
        f"skill-{skill.id}" for skill in results.skills
    ]
    for chart in report_charts:
        go.Figure(chart.figure)  # raises on any property plotly does not know


def test_the_radar_draws_the_published_groups_over_every_skill(results):
    figure = charts.radar_figure(results)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["All others", "Manager", "Peers", "Direct reports + others", "Self"]
    self_trace = figure["data"][-1]
    assert self_trace["r"] == [skill.scores["self"] for skill in results.skills] + [4.0]
    assert len(self_trace["theta"]) == len(results.skills) + 1


def test_the_radar_leaves_out_a_group_with_nothing_published(results):
    only_self = dataclasses.replace(
        results, skills=tuple(dataclasses.replace(s, scores={"self": 3.0}) for s in results.skills)
    )
    assert [trace["name"] for trace in charts.radar_figure(only_self)["data"]] == ["Self"]


def test_the_bars_show_scores_and_the_others_interval(results):
    skill = next(skill for skill in results.skills if skill.id == "leadership")
    figure = charts.skill_bars_figure(skill, results.groups)
    bars = figure["data"][0]
    assert bars["x"] == [4.2, 2.8, 2.86, 3.0, 2.91]
    assert bars["y"][0] == "Self" and bars["y"][-1] == "All others (n=8)"
    low, high = skill.ci90
    # The interval is a trace of its own on the all-others row: no bar but that one has it.
    assert "error_x" not in bars
    interval = figure["data"][1]
    assert interval["y"] == ["All others (n=8)"] and interval["x"] == [2.91]
    assert interval["error_x"]["array"] == [pytest.approx(high - 2.91)]
    assert interval["error_x"]["arrayminus"] == [pytest.approx(2.91 - low)]
    band = figure["layout"]["shapes"][0]
    assert (band["x0"], band["x1"]) == skill.ci90
    values = [note["text"] for note in figure["layout"]["annotations"]]
    assert values == ["<b>4.20</b>", "<b>2.80</b>", "<b>2.86</b>", "<b>3.00</b>", "<b>2.91</b>"]
    # Each score sits just past the end of its bar, the all-others one past its interval's
    # line: next to what it labels, never over it.
    ends = [(note["x"], note["xref"], note["xanchor"]) for note in figure["layout"]["annotations"]]
    assert ends == [(end, "x", "left") for end in (4.2, 2.8, 2.86, 3.0, high)]


def test_the_web_radar_leaves_its_legend_to_the_page(results):
    assert charts.radar_figure(results, web=True)["layout"]["showlegend"] is False
    assert charts.radar_figure(results)["layout"]["showlegend"] is True
    assert [group.key for group in charts.radar_groups(results)] == [
        "self",
        "manager",
        "peer",
        "direct_report",
        "others",
    ]


def test_the_print_bars_leave_labels_and_scores_to_the_page(results):
    skill = next(skill for skill in results.skills if skill.id == "leadership")
    figure = charts.skill_bars_figure(skill, results.groups, labels_beside=True)
    assert figure["layout"]["yaxis"]["showticklabels"] is False
    assert figure["layout"]["annotations"] == []
    assert charts.bar_rows(skill, results.groups) == [
        ("Self", "4.20"),
        ("Manager (n=1)", "2.80"),
        ("Peers (n=4)", "2.86"),
        ("Direct reports + others (n=3)", "3.00"),
        ("All others (n=8)", "2.91"),
    ]
    _radar, *bars = charts.report_charts(results, for_print=True)
    # Exactly one row of text a bar: BAR_ROW_HEIGHT px a row between the plot's margins.
    margin = charts.PRINT_BAR_MARGIN
    assert {(chart.width, chart.height) for chart in bars} == {
        (
            charts.PRINT_BAR_WIDTH,
            margin["t"] + margin["b"] + charts.BAR_ROW_HEIGHT * len(results.groups),
        )
    }


def test_a_suppressed_print_bar_keeps_its_note_and_has_no_score(results):
    suppressed = with_scores(results, "leadership", self=4.2, others=2.91)
    skill = next(skill for skill in suppressed.skills if skill.id == "leadership")
    figure = charts.skill_bars_figure(skill, suppressed.groups, labels_beside=True)
    notes = [note["text"] for note in figure["layout"]["annotations"]]
    assert notes == [f"<i>{charts.SUPPRESSED}</i>"] * 3
    assert [score for _, score in charts.bar_rows(skill, suppressed.groups)] == [
        "4.20",
        "",
        "",
        "",
        "2.91",
    ]


def test_a_suppressed_group_reads_not_shown_instead_of_a_bar(results):
    suppressed = with_scores(results, "leadership", self=4.2, others=2.91)
    skill = next(skill for skill in suppressed.skills if skill.id == "leadership")
    figure = charts.skill_bars_figure(skill, suppressed.groups)
    assert figure["data"][0]["x"] == [4.2, None, None, None, 2.91]
    notes = [note["text"] for note in figure["layout"]["annotations"]]
    assert notes.count(f"<i>{charts.SUPPRESSED}</i>") == 3
    assert "0.00" not in json.dumps(figure)
