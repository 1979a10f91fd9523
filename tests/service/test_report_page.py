"""The report as a page of the site: the PDF's numbers, no plotly or foreign script, the body
rendered once per version of the results and read from its file after that."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports.charts import SUPPRESSED
from service.models import AuditEvent
from tests.conftest import Api
from tests.pdf_tools import pdf_text
from tests.service.conftest import INSTRUMENT, late_peers
from tests.service.web.pages import PersonSession


class Tables(HTMLParser):
    """Every table of a page: its class and its rows, each row the text of its cells."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def of_class(self, name: str) -> list[list[list[str]]]:
        return [rows for classes, rows in self.tables if name in classes.split()]


@pytest.fixture
def maya_page(app, scored_round):
    """A browser signed in as Maya, and her closed round's id."""
    _, _, round_id = scored_round
    return PersonSession(app, "maya@example.org"), round_id


def test_the_page_shows_the_numbers_the_pdf_prints(maya_page, tmp_path):
    client, round_id = maya_page
    page = client.get(f"/rounds/{round_id}/report")
    assert page.status_code == 200
    tables = Tables(page.get_data(as_text=True))
    pdf = client.get(f"/rounds/{round_id}/report.pdf")
    text = pdf_text(pdf.data, tmp_path)
    pdf.close()

    # The scored round: self 5; manager 2; peers 4, 3, 2; a direct report 5 (pooled into
    # the peers' block: "Peers + direct reports", n=4). Every rater gives one score to every
    # item, so on every skill: self 5.00, manager 2.00, the peers' block (4+3+2+5)/4 = 3.50,
    # all others (2+4+3+2+5)/5 = 3.20.
    expected = {
        "Self": "5.00",
        "Manager (n=1)": "2.00",
        "Peers + direct reports (n=4)": "3.50",
        "All others (n=5)": "3.20",
    }
    bars = tables.of_class("bar-data")
    assert len(bars) == len(INSTRUMENT.skills)
    overview_start = text.index("Skill You All others Gap")
    skills_start = text.index("Skill by skill")
    for skill, rows in zip(INSTRUMENT.skills, bars, strict=True):
        shown = {label: score for label, score in rows[1:] if not label.startswith("90%")}
        assert shown == expected, skill.id
        # The PDF's skill section prints the same labels and scores beside its bars.
        start = text.index(skill.name, skills_start)
        section = text[start : text.index("Gap (you minus all others)", start)]
        for label, score in shown.items():
            assert label in section and score in section, (skill.id, label)
        # The 90% range (drawn, not printed, in the PDF): 3.20 ± t(0.95, 4) · sd / √5 with
        # the raters' scores 2, 4, 3, 2, 5: sd = √(((1.2)² + 0.8² + 0.2² + 1.2² + 1.8²) / 4)
        # = √1.7 = 1.3038; t = 2.1318: ± 1.2431, so 1.96 to 4.44.
        assert rows[-1] == ["90% range of all others", "1.96 to 4.44"], skill.id
        # The overview row of the skill, in both: you 5.00, all others 3.20, gap +1.80.
        assert f"{skill.name} 5.00 3.20 +1.80" in text[overview_start:skills_start]

    (overview,) = tables.of_class("overview")
    assert [row[:4] for row in overview[1:]] == [
        [skill.name, "5.00", "3.20", "+1.80"] for skill in INSTRUMENT.skills
    ]
    # The radar's table: each skill's score of each group the radar draws.
    (radar,) = tables.of_class("chart-data")[:1]
    assert radar[0] == ["Skill", "You", "Manager", "Peers + direct reports", "All others"]
    assert radar[1:] == [
        [skill.name, "5.00", "2.00", "3.50", "3.20"] for skill in INSTRUMENT.skills
    ]
    # Each statement's scores: the same per group as the skill's (one score to every item).
    items = tables.of_class("items")
    assert [row[1:5] for table in items for row in table[1:]] == [
        ["5.00", "2.00", "3.50", "3.20"] for _ in INSTRUMENT.item_ids
    ]


def test_the_page_is_a_page_of_the_site_with_one_h1_and_a_way_back(maya_page):
    client, round_id = maya_page
    page = client.html(f"/rounds/{round_id}/report")
    assert page.count("<h1") == 1
    assert re.search(r"<h1>Development report: Maya Lind</h1>", page)
    assert page.count("<main") == 1 and 'class="site-header"' in page
    assert f'href="/rounds/{round_id}">Back to your 360</a>' in page
    assert f'href="/rounds/{round_id}/report.pdf?lang=en"' in page  # the page's language
    # Agreement in words; the rwg number only in the explanation at the end.
    assert "Raters largely agree" in page or "Views differ" in page or "Some spread" in page
    appendix = page.index("How scores and anonymity work")
    assert "rwg" not in page[:appendix]
    assert "Agreement (rwg) runs from 0" in page[appendix:]


def test_the_page_loads_no_plotly_and_no_script_from_elsewhere(maya_page):
    client, round_id = maya_page
    page = client.html(f"/rounds/{round_id}/report")
    assert "plotly" not in page.lower()
    sources = re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="([^"]*)"', page)
    assert sources, "the page links its stylesheets"
    for source in sources:
        # Its own files, the charts inline, and the site's empty icon.
        assert source.startswith(("/", "data:image/svg+xml;base64,", "data:,")), source
        assert not source.startswith("//"), source
    assert "https://" not in page and "http://" not in page
    # Any script is the site's own file; the report's part of the page has none at all.
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert re.search(r'src="/static/[^"]+\.js"', tag), tag
    body = page[page.index('<div class="report">') :]
    assert "<script" not in body[: body.index("</main>")]
    # Comments typed as HTML are shown as text.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def stored_bodies(app, round_id: str) -> list[Path]:
    return list((Path(app.config["INSTANCE_PATH"]) / "reports").glob(f"{round_id}-*.html"))


def test_the_body_is_rendered_once_per_results_version(app, api: Api, client, scored_round):
    hr, _, round_id = scored_round
    url = f"/api/v1/rounds/{round_id}/report.html"
    # The worker rendered the body when the round closed; each request reads that file: a
    # mark written into it shows on the page, request after request.
    (stored,) = stored_bodies(app, round_id)
    stored.write_text(stored.read_text() + "<p>read from the stored file</p>")
    for _ in range(2):
        assert "read from the stored file" in api.call("GET", url, hr).get_data(as_text=True)

    late_peers(api, hr, round_id, [1, 1, 1])  # a new version of the results: rendered anew
    third = api.call("GET", url, hr).get_data(as_text=True)
    (now_stored,) = stored_bodies(app, round_id)
    assert now_stored != stored and not stored.exists()
    assert "read from the stored file" not in third


def test_the_worker_renders_the_body_with_the_pdf(app, scored_round):
    from service.services.development_reports import render_stored_report

    _, _, round_id = scored_round
    for stored in stored_bodies(app, round_id):
        stored.unlink()
    with app.app_context():
        render_stored_report(round_id)
    (stored,) = stored_bodies(app, round_id)
    assert "Skill by skill" in stored.read_text()


def test_the_api_document_stands_alone(api: Api, scored_round):
    hr, _, round_id = scored_round
    response = api.call("GET", f"/api/v1/rounds/{round_id}/report.html", hr)
    assert response.status_code == 200 and response.mimetype == "text/html"
    document = response.get_data(as_text=True)
    assert document.startswith("<!DOCTYPE html>")
    assert document.count("<h1") == 1 and "Development report: Maya Lind" in document
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', document) == [
        "/static/report-page.css"
    ]
    assert "plotly" not in document.lower() and "<script" not in document
    assert SUPPRESSED not in document or "not shown" in document


def test_each_view_is_audited(app, maya_page):
    client, round_id = maya_page
    with app.app_context():
        before = AuditEvent.query.filter_by(action="report_viewed").count()
    client.html(f"/rounds/{round_id}/report")
    client.html(f"/rounds/{round_id}/report")
    with app.app_context():
        assert AuditEvent.query.filter_by(action="report_viewed").count() == before + 2
