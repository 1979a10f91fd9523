"""The report's "Since your last 360": in the PDF and on the web page when the results carry a
change, absent from a first round's report; the radar's outline of the last round."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reports import charts
from reports.change import SkillScores, compute_change
from reports.document import render_report_body, render_report_pdf
from reports.results import Results
from surveys.instrument import load_instrument
from tests.pdf_tools import pdf_text
from tests.reports.test_document import CONTEXT

FIXTURES = Path(__file__).parent / "fixtures"
INSTRUMENT = load_instrument("soft-skills", "1")
# The previous round's all others and self for three skills; the demo's now: leadership 2.91,
# adaptability 3.50, empathy 4.12 (self 4.2, 4.0, 3.6).
BEFORE = SkillScores(
    others={"leadership": 2.2, "adaptability": 4.2, "empathy": 4.0},
    self={"leadership": 4.0, "adaptability": 4.0},
)


def first_round() -> Results:
    return Results.from_dict(json.loads((FIXTURES / "demo_results.json").read_text()))


def second_round() -> Results:
    results = first_round()
    now = SkillScores(
        others={s.id: s.scores["others"] for s in results.skills},
        self={s.id: s.scores["self"] for s in results.skills},
    )
    skill_ids = [skill.id for skill in INSTRUMENT.skills]
    change = compute_change("r-before", skill_ids, BEFORE, now, score_sd=0.5, reliability=0.8)
    return replace(results, change=change)


def test_the_change_has_reliable_and_unreliable_skills():
    change = second_round().change.to_dict()["skills"]
    # leadership: 2.91 - 2.2 = 0.71, rci = 0.71 / 0.31623 = 2.245: reliable, up.
    # adaptability: 3.5 - 4.2 = -0.7, rci = -2.214: reliable, down.
    # empathy: 4.12 - 4.0 = 0.12, rci = 0.379: not reliable.
    assert [(key, c["direction"]) for key, c in change.items()] == [
        ("adaptability", "down"),
        ("empathy", None),
        ("leadership", "up"),
    ]


def test_the_pdf_says_what_changed_since_the_last_round(tmp_path):
    context = replace(CONTEXT, previous_closed_at=CONTEXT.closed_at.replace(year=2025))
    text = pdf_text(render_report_pdf(second_round(), INSTRUMENT, context), tmp_path)
    assert "Since your last 360" in text
    assert "which closed on 17 March 2025" in text
    assert "Others now rate your Leadership and inspiration higher: 2.91, up from 2.20." in text
    assert "Others now rate your Adaptability and resilience lower: 3.50, down from 4.20." in text
    assert "compassion higher" not in text and "compassion lower" not in text
    # The reliable threshold in points: 1.96 x 0.31623 = 0.62.
    assert "a move of about 0.62 points or more" in text
    # The summary comes first, then the change, then the skills.
    assert text.index("Summary") < text.index("Since your last 360") < text.index("Skill by skill")


def test_a_first_rounds_pdf_has_no_such_section(tmp_path):
    text = pdf_text(render_report_pdf(first_round(), INSTRUMENT, CONTEXT), tmp_path)
    assert "Since your last 360" not in text
    assert "last round" not in text


def test_the_web_page_has_the_chart_its_table_and_the_pulse():
    context = replace(CONTEXT, previous_pulse={"leadership": 1.4})
    body = render_report_body(second_round(), INSTRUMENT, context)
    assert "Since your last 360</h2>" in body
    section = body[body.index('<section class="change">') : body.index('<section class="skills">')]
    assert section.count("<figure") == 1 and "<figcaption>" in section
    assert "alt=\"Chart of all others' score per skill" in section
    # One row per compared skill, in the questionnaire's order; the pulse beside leadership.
    rows = section.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [row.split('scope="row">')[1].split("<")[0] for row in rows] == [
        "Adaptability and resilience",
        "Empathy and compassion",
        "Leadership and inspiration",
    ]
    assert "Yes, down" in rows[0] and "No" in rows[1] and "Yes, up" in rows[2]
    assert "+1.40" in rows[2] and "no figure" in rows[0]
    # The radar's table and legend carry the last round's all others.
    radar = body[: body.index('<section class="change">')]
    assert "All others, last round" in radar
    assert "2.20" in radar and "not compared" in radar


def test_a_first_rounds_page_has_no_section_and_no_outline():
    body = render_report_body(first_round(), INSTRUMENT, CONTEXT)
    assert "Since your last 360" not in body
    assert "last round" not in body


def test_the_charts_colour_reliable_changes_and_outline_the_last_round():
    results = second_round()
    figure = charts.change_figure(results)
    lines = [trace for trace in figure["data"] if trace["mode"] == "lines"]
    colours = {tuple(trace["x"]): trace["line"]["color"] for trace in lines}
    assert colours[(4.2, 3.5)] == charts.FALL_COLOR
    assert colours[(4.0, 4.12)] == charts.UNCHANGED_COLOR
    assert colours[(2.2, 2.91)] == charts.RISE_COLOR
    radar = charts.radar_figure(results)
    outline = radar["data"][0]
    assert outline["name"] == charts.PREVIOUS_LABEL
    # In the instrument's order, closing on the first; None where a skill is not compared.
    assert outline["r"] == [None, 4.2, None, 4.0, None, 2.2, None, None]
    assert [chart.id for chart in charts.report_charts(results)][:2] == ["radar", "change"]
    assert "change" not in [chart.id for chart in charts.report_charts(first_round())]
    assert charts.PREVIOUS_LABEL not in json.dumps(charts.radar_figure(first_round()))


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    caplog.set_level("WARNING")
