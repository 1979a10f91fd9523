"""The team heatmap in a real browser: plotly.js from this site draws teams × skills with the
averages printed in the cells; the table holds the same numbers; axe-clean, never wider than
the window. Its picture is docs/heatmap.png."""

from __future__ import annotations

import random

from playwright.sync_api import expect

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.sign_in_links import mint_sign_in_link
from tests.browser.conftest import ARTIFACTS
from tests.browser.page_checks import serious_violations, too_wide
from tests.service.insights_helpers import SKILLS, add_person, closed_round, day

TEAMS = ["Amira Haddad", "Jonas Becker", "Lucía Romero", "Tom Okafor", "Yuki Tanaka"]


def five_teams(app) -> None:
    """Five managers with four people each, every person's latest round closed in 2026; one
    in eight skills withheld, so some cells fall under the rule of 3."""
    rng = random.Random(7)
    with app.app_context():
        hana = add_person("Hana Reyes", role="hr", email="hana@example.org")
        for t, name in enumerate(TEAMS):
            manager = add_person(name, email=f"manager{t}@example.org")
            lean = rng.uniform(-0.5, 0.5)
            for n in range(4):
                person = add_person(f"Person {t}-{n}", manager=manager)
                others = {
                    skill: None
                    if rng.random() < 0.125
                    else round(min(5.0, max(1.0, 3.6 + lean + rng.uniform(-0.6, 0.6))), 2)
                    for skill in SKILLS
                }
                closed_round(person, hana, others, day(2026, 5, 1 + 4 * t + n))


def test_the_heatmap_page_draws_teams_by_skills(app, new_page, live_server):
    five_teams(app)
    page = new_page()
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with app.app_context():
        token = mint_sign_in_link(find_person_by_email("hana@example.org"))
        db.session.commit()
    page.goto(f"{live_server}/sign-in/{token}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Heatmap").click()
    expect(page.get_by_role("heading", name="Team heatmap")).to_be_visible()
    chart = page.locator("#heatmap-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    # The organisation and the five teams, down; the seven skills, across.
    expect(chart.locator(".heatmaplayer")).to_have_count(1)
    expect(page.locator("table.heatmap-data tbody tr")).to_have_count(1 + len(TEAMS))
    # Averages printed in the cells: as many as the table shows.
    shown = page.locator("table.heatmap-data td:not(:has(.muted:only-child))").count()
    assert shown > 0
    problems = serious_violations(page, "heatmap") + too_wide(page, "heatmap")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("main").screenshot(path=ARTIFACTS / "heatmap.png")
    assert problems == []
    assert errors == []
    assert scripts and all(url.startswith(live_server) for url in scripts), scripts
