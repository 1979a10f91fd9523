"""The one-page pulse report: its tables hold exactly the published numbers, user text is
escaped, and the PDF is one page with the same words."""

from __future__ import annotations

import re

from reports.pulse_report import render_pulse_report, render_pulse_report_pdf
from tests.pdf_tools import pdf_text, run_tool

DOCUMENT = {
    "groups": [
        {"key": "peer", "label": "Peers", "members": ["peer"], "n": 3},
        {"key": "others", "label": "All others", "members": ["peer"], "n": 3},
    ],
    "skills": [
        {
            "id": "empathy",
            "scores": {"peer": 1.0, "others": 1.0},
            "n": {"peer": 3, "others": 3},
            "distribution": {"-3": 0, "-2": 0, "-1": 0, "0": 1, "1": 1, "2": 1, "3": 0, "na": 0},
        },
        {"id": "leadership", "scores": {}, "n": {}, "distribution": None},
    ],
    "comments": ["<script>alert(1)</script>", "Listens more"],
    # 8 asked in one set of at least k, 3 of them answered.
    "responses": {"sets": [{"invited": 8, "submitted": 3}]},
}
CONTEXT = {
    "subject_name": "Maya Lind",
    "skill_names": {"empathy": "Empathy and compassion", "leadership": "Leadership"},
    "closed_on": "Tuesday 1 June 2027",
}


def test_the_web_body_shows_the_published_numbers_and_escapes_comments():
    html = render_pulse_report(DOCUMENT, web=True, **CONTEXT)
    assert "<h1" not in html  # the page around it has the heading
    assert '<th scope="row">Peers</th><td>+1.00</td><td>3</td>' in html
    assert '<th scope="row">All others</th><td>+1.00</td><td>3</td>' in html
    # Leadership published nothing: said so, with no table.
    assert "Not shown: fewer than the anonymity threshold observed this skill." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "3 of 8 people asked answered" in html


def test_the_pdf_is_one_page_with_the_same_words(tmp_path):
    pdf = render_pulse_report_pdf(DOCUMENT, **CONTEXT)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)  # writes tmp_path / "report.pdf"
    info = run_tool("pdfinfo", str(tmp_path / "report.pdf"))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert "Impact pulse: Maya Lind" in text
    assert "Empathy and compassion" in text and "+1.00" in text
    assert "Listens more" in text


def test_the_body_in_spanish_names_groups_numbers_and_who_answered_in_spanish():
    html = render_pulse_report(
        {
            **DOCUMENT,
            "skills": [{**DOCUMENT["skills"][0], "scores": {"peer": -1.5, "others": 0.25}}],
        },
        **CONTEXT,
        web=True,
        language="es",
    )
    assert '<th scope="row">Compañeros</th><td>\N{MINUS SIGN}1,50</td><td>3</td>' in html
    assert '<th scope="row">Todos los demás</th><td>+0,25</td><td>3</td>' in html
    assert "respondieron 3 de 8 personas consultadas" in html
    assert "No observado" in html and "mucho mejor" in html


def test_when_a_set_is_too_small_only_how_many_were_asked_is_said():
    # One set below k: how many answered is not shown, in any set (3 + 2 = 5 asked).
    sets = [{"invited": 3, "submitted": 2}, {"invited": 2, "submitted": None}]
    html = render_pulse_report({**DOCUMENT, "responses": {"sets": sets}}, **CONTEXT, web=True)
    assert "Closed Tuesday 1 June 2027; 5 people were asked.</p>" in html
