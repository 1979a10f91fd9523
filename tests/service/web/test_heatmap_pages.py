"""The heatmap's pages: HR's page with its filters and downloads, a manager's row on the team
page, the dashboard's download of published results; the same numbers as the API."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from service.extensions import db
from service.models import Person, Round
from tests.service.insights_helpers import AD, EI, build_org
from tests.service.web.pages import PersonSession, words

CHART_DATA = re.compile(r'<script type="application/json" id="heatmap-data">(.*?)</script>', re.S)


@pytest.fixture
def org(app):
    return build_org(app)


def chart(page: str) -> dict:
    return json.loads(CHART_DATA.search(page).group(1))


def test_hr_sees_every_team_against_the_organisation(app, org):
    hana = PersonSession(app, "hana@example.org")
    page = hana.html("/hr/insights/heatmap")
    data = chart(page)
    # The organisation first, then Alice's team (the API's golden numbers): EI 3.5 against
    # 3.33 is +0.17; her adaptability (2 people) is not shown.
    assert data["rows"] == ["Whole organisation", "Alice Manager"]
    assert data["text"][0][:2] == ["3.33", "3.38"]
    assert data["text"][1][:2] == ["3.50", ""]
    assert data["z"][1][:2] == [0.17, None]
    assert data["n"][1][:2] == [3, None]
    assert data["z"][0][:2] == [0.0, 0.0]
    text = words(page)
    assert "3.50 3 people, +0.17" in text
    assert "at least 3 people contribute" in text
    assert '<script src="/assets/plotly.min.js"' in page
    assert 'href="/hr/insights/heatmap.xlsx"' in page


def test_the_filters_ride_on_the_address_and_bad_ones_get_a_422(app, org):
    hana = PersonSession(app, "hana@example.org")
    page = hana.html("/hr/insights/heatmap?group_by=department&closed_from=2026-01-01")
    assert chart(page)["rows"] == ["Whole organisation", "Sales"]
    assert "/hr/insights/heatmap.csv?group_by=department&amp;closed_from=2026-01-01" in page
    refused = hana.get("/hr/insights/heatmap?closed_from=2026-05-01&closed_to=2026-04-01")
    assert refused.status_code == 422
    assert "The end date is before the start date." in words(refused.get_data(as_text=True))
    assert hana.get("/hr/insights/heatmap?group_by=team").status_code == 422


def test_hr_downloads_the_heatmap_as_shown(app, org):
    hana = PersonSession(app, "hana@example.org")
    response = hana.get("/hr/insights/heatmap.csv?group_by=department")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    # Sales: EI (3 + 4 + 3.5 + 5) / 4 = 3.875 → 3.88 with 4 people (test_heatmap_api).
    assert rows[2][:4] == ["Sales", "Sales", "3.88", "4"]


def test_a_manager_sees_their_own_row_on_the_team_page_and_no_hr_page(app, org):
    alice = PersonSession(app, "alice@example.org")
    page = alice.html("/team")
    data = chart(page)
    # Her row alone, coloured by its distance from 3: EI 3.5 → +0.5.
    assert data["rows"] == ["Alice Manager"]
    assert data["z"][0][:2] == [0.5, None]
    assert "Whole organisation" not in page
    assert alice.get("/hr/insights/heatmap").status_code == 403
    assert alice.get("/hr/insights/heatmap.csv").status_code == 403
    # Omar manages nobody: no heatmap on his team page.
    omar = PersonSession(app, "omar@example.org")
    assert "heatmap-data" not in omar.html("/team")


def test_the_dashboard_downloads_the_ticked_rounds_published_scores(app, org):
    with app.app_context():
        closed = db.session.scalars(
            db.select(Round.id).where(Round.status == "closed").order_by(Round.closed_at)
        ).all()
        db.session.remove()
    hana = PersonSession(app, "hana@example.org")
    response = hana.post("/hr/insights/results.csv", {"round_id": closed[:2]})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    # The two oldest: p1's 2025 round (EI 1.0) and p4's (EI 2.0), seven skills each.
    assert len(rows) == 1 + 2 * 7
    others = rows[0].index("others: score")
    assert [row[others] for row in rows[1:] if row[4] in (EI, AD)] == ["1.0", "1.0", "2.0", "1.0"]
    nothing = hana.post("/hr/insights/results.xlsx", {})
    assert nothing.status_code == 422
    assert "Tick at least one closed round" in words(nothing.get_data(as_text=True))


def test_the_settings_page_sets_the_minimum_people_per_cell(app, org):
    hana = PersonSession(app, "hana@example.org")
    form = {"anonymity_threshold": "3", "reminder_days": "3, 1", "default_language": "en"}
    refused = hana.post("/hr/settings", form | {"heatmap_min_members": "11"})
    assert refused.status_code == 422
    assert "Enter a whole number from 2 to 10." in words(refused.get_data(as_text=True))
    assert hana.post("/hr/settings", form | {"heatmap_min_members": "2"}).status_code == 303
    assert "Team heatmap: minimum people per cell 2" in words(hana.html("/hr/settings"))
    # At 2, Bob's pair shows: (2 + 2.5) / 2 = 2.25.
    assert "Bob Manager" in chart(hana.html("/hr/insights/heatmap"))["rows"]


def test_hr_who_manages_sees_only_their_own_row_on_the_team_page(app, org):
    with app.app_context():
        hana = db.session.scalar(db.select(Person).filter_by(email="hana@example.org"))
        for person in db.session.scalars(db.select(Person).filter_by(manager_id=None)):
            if person.name.startswith("P"):
                person.manager_id = hana.id
        db.session.commit()
    page = PersonSession(app, "hana@example.org").html("/team")
    # Her only report with a round is Pat Six (p6), and one person is under the rule of 3.
    assert "heatmap-data" not in page
    assert "Not enough of your direct reports have a closed 360 yet." in words(page)


def test_the_heatmap_page_speaks_the_readers_language(app, org):
    with app.app_context():
        db.session.scalar(db.select(Person).filter_by(email="hana@example.org")).language = "de"
        db.session.commit()
    page = PersonSession(app, "hana@example.org").html("/hr/insights/heatmap")
    assert "<h1>Team-Heatmap</h1>" in page
    data = chart(page)
    assert data["rows"][0] == "Gesamte Organisation"
    assert data["skills"][0] == "Emotionale Intelligenz"
    assert "3 Personen, +0.17" in words(page)
