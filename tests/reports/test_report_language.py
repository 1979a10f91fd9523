"""The report in its reader's language: words from its own catalog, the instrument's texts in
that language, numbers and dates as the language writes them; the numbers themselves never
change with the language."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reports import charts, language
from reports.document import render_report_body, render_report_pdf
from reports.html import label_points
from reports.localized import results_in_language
from tests.pdf_tools import pdf_text, run_tool
from tests.reports.test_document import CONTEXT, INSTRUMENT, demo_results


@pytest.mark.parametrize(
    ("code", "score", "gap", "day", "listed"),
    [
        ("en", "3.50", "\N{MINUS SIGN}1.25", "17 March 2026", "A, B and C"),
        ("de", "3,50", "\N{MINUS SIGN}1,25", "17. März 2026", "A, B und C"),
        ("fr", "3,50", "\N{MINUS SIGN}1,25", "17 mars 2026", "A, B et C"),
        ("es", "3,50", "\N{MINUS SIGN}1,25", "17 de marzo de 2026", "A, B y C"),
    ],
)
def test_numbers_dates_and_lists_as_the_language_writes_them(code, score, gap, day, listed):
    with language.writing_in(code):
        assert language.number(3.5) == score
        assert language.signed(-1.25) == gap
        assert language.signed(0.4) == ("+0.40" if code == "en" else "+0,40")
        # A fall too small to show still reads as one, as "%+.2f" prints -0.001.
        assert language.signed(-0.001)[0] == "\N{MINUS SIGN}"
        assert language.day(CONTEXT.closed_at) == day
        assert language.joined(["A", "B", "C"]) == listed
    assert language.number(3.5) == "3.50"  # English again outside


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="supported: en, de, fr, es"):
        language.report_language("xx")


def test_the_words_change_with_the_language_and_never_a_number():
    results = demo_results()
    with language.writing_in("es"):
        spanish = results_in_language(results, INSTRUMENT.in_language("es"), "Maya")
    es = INSTRUMENT.in_language("es")
    assert [skill.name for skill in spanish.skills] == [skill.name for skill in es.skills]
    assert spanish.skills[0].items[0].text == es.skills[0].items[0].text_for("observer", "Maya")
    assert [group.label for group in spanish.groups][-1] == "Todos los demás"
    # Every number, flag and id as frozen: only the words differ.
    for before, after in zip(results.skills, spanish.skills, strict=True):
        assert replace(after, name=before.name, items=before.items) == before
        assert [replace(item, text="") for item in after.items] == [
            replace(item, text="") for item in before.items
        ]


def test_a_french_pdf_has_french_words_skill_names_and_metadata_language(tmp_path):
    pdf = render_report_pdf(demo_results(), INSTRUMENT, CONTEXT, "fr")
    text = pdf_text(pdf, tmp_path)
    french = INSTRUMENT.in_language("fr")
    for skill in french.skills:
        assert skill.name in text, skill.name
    for heading in (
        "Rapport de développement",
        "Synthèse",
        "Compétence par compétence",
        "Plan de développement",
        "Comment fonctionnent les notes et l'anonymat",
    ):
        assert heading in text, heading
    # The demo's lowest skill, 2.91 from all others, and the close, in French.
    assert "Leadership et inspiration (2,91)" in text
    assert "17 mars 2026" in text
    assert "Skill by skill" not in text and "Summary" not in text
    # The pages' running footer too.
    assert "Rapport de développement — Maya Lind · Confidentiel" in text
    assert re.search(r"Page 3 sur \d+", text)
    # WeasyPrint writes <html lang> into the document catalog's /Lang.
    (tmp_path / "fr.pdf").write_bytes(pdf)
    catalog = run_tool("qpdf", "--show-object=trailer", str(tmp_path / "fr.pdf"))
    root = re.search(r"/Root (\d+) 0 R", catalog)[1]
    assert "/Lang (fr)" in run_tool("qpdf", f"--show-object={root}", str(tmp_path / "fr.pdf"))


def test_a_german_body_names_its_groups_and_decimals_in_german():
    body = render_report_body(demo_results(), INSTRUMENT, CONTEXT, "de")
    assert "<h2>Zusammenfassung</h2>" in body
    assert "Alle anderen" in body and "Führungskraft" in body
    assert re.search(r">\d,\d\d<", body)
    assert not re.search(r">\d\.\d\d<", body)


def test_long_words_and_labels_stay_whole():
    # The radar's skill names wrap between words, never inside one.
    assert (
        charts._wrapped("Anpassungsfähigkeit und Resilienz")
        == "Anpassungsfähigkeit<br>und Resilienz"
    )
    # A print bar chart's labels: 8 pt up to 34 characters; 45 take 8 * 34 / 45 = 6.0 pt.
    assert label_points([("Self", "4.00"), ("Direct reports + others (n=5)", "")]) is None
    assert label_points([("Colaboradores directos + otras personas (n=5)", "")]) == 6.0
