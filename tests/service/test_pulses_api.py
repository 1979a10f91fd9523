"""The impact pulse through the API: started by the person or HR on the plan's focus skills,
answered once by each rater through their pulse token, closed by hand or at its deadline,
its counts and results under the round's anonymity rules; who may see and do what."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.jobs.tasks import periodic_housekeeping
from service.services.pulses import close_overdue_pulses
from tests.conftest import in_days
from tests.service.conftest import LATE_PEERS, RATERS
from tests.service.plan_helpers import make_manager
from tests.service.pulse_helpers import emails, pulse_tokens, save_plan, text_of

EVERY_RATER = {rater["email"] for rater in RATERS + LATE_PEERS}


def pulses_path(round_id, tail=""):
    return f"/api/v1/rounds/{round_id}/pulses{tail}"


def start(api, token, round_id, deadline=None):
    body = {} if deadline is None else {"deadline": deadline}
    return api.call("POST", pulses_path(round_id), token, json=body)


def submit(api, token, answers, comment=None):
    body = {"answers": answers} if comment is None else {"answers": answers, "comment": comment}
    return api.call("POST", "/api/v1/pulse/submit", token, json=body)


@pytest.fixture
def pulse(app, api, scored_round):
    """A pulse started by Maya on her plan; returns (hr, maya, round id, pulse id, tokens)."""
    hr, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    started = start(api, maya, round_id, in_days(21))
    assert started.status_code == 201, started.get_json()
    return hr, maya, round_id, started.get_json()["id"], pulse_tokens(app)


def test_a_pulse_goes_to_every_rater_but_the_person_by_email_only(app, api, scored_round):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    app.config["SURVEY_LINKS_IN_API"] = True  # even so, never to the person
    try:
        started = start(api, maya, round_id, in_days(21))
    finally:
        app.config["SURVEY_LINKS_IN_API"] = False
    assert started.status_code == 201
    raters = started.get_json()["raters"]
    # 1 manager, 3 peers who answered, 3 late peers who did not, 1 direct report.
    assert sorted(rater["relationship"] for rater in raters) == [
        "direct_report", "manager", *["peer"] * 6
    ]  # fmt: skip
    assert {rater["survey_url"] for rater in raters} == {None}
    invitations = emails(app, "Maya Lind: has anything changed?")
    assert {message["To"].addresses[0].addr_spec for message in invitations} == EVERY_RATER
    text = text_of(invitations[0])
    assert "empathy and compassion, and leadership and inspiration" in text
    assert "/p/" in text
    assert set(pulse_tokens(app)) == EVERY_RATER


def test_hr_receives_the_links_only_where_the_deployment_hands_them_out(app, api, scored_round):
    hr, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    app.config["SURVEY_LINKS_IN_API"] = True
    try:
        started = start(api, hr, round_id, in_days(21))
    finally:
        app.config["SURVEY_LINKS_IN_API"] = False
    assert started.status_code == 201
    urls = [rater["survey_url"] for rater in started.get_json()["raters"]]
    assert all(url.startswith("http://feedback360.test/p/") for url in urls)
    token = urls[0].rsplit("/", 1)[1]
    assert api.call("GET", "/api/v1/pulse", token).status_code == 200
    # Without the setting, HR's answer carries none.
    api.call("POST", pulses_path(round_id, f"/{started.get_json()['id']}/close"), hr)
    again = start(api, hr, round_id, in_days(21))
    assert {rater["survey_url"] for rater in again.get_json()["raters"]} == {None}


def test_raters_answer_once_and_the_person_sees_counts_then_results(app, api, pulse):
    hr, maya, round_id, pulse_id, tokens = pulse
    asked = api.call("GET", "/api/v1/pulse", tokens["pia@example.org"]).get_json()
    assert asked["subject"]["name"] == "Maya Lind"
    assert [skill["id"] for skill in asked["skills"]] == ["empathy", "leadership"]
    assert "Maya's empathy" in asked["skills"][0]["question"]
    assert asked["accepting_answers"] is True and asked["submitted"] is False

    answers = {
        "pia@example.org": ({"empathy": 2, "leadership": 3}, "Listens much more"),
        "pat@example.org": ({"empathy": 1, "leadership": None}, None),
        "pol@example.org": ({"empathy": 0, "leadership": 1}, "Not much change"),
    }
    for email, (given, comment) in answers.items():
        sent = submit(api, tokens[email], given, comment)
        assert sent.status_code == 200, sent.get_json()
    again = submit(api, tokens["pia@example.org"], {"empathy": -3, "leadership": -3})
    assert again.status_code == 409
    assert api.call("GET", "/api/v1/pulse", tokens["pia@example.org"]).get_json()["submitted"]

    shown = api.call("GET", pulses_path(round_id, f"/{pulse_id}"), maya).get_json()
    assert shown["status"] == "open" and "skills" not in shown
    # Asked: 1 manager, 6 peers, 1 direct report. k = 3: peers stand alone; the manager
    # and the direct report (2 < 3) join the peers, so one set of 8 shows 3 answered.
    assert shown["responses"]["sets"] == [
        {
            "key": "peer",
            "label": "Manager + peers + direct reports",
            "members": ["manager", "peer", "direct_report"],
            "invited": 8,
            "submitted": 3,
            "declined": 0,
        }
    ]
    assert "submitted_by_relationship" not in shown["responses"]
    by_hr = api.call("GET", pulses_path(round_id, f"/{pulse_id}"), hr).get_json()
    assert by_hr["responses"]["submitted_by_relationship"]["peer"] == 3

    closed = api.call("POST", pulses_path(round_id, f"/{pulse_id}/close"), maya)
    assert closed.status_code == 200
    results = closed.get_json()
    # 3 peers answered: a peer block of 3 and "others" of 3.
    assert [(g["key"], g["n"]) for g in results["groups"]] == [("peer", 3), ("others", 3)]
    empathy, leadership = results["skills"]
    # Empathy: (2 + 1 + 0) / 3 = 1.0 for peers and others alike.
    assert empathy["scores"] == {"peer": 1.0, "others": 1.0}
    assert empathy["distribution"] == {
        "-3": 0, "-2": 0, "-1": 0, "0": 1, "1": 1, "2": 1, "3": 0, "na": 0
    }  # fmt: skip
    # Leadership: Pat did not observe it, 2 answers < 3: nothing is published.
    assert leadership == {"id": "leadership", "scores": {}, "n": {}, "distribution": None}
    # 3 respondents >= k: both comments, unattributed.
    assert sorted(results["comments"]) == ["Listens much more", "Not much change"]
    assert api.call("GET", pulses_path(round_id, f"/{pulse_id}"), maya).get_json() == results

    late = submit(api, tokens["pol@example.org"], {"empathy": 1, "leadership": 1})
    assert late.status_code == 409
    late = submit(api, tokens["mo@example.org"], {"empathy": 1, "leadership": 1})
    assert late.status_code == 409
    assert "closed" in late.get_json()["message"]
    assert len(api.call("GET", pulses_path(round_id), maya).get_json()) == 1


def test_too_few_answers_publish_nothing(api, pulse):
    _, maya, round_id, pulse_id, tokens = pulse
    for email in ("pia@example.org", "pat@example.org"):
        assert (
            submit(api, tokens[email], {"empathy": 3, "leadership": 3}, "Great").status_code == 200
        )
    results = api.call("POST", pulses_path(round_id, f"/{pulse_id}/close"), maya).get_json()
    # 2 respondents < k = 3: no group, no score, no comment.
    assert results["groups"] == [] and results["comments"] == []
    assert all(skill["scores"] == {} for skill in results["skills"])


def test_the_housekeeping_closes_a_pulse_at_its_deadline_and_tells_the_person(
    app, api, pulse, clock
):
    _, maya, round_id, pulse_id, tokens = pulse
    clock.advance(days=20)
    periodic_housekeeping()  # the worker's housekeeping: not due yet
    assert (
        api.call("GET", pulses_path(round_id, f"/{pulse_id}"), maya).get_json()["status"] == "open"
    )
    clock.advance(days=2)
    periodic_housekeeping()
    with app.app_context():
        assert close_overdue_pulses() == 0  # closed once, and only once
        db.session.remove()
    shown = api.call("GET", pulses_path(round_id, f"/{pulse_id}"), maya).get_json()
    assert shown["status"] == "closed"
    done = emails(app, "Your impact pulse has closed")
    assert [message["To"].addresses[0].addr_spec for message in done] == ["maya@example.org"]
    assert f"/rounds/{round_id}/plan" in text_of(done[0])
    assert (
        submit(api, tokens["pia@example.org"], {"empathy": 1, "leadership": 1}).status_code == 409
    )


def test_starting_needs_a_saved_plan_a_future_deadline_and_no_open_pulse(api, scored_round):
    _, maya, round_id = scored_round
    refused = start(api, maya, round_id, in_days(21))
    assert refused.status_code == 409 and "plan" in refused.get_json()["message"]
    save_plan(api, maya, round_id)
    for deadline, status in ((in_days(-1), 422), ("next week", 422), (12, 422)):
        refused = start(api, maya, round_id, deadline)
        assert refused.status_code == status
        assert "deadline" in refused.get_json()["message"]
    assert start(api, maya, round_id).status_code == 201  # the default deadline
    refused = start(api, maya, round_id, in_days(21))
    assert refused.status_code == 409 and "already running" in refused.get_json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "answers"),
        ({"answers": {"empathy": 1}}, "leadership"),
        ({"answers": {"empathy": 4, "leadership": 0}}, "empathy"),
        ({"answers": {"empathy": -4, "leadership": 0}}, "empathy"),
        ({"answers": {"empathy": 1.5, "leadership": 0}}, "empathy"),
        ({"answers": {"empathy": "1", "leadership": 0}}, "empathy"),
        ({"answers": {"empathy": True, "leadership": 0}}, "empathy"),
        ({"answers": {"empathy": 1, "leadership": 0, "ethics": 1}}, "ethics"),
        ({"answers": {"empathy": 1, "leadership": 0}, "comment": "x" * 5_001}, "comment"),
        ({"answers": {"empathy": 1, "leadership": 0}, "comment": 5}, "comment"),
        ({"answers": [1, 2]}, "answers"),
    ],
)
def test_bad_answers_are_refused_with_the_field_named(api, pulse, body, field):
    _, _, _, _, tokens = pulse
    refused = api.call("POST", "/api/v1/pulse/submit", tokens["pia@example.org"], json=body)
    assert refused.status_code == 422
    assert field in refused.get_json()["message"]
    # Nothing was taken: a good answer still goes through.
    good = submit(api, tokens["pia@example.org"], {"empathy": 1, "leadership": None})
    assert good.status_code == 200


def test_without_a_body_or_with_a_bad_token(api, pulse):
    _, maya, _, _, tokens = pulse
    no_body = api.client.post(
        "/api/v1/pulse/submit", headers={"Authorization": f"Bearer {tokens['pia@example.org']}"}
    )
    assert no_body.status_code == 422
    for token in (None, "not-a-token", maya):
        assert api.call("GET", "/api/v1/pulse", token).status_code == 401
        assert submit(api, token, {"empathy": 1, "leadership": 1}).status_code == 401


def test_who_may_see_and_do_what(app, api, pulse):
    hr, maya, round_id, pulse_id, tokens = pulse
    manager = make_manager(api, app, "maya@example.org")
    _, stranger = api.person("member")
    one = pulses_path(round_id, f"/{pulse_id}")
    close = pulses_path(round_id, f"/{pulse_id}/close")
    # The plan is not shared: the manager learns nothing, like any other member.
    for token in (manager, stranger):
        assert api.call("GET", one, token).status_code == 404
        assert api.call("GET", pulses_path(round_id), token).status_code == 404
        assert start(api, token, round_id, in_days(21)).status_code == 404
        assert api.call("POST", close, token).status_code == 404
    # A rater's pulse token is no API token.
    assert api.call("GET", one, tokens["pia@example.org"]).status_code == 401
    assert api.call("GET", one, None).status_code == 401
    assert api.call("GET", pulses_path(round_id, "/no-such-pulse"), maya).status_code == 404
    assert api.call("GET", one, hr).status_code == 200
    # Shared with the manager: they read it, but neither start nor close one.
    shared = api.call(
        "PATCH", f"/api/v1/rounds/{round_id}/plan", maya, json={"shared_with_manager": True}
    )
    assert shared.status_code == 200
    assert api.call("GET", one, manager).status_code == 200
    assert api.call("POST", close, manager).status_code == 403
    assert start(api, manager, round_id, in_days(21)).status_code == 403
    assert api.call("POST", close, hr).status_code == 200
    assert api.call("POST", close, maya).status_code == 409


def test_a_token_of_another_pulse_answers_only_its_own(app, api, pulse):
    hr, _, round_id, pulse_id, tokens = pulse
    # Another person's round and pulse.
    _, sam = api.person("member", name="Sam Okafor", email="sam@example.org")
    created = api.create_round(hr, subject_email="sam@example.org")
    api.launch(hr, created["id"])
    # The other round is not closed: Maya's pulse token reaches nothing of it.
    asked = api.call("GET", "/api/v1/pulse", tokens["pia@example.org"]).get_json()
    assert asked["subject"]["name"] == "Maya Lind"
    assert api.call("GET", pulses_path(created["id"]), tokens["pia@example.org"]).status_code == 401
    assert api.call("GET", pulses_path(round_id, f"/{pulse_id}"), sam).status_code == 404


def test_a_raters_refusals_read_in_their_browsers_language(api, pulse):
    _, _, _, _, tokens = pulse
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    unknown = api.call("GET", "/api/v1/pulse", "not-a-token", headers=german)
    assert unknown.status_code == 401
    assert unknown.get_json()["message"] == "dieser Pulse-Link ist nicht gültig"
    body = {"answers": {"empathy": 1, "leadership": 0, "ethics": 1}}
    refused = api.call(
        "POST", "/api/v1/pulse/submit", tokens["pia@example.org"], json=body, headers=german
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["answers"]["ethics"] == [
        "ist keine Kompetenz dieses Pulse (eine von empathy, leadership)"
    ]
