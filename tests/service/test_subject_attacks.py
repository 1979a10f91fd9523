"""What the person a round is about tries, to learn what one rater said, and why it fails.

Each test plays an attack that worked before: reading raters' links from the API, answering
in a rater's name, asking for a smaller k, reading results the organisation keeps for HR,
and asking resend, remove or remind who has answered.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from service.extensions import db
from service.models import AuditEvent
from service.services import development_reports
from tests.conftest import default_raters, emailed_survey_tokens, in_days
from tests.service.conftest import RATERS, SCORES, answer_all
from tests.service.web.pages import PersonSession, stored_rows, words


@pytest.fixture
def hr(api):
    return api.person("hr", name="Hana Reyes")


@pytest.fixture
def maya(api):
    return api.person("member", name="Maya Lind", email="maya@example.org")[1]


def _no_link_in(response) -> None:
    body = response.get_data(as_text=True)
    assert "/s/" not in body, body
    assert all(
        rater.get("survey_url") is None
        for rater in _raters_of(json.loads(body))
        if isinstance(rater, dict)
    )


def _raters_of(document):
    if isinstance(document, dict) and "raters" in document:
        return document["raters"]
    return [document]


def test_the_subject_never_receives_a_raters_link(api, maya):
    created = api.create_round(maya, raters=default_raters())
    round_id = created["id"]
    launched = api.call("POST", f"/api/v1/rounds/{round_id}/launch", maya)
    assert launched.status_code == 200
    _no_link_in(launched)
    added = api.call(
        "POST",
        f"/api/v1/rounds/{round_id}/raters",
        maya,
        json={"name": "Ola Other", "email": "ola@example.org", "relationship": "other"},
    )
    assert added.status_code == 201
    _no_link_in(added)
    pat = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    resent = api.call("POST", f"/api/v1/rounds/{round_id}/raters/{pat}/resend", maya)
    assert resent.status_code == 202
    _no_link_in(resent)
    # The links went to the raters' own mailboxes, one each.
    assert {"pat@example.org", "ola@example.org", "morgan@example.org"} <= set(
        emailed_survey_tokens(api.app)
    )


def test_hr_reads_links_only_where_the_organisation_hands_them_out(app, api, hr, maya):
    _, hr_token = hr
    quiet = api.create_round(hr_token, subject_email="maya@example.org")
    launched = api.call("POST", f"/api/v1/rounds/{quiet['id']}/launch", hr_token)
    _no_link_in(launched)

    app.config["SURVEY_LINKS_IN_API"] = True
    try:
        handed_out = api.create_round(hr_token, subject_email="maya@example.org")
        for_hr = api.call("POST", f"/api/v1/rounds/{handed_out['id']}/launch", hr_token)
        links = {r["email"]: r["survey_url"] for r in for_hr.get_json()["raters"]}
        assert all(url.startswith("http://feedback360.test/s/") for url in links.values())
        assert api.survey(links["pat@example.org"].rsplit("/s/", 1)[1])["relationship"] == "peer"

        # A member never receives one, whatever the deployment says.
        own = api.create_round(maya)
        for_member = api.call("POST", f"/api/v1/rounds/{own['id']}/launch", maya)
        _no_link_in(for_member)
    finally:
        app.config["SURVEY_LINKS_IN_API"] = False


def test_a_member_cannot_go_below_the_organisations_threshold(app, api, hr, maya):
    _, hr_token = hr
    app.config["DEFAULT_ANONYMITY_THRESHOLD"] = 5
    try:
        refused = api.call(
            "POST",
            "/api/v1/rounds",
            maya,
            json={"deadline": in_days(7), "anonymity_threshold": 2, "raters": default_raters()},
        )
        assert refused.status_code == 422
        assert "5" in refused.get_json()["message"]
        assert api.call("GET", "/api/v1/rounds", maya).get_json()["rounds"] == []

        assert api.create_round(maya)["anonymity_threshold"] == 5
        assert api.create_round(maya, anonymity_threshold=7)["anonymity_threshold"] == 7
        chosen_by_hr = api.create_round(
            hr_token, subject_email="maya@example.org", anonymity_threshold=2
        )
        assert chosen_by_hr["anonymity_threshold"] == 2
    finally:
        app.config["DEFAULT_ANONYMITY_THRESHOLD"] = 3


def _results_and_report_refused(api, round_id: str, token: str) -> None:
    for path in ("results", "report.pdf", "report.html"):
        refused = api.call("GET", f"/api/v1/rounds/{round_id}/{path}", token)
        assert refused.status_code == 403, path
        assert "skills" not in refused.get_data(as_text=True)


def test_results_follow_the_same_rule_as_the_report(app, api, scored_round):
    hr, maya, round_id = scored_round
    app.config["SUBJECT_SEES_REPORT"] = False
    try:
        _results_and_report_refused(api, round_id, maya)
        assert api.call("GET", f"/api/v1/rounds/{round_id}/results", hr).status_code == 200
    finally:
        app.config["SUBJECT_SEES_REPORT"] = True


def test_hr_reads_the_results_of_a_round_about_themselves_only_as_its_subject(
    app, api, monkeypatch
):
    """With "people read their own report" off, an HR person is the subject of a round about
    themselves like anyone else: results, report, history and plan suggestions are refused;
    another HR person still reads them."""
    # The PDF the worker stores at the close is not read here: skip drawing it.
    monkeypatch.setattr(development_reports, "render_stored_report", lambda round_id: None)
    hana_id, hana = api.person("hr", name="Hana Reyes", email="hana@example.org")
    _, ivo = api.person("hr", name="Ivo Hart", email="ivo@example.org")
    created = api.create_round(hana, raters=RATERS)  # about Hana herself
    tokens = api.launch(hana, created["id"])
    for email, score in SCORES.items():
        if email in tokens:
            answer_all(api, tokens[email], score)
    round_id = created["id"]
    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", hana).status_code == 200
    app.config["SUBJECT_SEES_REPORT"] = False
    try:
        _results_and_report_refused(api, round_id, hana)
        for path in ("/api/v1/people/me/history", f"/api/v1/people/{hana_id}/history"):
            assert api.call("GET", path, hana).status_code == 403, path
        plan = api.call("GET", f"/api/v1/rounds/{round_id}/plan", hana).get_json()
        assert plan["status"] == "suggested" and plan["focus"] == []
        page = PersonSession(app, "hana@example.org").html(f"/rounds/{round_id}")
        assert "Read the report" not in words(page)

        assert api.call("GET", f"/api/v1/rounds/{round_id}/results", ivo).status_code == 200
        assert api.call("GET", f"/api/v1/rounds/{round_id}/report.html", ivo).status_code == 200
        history = api.call("GET", f"/api/v1/people/{hana_id}/history", ivo)
        assert history.status_code == 200 and history.get_json()["rounds"]
        page = PersonSession(app, "ivo@example.org").html(f"/rounds/{round_id}")
        assert "Read the report" in words(page)
    finally:
        app.config["SUBJECT_SEES_REPORT"] = True


def _submit(api, token):
    response = api.call(
        "POST", "/api/v1/survey/submit", token, json={"answers": api.full_answers(token)}
    )
    assert response.status_code == 200


def _decline(api, token):
    response = api.call("POST", "/api/v1/survey/decline", token, json={})
    assert response.status_code == 200


def test_resend_and_remove_answer_the_subject_alike_whatever_the_rater_did(api, hr, maya):
    created = api.create_round(maya)
    round_id = created["id"]
    tokens = api.launch(maya, round_id)
    _submit(api, tokens["pat@example.org"])
    _decline(api, tokens["quinn@example.org"])
    ids = {r["email"]: r["id"] for r in created["raters"]}

    answers = {}
    for email in ("pat@example.org", "quinn@example.org", "dana@example.org"):
        resent = api.call("POST", f"/api/v1/rounds/{round_id}/raters/{ids[email]}/resend", maya)
        removed = api.call("DELETE", f"/api/v1/rounds/{round_id}/raters/{ids[email]}", maya)
        answers[email] = (
            resent.status_code,
            resent.get_json()["message"],
            resent.get_json()["survey_url"],
            removed.status_code,
            removed.get_json()["message"],
        )
    assert len(set(answers.values())) == 1, answers
    assert answers["pat@example.org"][:4] == (202, answers["pat@example.org"][1], None, 409)

    # HR keeps the detailed answers.
    _, hr_token = hr
    detailed = api.call(
        "POST", f"/api/v1/rounds/{round_id}/raters/{ids['pat@example.org']}/resend", hr_token
    )
    assert detailed.status_code == 409 and "submitted" in detailed.get_json()["message"]


def test_remind_does_not_count_who_has_not_answered_for_the_subject(api, hr, maya):
    created = api.create_round(maya)
    tokens = api.launch(maya, created["id"])
    _submit(api, tokens["pat@example.org"])
    reminded = api.call("POST", f"/api/v1/rounds/{created['id']}/remind", maya)
    assert reminded.status_code == 200
    assert reminded.get_json()["queued"] is None
    assert reminded.get_json()["already_reminded_today"] is None
    _, hr_token = hr
    for_hr = api.call("POST", f"/api/v1/rounds/{created['id']}/remind", hr_token).get_json()
    # Today's reminders were queued by the subject's request: HR sees them as already sent.
    assert for_hr["queued"] == 0 and for_hr["already_reminded_today"] == 4


def test_the_audit_log_names_who_added_each_rater(app, api, maya):
    named = api.create_round(maya)  # four raters named with the round
    with app.app_context():
        created_event = (
            db.session.query(AuditEvent)
            .filter_by(action="round_created", round_id=named["id"])
            .one()
        )
        assert "Maya Lind" in created_event.actor_label
        assert created_event.detail == "raters named: " + ", ".join(
            f"{r['name']} ({r['relationship']})" for r in default_raters()
        )
    created = api.create_round(maya, raters=[])
    added = api.call(
        "POST",
        f"/api/v1/rounds/{created['id']}/raters",
        maya,
        json={"name": "Ola Other", "email": "ola@example.org", "relationship": "other"},
    )
    assert added.status_code == 201
    with app.app_context():
        event = (
            db.session.query(AuditEvent)
            .filter_by(action="rater_added", round_id=created["id"])
            .one()
        )
        assert "Maya Lind" in event.actor_label and "Ola Other" in event.detail


@pytest.mark.parametrize("name", ["Eve\nBcc: all@example.org", "Eve\rX", "Eve\tLind", "Eve\x7f"])
def test_names_with_control_characters_are_refused_everywhere(api, hr, maya, runner, name):
    rater = {"name": name, "email": "eve@example.org", "relationship": "peer"}
    created = api.call(
        "POST", "/api/v1/rounds", maya, json={"deadline": in_days(7), "raters": [rater]}
    )
    assert created.status_code == 422 and "control characters" in created.get_data(as_text=True)
    draft = api.create_round(maya, raters=[])
    added = api.call("POST", f"/api/v1/rounds/{draft['id']}/raters", maya, json=rater)
    assert added.status_code == 422 and "control characters" in added.get_json()["message"]

    result = runner.invoke(args=["create-user", "--email", "eve@example.org", "--name", name])
    assert result.exit_code == 1 and "control characters" in result.output


@pytest.mark.parametrize("name", ["Eve\nBcc: all@example.org", "Eve\rX", "Eve\tLind", "Eve\x7f"])
def test_names_with_control_characters_are_refused_on_every_form_and_api(app, api, name):
    """Each place that takes a person's (or a campaign's) name refuses a control character
    with a 422 and stores nothing: the people API (add and change), HR's add-person form,
    the start form, the add-rater form and a campaign's name."""
    _, hr_token = api.person("hr", name="Hana Reyes", email="hana@example.org")
    maya_id, maya_token = api.person("member", name="Maya Lind", email="maya@example.org")
    draft = api.create_round(maya_token, raters=[])
    hana, maya = PersonSession(app, "hana@example.org"), PersonSession(app, "maya@example.org")
    deadline = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    forms = [
        (hana, "/hr/people", {"name": name, "email": "eve@example.org", "role": "member"}),
        (
            maya,
            "/rounds/new",
            {
                "deadline": deadline,
                "time_zone": "UTC",
                "action": "create",
                "raters-0-name": name,
                "raters-0-email": "eve@example.org",
                "raters-0-relationship": "peer",
            },
        ),
        (
            maya,
            f"/rounds/{draft['id']}/raters",
            {"name": name, "email": "eve@example.org", "relationship": "peer"},
        ),
    ]
    for session, path, form in forms:
        form = form | {"csrf_token": session.csrf_token()}
        before = stored_rows(app)
        refused = session.client.post(path, data=form)
        assert refused.status_code == 422, (path, refused.status_code)
        assert "control characters" in words(refused.get_data(as_text=True)), path
        assert stored_rows(app) == before, path

    campaign = {
        "name": name,
        "subjects": ["maya@example.org"],
        "nomination_deadline": in_days(5),
        "deadline": in_days(20),
    }
    calls = [
        ("POST", "/api/v1/people", {"name": name, "email": "eve@example.org", "role": "member"}),
        ("PATCH", f"/api/v1/people/{maya_id}", {"name": name}),
        ("POST", "/api/v1/campaigns", campaign),
    ]
    for method, path, body in calls:
        before = stored_rows(app)
        refused = api.call(method, path, hr_token, json=body)
        assert refused.status_code == 422, (method, path, refused.get_json())
        assert "control characters" in refused.get_data(as_text=True), (method, path)
        assert stored_rows(app) == before, (method, path)


def test_create_user_checks_the_email_like_the_pages_do(runner):
    for email in ("not-an-email", "eve@", "eve@example.org\nBcc: x@example.org"):
        result = runner.invoke(args=["create-user", "--email", email, "--name", "Eve"])
        assert result.exit_code == 1 and "email" in result.output, (email, result.output)


def test_a_lone_manager_who_declined_is_not_singled_out(api, hr, maya):
    """The decline page promises the rater that the person sees only how many declined,
    never who: a lone manager's decline must not show as "Manager: 1 declined"."""
    created = api.create_round(maya)  # manager 1, peers 2, direct report 1; k = 3
    tokens = api.launch(maya, created["id"])
    _decline(api, tokens["morgan@example.org"])
    _submit(api, tokens["pat@example.org"])

    responses = api.call("GET", f"/api/v1/rounds/{created['id']}", maya).get_json()["responses"]
    assert "submitted" not in responses and "declined" not in responses
    assert responses["invited"] == {
        "self": 1,
        "manager": 1,
        "peer": 2,
        "direct_report": 1,
        "other": 0,
    }
    # No relationship has k = 3 invited on its own; together they are 4 >= 3: one set of
    # everyone (kept from launch on, so "others" would join it).
    assert responses["sets"] == [
        {
            "key": "all",
            "label": "Manager + peers + direct reports",
            "members": ["manager", "peer", "direct_report"],
            "invited": 4,
            "submitted": 1,
            "declined": 1,
        }
    ]
    listed = api.call("GET", "/api/v1/rounds", maya).get_json()["rounds"][0]["responses"]
    assert listed == responses

    # HR sees the counts per relationship.
    _, hr_token = hr
    for_hr = api.call("GET", f"/api/v1/rounds/{created['id']}", hr_token).get_json()
    assert for_hr["responses"]["declined"]["manager"] == 1


def test_fewer_than_k_invited_in_all_shows_only_how_many_were_invited(api, maya):
    raters = [{"name": "Mo Manager", "email": "mo@example.org", "relationship": "manager"}]
    created = api.create_round(maya, raters=raters)
    tokens = api.launch(maya, created["id"])
    _decline(api, tokens["mo@example.org"])
    responses = api.call("GET", f"/api/v1/rounds/{created['id']}", maya).get_json()["responses"]
    assert responses["sets"] == [
        {
            "key": "all",
            "label": "Manager",
            "members": ["manager"],
            "invited": 1,
            "submitted": None,
            "declined": None,
        }
    ]


def test_hr_is_the_subject_like_anyone_else_on_a_round_about_themselves(app, api, hr):
    """An HR person's own 360 must not tell them more about their raters than anyone's."""
    _, hr_token = hr
    created = api.create_round(hr_token)  # about Hana herself
    tokens = api.launch(hr_token, created["id"])
    _decline(api, tokens["morgan@example.org"])
    about_herself = api.call("GET", f"/api/v1/rounds/{created['id']}", hr_token).get_json()
    assert "declined" not in about_herself["responses"] and "sets" in about_herself["responses"]
    assert all("delivery_status" not in rater for rater in about_herself["raters"])
    morgan = next(r["id"] for r in created["raters"] if r["email"] == "morgan@example.org")
    resent = api.call("POST", f"/api/v1/rounds/{created['id']}/raters/{morgan}/resend", hr_token)
    assert resent.status_code == 202
    reminded = api.call("POST", f"/api/v1/rounds/{created['id']}/remind", hr_token).get_json()
    assert reminded["queued"] is None
    app.config["SURVEY_LINKS_IN_API"] = True
    try:
        own = api.create_round(hr_token)
        _no_link_in(api.call("POST", f"/api/v1/rounds/{own['id']}/launch", hr_token))
    finally:
        app.config["SURVEY_LINKS_IN_API"] = False


def test_adding_raters_after_launch_never_splits_a_count_set(api, hr, maya):
    """A subject whose manager declined adds two raters to split "Manager + peers": the new
    raters cannot have answered yet, so a set "Manager + others" showing 1 declined would name
    the manager. The sets are fixed at launch, so the newcomers join the one set."""
    raters = [
        {"name": "Mo Manager", "email": "mo@example.org", "relationship": "manager"},
        *(
            {"name": f"Pia Peer {n}", "email": f"pia{n}@example.org", "relationship": "peer"}
            for n in range(3)
        ),
    ]
    created = api.create_round(maya, raters=raters)
    tokens = api.launch(maya, created["id"])
    _decline(api, tokens["mo@example.org"])
    before = api.call("GET", f"/api/v1/rounds/{created['id']}", maya).get_json()["responses"]
    assert [(s["invited"], s["submitted"], s["declined"]) for s in before["sets"]] == [(4, 0, 1)]

    _, hr_token = hr  # HR adds them here; a subject may too, before results exist
    for n in range(2):
        added = api.call(
            "POST",
            f"/api/v1/rounds/{created['id']}/raters",
            hr_token,
            json={"name": f"Oz Other {n}", "email": f"oz{n}@example.org", "relationship": "other"},
        )
        assert added.status_code == 201
    after = api.call("GET", f"/api/v1/rounds/{created['id']}", maya).get_json()["responses"]
    assert [(s["members"], s["invited"], s["submitted"], s["declined"]) for s in after["sets"]] == [
        (["manager", "peer", "other"], 6, 0, 1)
    ]
    # The results at close keep the same sets.
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr_token).status_code == 200
    results = api.call("GET", f"/api/v1/rounds/{created['id']}/results", maya).get_json()
    assert [s["members"] for s in results["responses"]["sets"]] == [["manager", "peer", "other"]]
