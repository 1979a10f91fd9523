"""The norms in the report: a marker and its words on each skill with a norm, one sentence in
the summary; nothing of it without norms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reports.content import report_content
from reports.document import render_report_body, render_report_pdf
from reports.norms import norm_sentence
from reports.results import Norm
from tests.pdf_tools import pdf_text
from tests.reports.test_change_report import INSTRUMENT, first_round
from tests.reports.test_document import CONTEXT

COMPARED = "Compared with colleagues who had a 360 on the same questionnaire"


def with_norms(**norms):
    return replace(first_round(), norms=norms)


def test_the_summary_sentence():
    assert norm_sentence(first_round()) is None
    assert norm_sentence(with_norms(leadership=Norm(64, 42))) == (
        f"{COMPARED}, your score from others on Leadership and inspiration is higher than "
        "64 % of 42 colleagues'."
    )
    # Highest and lowest; in the instrument's order empathy comes before leadership.
    results = with_norms(leadership=Norm(35, 42), empathy=Norm(80, 41), adaptability=Norm(50, 42))
    assert norm_sentence(results) == (
        f"{COMPARED}, others' scores place you highest on Empathy and compassion (higher than "
        "80 % of 41 colleagues) and lowest on Leadership and inspiration (higher than 35 % of 42)."
    )
    # All alike: no highest or lowest to name.
    assert norm_sentence(with_norms(leadership=Norm(50, 12), empathy=Norm(50, 11))) == (
        f"{COMPARED}, your scores from others on Empathy and compassion and Leadership and "
        "inspiration are each higher than 50 % of colleagues'."
    )


def test_the_sentence_closes_the_summary():
    results = with_norms(leadership=Norm(64, 42))
    summary = report_content(results, INSTRUMENT, CONTEXT).summary
    assert summary[-1] == norm_sentence(results)
    assert summary[:-1] == report_content(first_round(), INSTRUMENT, CONTEXT).summary


def test_the_pdf_marks_each_skill_with_a_norm(tmp_path):
    results = with_norms(leadership=Norm(35, 42), empathy=Norm(80, 41))
    text = pdf_text(render_report_pdf(results, INSTRUMENT, CONTEXT), tmp_path)
    assert norm_sentence(results) in text
    skills = text[text.index("Skill by skill") :]
    assert skills.count("Among colleagues") == 3  # the explanation, then two skills
    # Each marker's words within its own skill's part (pdftotext may read the page's footer
    # between the row's heading and its words when the row ends a page).
    empathy = skills[skills.index("Empathy and compassion") : skills.index("Ethical decision")]
    assert "Among colleagues" in empathy and "Higher than 80 % of 41 colleagues" in empathy
    leadership = skills[skills.index("Leadership and inspiration") :]
    assert "Among colleagues" in leadership and "Higher than 35 % of 42 colleagues" in leadership


def test_the_page_draws_the_marker_where_the_percentile_is_and_nothing_without_norms():
    body = render_report_body(with_norms(leadership=Norm(35, 42)), INSTRUMENT, CONTEXT)
    assert body.count('class="norm-marker"') == 1
    assert '<circle cx="35"' in body
    assert "Higher than 35 % of 42 colleagues" in body
    plain = render_report_body(first_round(), INSTRUMENT, CONTEXT)
    assert "Among colleagues" not in plain and "norm-marker" not in plain


def test_the_marker_and_the_sentence_in_german():
    results = with_norms(leadership=Norm(35, 42))
    body = render_report_body(results, INSTRUMENT, CONTEXT, language="de")
    assert "Im Kollegenvergleich" in body
    assert "Höher als bei 35 % von 42 Kolleginnen und Kollegen" in body
    # The skill's name comes from the German questionnaire.
    assert (
        "liegt Ihre Bewertung durch andere bei Führung und Inspiration höher als bei 35 % von "
        "42 Kolleginnen und Kollegen." in body
    )


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    caplog.set_level("WARNING")
