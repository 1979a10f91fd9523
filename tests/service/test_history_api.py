"""A person's history through the API: every closed round, oldest first, with the published
scores per skill; one's own, or anyone's for HR; another member's is a 404."""

from __future__ import annotations

from service.extensions import db
from service.models import Round
from service.services.settings import update_settings
from surveys.instrument import load_instrument
from tests.service.test_change_at_close import MAYA, closed_round

INSTRUMENT = load_instrument("soft-skills", "1")


def setup(api):
    hr_id, hr = api.person("hr")
    maya_id, maya = api.person("member", name="Maya Lind", email=MAYA)
    return hr_id, hr, maya_id, maya


def history(api, token, who="me"):
    return api.call("GET", f"/api/v1/people/{who}/history", token)


def test_every_closed_round_oldest_first_with_published_scores(api, app):
    _, hr, maya_id, maya = setup(api)
    first = closed_round(api, hr, [2, 3, 3, 3], self_score=5)
    # Two raters besides self: below k = 3, so nothing but self is published.
    thin = closed_round(api, hr, [4, 4])
    second = closed_round(api, hr, [4, 4, 4, 3])
    # A draft and an open round are not history.
    api.create_round(hr, subject_email=MAYA)
    opened = api.create_round(hr, subject_email=MAYA)
    api.launch(hr, opened["id"])

    response = history(api, maya)
    assert response.status_code == 200
    body = response.get_json()
    assert body["person"] == {"id": maya_id, "name": "Maya Lind"}
    assert [r["id"] for r in body["rounds"]] == [first, thin, second]
    with app.app_context():
        closed_at = db.session.get(Round, first).closed_at
    assert body["rounds"][0]["closed_at"].startswith(closed_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert body["rounds"][0]["instrument"] == {"id": "soft-skills", "version": "1"}
    skills = body["rounds"][0]["skills"]
    assert [s["id"] for s in skills] == [skill.id for skill in INSTRUMENT.skills]
    # others = (2 + 3 + 3 + 3) / 4 = 2.75; self 5.
    assert skills[0] == {
        "id": "emotional_intelligence",
        "name": "Emotional intelligence",
        "others": 2.75,
        "self": 5.0,
    }
    # The thin round publishes no all others, and Maya did not answer herself.
    assert body["rounds"][1]["skills"][0]["others"] is None
    assert body["rounds"][1]["skills"][0]["self"] is None
    # (4 + 4 + 4 + 3) / 4 = 3.75
    assert body["rounds"][2]["skills"][0]["others"] == 3.75
    # The same through the id route, for Maya herself and for HR.
    assert history(api, maya, maya_id).get_json() == body
    assert history(api, hr, maya_id).get_json() == body


def test_a_person_without_closed_rounds_has_an_empty_history(api):
    _, _, maya_id, maya = setup(api)
    assert history(api, maya).get_json() == {
        "person": {"id": maya_id, "name": "Maya Lind"},
        "rounds": [],
    }


def test_another_member_gets_a_404_and_a_signed_out_caller_a_401(api):
    _, hr, maya_id, _ = setup(api)
    closed_round(api, hr, [2, 3, 3, 3])
    _, omar = api.person("member", name="Omar Diaz", email="omar@example.org")
    refused = history(api, omar, maya_id)
    assert refused.status_code == 404
    assert refused.get_json()["message"] == "person not found"
    # Omar's own history is there, and empty; nobody's is there without a token.
    assert history(api, omar).get_json()["rounds"] == []
    assert history(api, None).status_code == 401
    assert history(api, None, maya_id).status_code == 401
    assert history(api, "f360_" + "x" * 43).status_code == 401
    # An unknown person is a 404, for HR too.
    assert history(api, hr, "no-such-person").status_code == 404


def test_where_results_go_through_hr_a_member_is_refused_but_hr_is_not(api, app):
    hr_id, hr, maya_id, maya = setup(api)
    with app.app_context():
        update_settings(
            hr_id, anonymity_threshold=3, subject_sees_report=False, reminder_days="3,1"
        )
    refused = history(api, maya)
    assert refused.status_code == 403
    assert "through HR" in refused.get_json()["message"]
    assert history(api, hr, maya_id).status_code == 200
