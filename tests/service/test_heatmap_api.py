"""The team heatmap through the API (docs/scoring.md, "Team heatmap"): golden cells worked by
hand from frozen results documents, groupings, who sees which rows, dates, bad parameters."""

from __future__ import annotations

import random

import pytest

from service.extensions import db
from service.models import AuditEvent
from service.services.errors import Invalid
from service.services.people import issue_api_token
from service.services.settings import current_settings, update_settings
from tests.service.insights_helpers import SKILLS, add_person, build_org, closed_round, day

EI, AD = SKILLS[0], SKILLS[1]
URL = "/api/v1/insights/heatmap"


@pytest.fixture
def org(app):
    return build_org(app)


def get(api, token, **params):
    return api.call("GET", URL, token, query_string=params)


def set_min_members(app, hana_id, value):
    with app.app_context():
        update_settings(
            hana_id,
            anonymity_threshold=3,
            subject_sees_report=True,
            reminder_days="3,1",
            heatmap_min_members=value,
        )
        db.session.remove()


ORGANISATION = {
    # EI: (3 + 4 + 3.5 + 2 + 2.5 + 5) / 6 = 3.333 → 3.33; AD: (2 + 4 + 3 + 4.5) / 4 = 3.375
    # → 3.38 (p3 withheld, p5 none); p1's 2025 round (1.0) is not their latest.
    "skills": {EI: {"mean": 3.33, "n": 6}, AD: {"mean": 3.38, "n": 4}}
}


def test_by_manager_three_members_show_and_two_do_not(api, org):
    response = get(api, org["hr"])
    assert response.status_code == 200, response.get_json()
    # Alice's EI (3 + 4 + 3.5) / 3 = 3.5; her AD has 2 people, Bob's team 2 and 1: absent.
    assert response.get_json() == {
        "group_by": "manager",
        "rows": [
            {
                "key": "alice@example.org",
                "label": "Alice Manager",
                "skills": {EI: {"mean": 3.5, "n": 3}},
            }
        ],
        "organisation": ORGANISATION,
    }


def test_with_two_members_per_cell_the_pairs_show(api, app, org):
    set_min_members(app, org["hana"], 2)
    rows = {row["key"]: row["skills"] for row in get(api, org["hr"]).get_json()["rows"]}
    # Alice's AD (2 + 4) / 2 = 3.0; Bob's EI (2 + 2.5) / 2 = 2.25; Bob's AD p4 alone.
    assert rows == {
        "alice@example.org": {EI: {"mean": 3.5, "n": 3}, AD: {"mean": 3.0, "n": 2}},
        "bob@example.org": {EI: {"mean": 2.25, "n": 2}},
    }


def test_by_department_people_without_one_count_in_the_organisation_only(api, org):
    body = get(api, org["hr"], group_by="department").get_json()
    # Sales: p1, p2, p3 and p6. EI (3 + 4 + 3.5 + 5) / 4 = 3.875 → 3.88; AD (2 + 4 + 4.5) / 3
    # = 3.5 (p3 withheld). Support: p4 alone; p5 has no department but counts in the
    # organisation, which is the same as by manager.
    assert body["rows"] == [
        {
            "key": "Sales",
            "label": "Sales",
            "skills": {EI: {"mean": 3.88, "n": 4}, AD: {"mean": 3.5, "n": 3}},
        }
    ]
    assert body["organisation"] == ORGANISATION


def test_dates_choose_the_rounds_before_each_persons_latest(api, app, org):
    set_min_members(app, org["hana"], 2)
    # From April: p2's March round is out, so Alice's EI is (3 + 3.5) / 2 = 3.25.
    body = get(api, org["hr"], closed_from="2026-04-01").get_json()
    assert body["rows"][0]["skills"][EI] == {"mean": 3.25, "n": 2}
    # Up to the end of 2025: p1's and p4's older rounds are their latest then.
    # EI (1 + 2) / 2 = 1.5; AD (1 + 1) / 2 = 1.0; the teams have one person each.
    body = get(api, org["hr"], closed_to="2025-12-31").get_json()
    assert body["rows"] == []
    assert body["organisation"]["skills"] == {EI: {"mean": 1.5, "n": 2}, AD: {"mean": 1.0, "n": 2}}
    # The end day counts whole: p2's round closed at noon on 10 March.
    body = get(api, org["hr"], closed_from="2026-03-10", closed_to="2026-03-10").get_json()
    assert body["organisation"]["skills"] == {}
    set_min_members(app, org["hana"], 10)
    assert get(api, org["hr"]).get_json()["organisation"]["skills"] == {}


def test_a_manager_sees_only_their_own_row(api, org):
    body = get(api, org["alice"]).get_json()
    assert body == {
        "group_by": "manager",
        "rows": [
            {
                "key": "alice@example.org",
                "label": "Alice Manager",
                "skills": {EI: {"mean": 3.5, "n": 3}},
            }
        ],
        "organisation": {"skills": {}},
    }
    # Bob's team has no cell under the rule: nothing, not even the organisation.
    assert get(api, org["bob"]).get_json()["rows"] == []
    for params in ({"group_by": "department"}, {"closed_from": "2026-01-01"}):
        refused = get(api, org["alice"], **params)
        assert refused.status_code == 403
        assert "own team's row only" in refused.get_json()["message"]


def test_someone_who_manages_nobody_is_refused(api, org):
    refused = get(api, org["omar"])
    assert refused.status_code == 403
    assert refused.get_json()["message"].startswith("only HR and managers")
    german = api.call("GET", URL, org["omar"], headers={"Accept-Language": "de"})
    assert german.get_json()["message"].startswith("nur HR und Führungskräfte")
    assert get(api, None).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "team"}, "group_by"),
        ({"closed_from": "yesterday"}, "closed_from"),
        ({"instrument": "no-such-thing"}, "instrument"),
        ({"closed_from": "2026-05-01", "closed_to": "2026-04-01"}, "closed_to"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_named_in_a_422(api, org, params, field):
    response = get(api, org["hr"], **params)
    assert response.status_code == 422
    assert field in str(response.get_json())


def test_no_cell_holds_a_score_a_report_withholds(api, app):
    """Anonymity: 24 people in 4 teams, each latest round withholding some skills at random;
    every cell must be the mean and count of exactly the scores the reports publish."""
    rng = random.Random(20)
    with app.app_context():
        hana = add_person("Hana Reyes", role="hr")
        managers = [add_person(f"Manager {n}", email=f"m{n}@example.org") for n in range(4)]
        published: dict[str, dict[str, list[float]]] = {m.email: {} for m in managers}
        for n in range(24):
            manager = managers[n % 4]
            person = add_person(f"Person {n}", manager=manager)
            others = {
                skill: (None if rng.random() < 0.4 else round(rng.uniform(1, 5), 2))
                for skill in SKILLS
            }
            closed_round(person, hana, others, day(2026, 6, 1 + n))
            for skill, value in others.items():
                if value is not None:
                    published[manager.email].setdefault(skill, []).append(value)
        token = issue_api_token(hana.id)
    body = get(api, token).get_json()
    expected = {
        key: {
            skill: {"mean": round(sum(values) / len(values), 2), "n": len(values)}
            for skill, values in skills.items()
            if len(values) >= 3
        }
        for key, skills in published.items()
    }
    assert {row["key"]: row["skills"] for row in body["rows"]} == {
        key: cells for key, cells in expected.items() if cells
    }
    # The seed withholds enough that some team misses a skill it would show in full.
    assert any(len(values) < 3 for skills in published.values() for values in skills.values())


def test_the_member_rule_is_an_audited_setting_from_2_to_10(app, org):
    for wrong in (1, 11):
        with app.app_context(), pytest.raises(Invalid, match="from 2 to 10"):
            set_min_members(app, org["hana"], wrong)
    set_min_members(app, org["hana"], 10)
    with app.app_context():
        assert current_settings().heatmap_min_members == 10
        detail = db.session.query(AuditEvent.detail).filter_by(action="settings_changed").scalar()
    assert "heatmap_min_members: 3 → 10" in detail


def test_the_settings_api_sets_the_member_rule(api, org):
    patch = api.call("PATCH", "/api/v1/settings", org["hr"], json={"heatmap_min_members": 11})
    assert patch.status_code == 422
    assert "heatmap_min_members" in str(patch.get_json())
    patch = api.call("PATCH", "/api/v1/settings", org["hr"], json={"heatmap_min_members": 2})
    assert patch.status_code == 200
    assert patch.get_json()["heatmap_min_members"] == 2
    # Alice's adaptability with 2 people now shows: (2 + 4) / 2 = 3.0.
    assert get(api, org["hr"]).get_json()["rows"][0]["skills"][AD] == {"mean": 3.0, "n": 2}
