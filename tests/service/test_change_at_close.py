"""The change since the previous round, frozen at close: which round is the previous one, and
the previous round's scores at full precision (recomputed from its answers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.extensions import db
from service.models import Pulse, Round
from service.services.change import FULL_PRECISION, previous_round
from surveys.instrument import load_instrument
from tests.service.conftest import answer_all

INSTRUMENT = load_instrument("soft-skills", "1")
MAYA = "maya@example.org"


def _raters(scores):
    relationships = ["manager"] + ["peer"] * (len(scores) - 1)
    return [
        {"name": f"Rater {n}", "email": f"r{n}@example.org", "relationship": relationship}
        for n, relationship in enumerate(relationships)
    ]


def closed_round(api, hr, scores, *, self_score=None, subject=MAYA):
    """A round about `subject`: a manager then peers, each answering every item with their
    score (a list of scores answers item by item, one list per skill); closed; its id."""
    raters = _raters(scores)
    created = api.create_round(hr, subject_email=subject, raters=raters)
    tokens = api.launch(hr, created["id"])
    for rater, score in zip(raters, scores, strict=True):
        if isinstance(score, list):
            answers = {
                item.id: value
                for skill in INSTRUMENT.skills
                for item, value in zip(skill.items, score, strict=True)
            }
            response = api.call(
                "POST",
                "/api/v1/survey/submit",
                tokens[rater["email"]],
                json={"answers": answers, "comments": {}},
            )
            assert response.status_code == 200, response.get_json()
        else:
            answer_all(api, tokens[rater["email"]], score)
    if self_score is not None:
        answer_all(api, tokens[subject], self_score)
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr).status_code == 200
    return created["id"]


def results(api, hr, round_id):
    return api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).get_json()


def people(api):
    _, hr = api.person("hr")
    api.person("member", name="Maya Lind", email=MAYA)
    return hr


def test_a_first_round_has_no_change_and_the_second_compares_with_it(api):
    hr = people(api)
    first = closed_round(api, hr, [2, 3, 3, 3], self_score=5)
    assert "change" not in results(api, hr, first)
    second = closed_round(api, hr, [4, 4, 4, 3], self_score=4)
    change = results(api, hr, second)["change"]
    assert change["previous_round_id"] == first
    assert list(change["skills"]) == [skill.id for skill in INSTRUMENT.skills]
    # others before = (2 + 3 + 3 + 3) / 4 = 2.75; now = (4 + 4 + 4 + 3) / 4 = 3.75;
    # delta 1.0, rci = 1.0 / sqrt(0.1) = 3.1623: reliable, up. Self 5 before, 4 now.
    assert change["skills"]["leadership"] == {
        "before": 2.75,
        "now": 3.75,
        "delta": 1.0,
        "rci": 3.16,
        "reliable": True,
        "direction": "up",
        "self_before": 5.0,
        "self_now": 4.0,
    }


def test_the_latest_earlier_round_is_the_previous_one(api, app):
    hr = people(api)
    closed_round(api, hr, [2, 2, 2, 2])
    middle = closed_round(api, hr, [3, 3, 3, 3])
    latest = closed_round(api, hr, [3, 4, 4, 4])
    change = results(api, hr, latest)["change"]
    # Compared with the middle round (3.0), not the first (2.0): (3 + 4 + 4 + 4) / 4 = 3.75,
    # delta 0.75, rci = 0.75 / 0.31623 = 2.3717.
    assert change["previous_round_id"] == middle
    assert change["skills"]["empathy"]["before"] == 3.0
    assert change["skills"]["empathy"]["rci"] == 2.37
    with app.app_context():
        assert previous_round(db.session.get(Round, latest)).id == middle


def test_a_round_about_someone_else_or_on_another_version_is_never_used(api, app):
    hr = people(api)
    api.person("member", name="Ola Other", email="ola@example.org")
    closed_round(api, hr, [1, 1, 1, 1], subject="ola@example.org")
    other_version = closed_round(api, hr, [2, 2, 2, 2])
    with app.app_context():
        # As if it had been taken on another version of the questionnaire.
        db.session.get(Round, other_version).instrument_version = "0"
        db.session.commit()
    mine = closed_round(api, hr, [4, 4, 4, 4])
    assert "change" not in results(api, hr, mine)
    with app.app_context():
        assert previous_round(db.session.get(Round, mine)) is None


def test_a_skill_suppressed_in_the_previous_round_has_no_change(api):
    hr = people(api)
    # Three raters, but the second peer answers only 2 of every skill's 5 statements: below
    # half, so they count for no skill; others has 2 raters < k = 3 and is not published.
    first = closed_round(api, hr, [3, 3, [3, 3, None, None, None]])
    assert "others" not in results(api, hr, first)["skills"][0]["scores"]
    second = closed_round(api, hr, [4, 4, 4, 4])
    assert results(api, hr, second)["change"] == {"previous_round_id": first, "skills": {}}


@pytest.mark.parametrize("stored_before", [True, False], ids=["stored", "recomputed"])
def test_the_previous_round_counts_at_full_precision(api, app, stored_before):
    hr = people(api)
    # Before: (3 + 3 + 4) / 3 = 3.3333 (published 3.33). Now: the last peer answers one
    # statement of each skill with 3 and the rest with 4, a skill score of 19 / 5 = 3.8;
    # (4 + 4 + 4 + 3.8) / 4 = 3.95. delta = 0.61667, rci = 0.61667 / 0.31623 = 1.9501: not
    # reliable. From the published 3.33 it would be 0.62 / 0.31623 = 1.9606, reliable.
    first = closed_round(api, hr, [3, 3, 4])
    with app.app_context():
        stored = db.session.get(Round, first)
        # Kept beside the published document, never served.
        assert stored.results[FULL_PRECISION]["others"]["leadership"] == pytest.approx(10 / 3)
        if not stored_before:
            # As a round stored before full precision was kept: recomputed from its answers.
            stored.results = {k: v for k, v in stored.results.items() if k != FULL_PRECISION}
            db.session.commit()
    assert FULL_PRECISION not in results(api, hr, first)
    second = closed_round(api, hr, [4, 4, 4, [3, 4, 4, 4, 4]])
    listening = results(api, hr, second)["change"]["skills"]["leadership"]
    assert results(api, hr, first)["skills"][0]["scores"]["others"] == 3.33
    assert listening["before"] == 3.33
    assert listening["now"] == 3.95
    assert listening["delta"] == 0.62
    assert listening["rci"] == 1.95
    assert listening["reliable"] is False


def test_the_report_of_the_second_round_says_what_changed(api):
    hr = people(api)
    first = closed_round(api, hr, [2, 3, 3, 3], self_score=5)
    second = closed_round(api, hr, [4, 4, 4, 3], self_score=4)
    first_page = api.call("GET", f"/api/v1/rounds/{first}/report.html", hr)
    assert first_page.status_code == 200
    assert "Since your last 360" not in first_page.get_data(as_text=True)
    page = api.call("GET", f"/api/v1/rounds/{second}/report.html", hr).get_data(as_text=True)
    assert "Since your last 360" in page
    # Every skill rose from 2.75 to 3.75 (rci 3.16): one sentence each, the date of the first.
    assert page.count("higher: 3.75, up from 2.75.") == len(INSTRUMENT.skills)
    assert "which closed on" in page


def test_the_report_shows_the_last_rounds_impact_pulse_beside_the_change(api, app):
    hr = people(api)
    first = closed_round(api, hr, [2, 3, 3, 3])
    with app.app_context():
        # The last round's pulse, closed, with all others' mean change published for one
        # skill (its answers are the pulse's own tests' business).
        db.session.add(
            Pulse(
                round_id=first,
                skill_ids=["leadership", "empathy"],
                status="closed",
                deadline=datetime.now(UTC),
                comment_seed=7,
                closed_at=datetime.now(UTC),
                results={
                    "groups": [],
                    "skills": [
                        {"id": "leadership", "scores": {"others": 1.4}, "n": {"others": 3}},
                        {"id": "empathy", "scores": {}, "n": {}},
                    ],
                    "comments": [],
                },
            )
        )
        db.session.commit()
    second = closed_round(api, hr, [4, 4, 4, 3])
    page = api.call("GET", f"/api/v1/rounds/{second}/report.html", hr).get_data(as_text=True)
    table = page[page.index('<table class="chart-data change-data">') :]
    table = table[: table.index("</table>")]
    assert "Pulse (−3 to +3)" in table
    leadership = table[table.index("Leadership and inspiration") :].split("</tr>")[0]
    assert "+1.40" in leadership
    # Asked but with too few answers (empathy), or never asked: no figure.
    assert table.count("no figure") == len(INSTRUMENT.skills) - 1
