"""A person's copy of their data: the ZIP's document, its reports, and who may ask for it."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Round
from service.services.development_reports import report_path
from tests.pdf_tools import pdf_text
from tests.service.plan_helpers import focus_entry, plan_path


def unzip(response) -> tuple[dict, dict[str, bytes]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("feedback360-data.json")), files


def stored_report(app, round_id: str) -> bytes:
    """The report PDF the worker stored after the close (the tests' jobs run at once)."""
    with app.app_context():
        return report_path(db.session.get(Round, round_id)).read_bytes()


def test_the_person_gets_everything_held_about_them_and_no_answers_they_gave(
    app, api, scored_round
):
    hr, maya, round_id = scored_round
    saved = api.call("PUT", plan_path(round_id), maya, json={"focus": [focus_entry()]})
    assert saved.status_code == 200, saved.get_json()
    checkin = {"text": "Listened first in the Monday meeting", "progress": 20}
    assert api.call("POST", plan_path(round_id, "/checkins"), maya, json=checkin).status_code == 201
    note = {"about": "Kim Lee", "text": "Promised to send the article"}
    assert api.call("POST", "/api/v1/notes", maya, json=note).status_code == 201
    # Maya also rated Pia's round, and submitted: the copy says so, and not what she answered.
    _, pia = api.person("member", name="Pia Peer", email="pia@example.org")
    rated = api.create_round(
        pia, raters=[{"name": "Maya Lind", "email": "maya@example.org", "relationship": "peer"}]
    )
    tokens = api.launch(pia, rated["id"])
    answers = api.full_answers(tokens["maya@example.org"], score=1)
    submitted = api.call(
        "POST",
        "/api/v1/survey/submit",
        tokens["maya@example.org"],
        json={"answers": answers, "comments": {"keep_doing": "Zebra-striped remark"}},
    )
    assert submitted.status_code == 200, submitted.get_json()

    document, files = unzip(api.call("GET", "/api/v1/me/export", maya))

    assert set(document) == {
        "format",
        "generated_at",
        "copy_for",
        "account",
        "rounds_about_you",
        "notes",
        "rounds_you_rated",
        "reports",
    }
    assert document["account"]["email"] == "maya@example.org"
    assert document["account"]["name"] == "Maya Lind"
    assert document["account"]["api_tokens"] == 1 and document["account"]["has_password"] is False
    [about] = document["rounds_about_you"]
    assert about["round"]["id"] == round_id and about["round"]["status"] == "closed"
    results = api.call("GET", f"/api/v1/rounds/{round_id}/results", maya).get_json()
    assert about["results"] == results  # the frozen results, as the API serves them
    assert about["plan"]["status"] == "saved"
    assert about["plan"]["focus"][0]["goal"] == focus_entry()["goal"]
    assert about["plan"]["checkins"][0]["text"] == checkin["text"]
    assert about["pulses"] == []
    assert document["notes"]["notes"][0]["text"] == note["text"]
    assert document["rounds_you_rated"] == [
        {
            "subject": "Pia Peer",
            "asked_at": document["rounds_you_rated"][0]["asked_at"],
            "deadline": document["rounds_you_rated"][0]["deadline"],
            "closed_at": None,
            "response_status": "submitted",
        }
    ]
    # The rater's side carries no answer and no comment of hers, anywhere in the document.
    assert "Zebra-striped" not in json.dumps(document)
    assert files == {about["report"]: stored_report(app, round_id)}
    assert document["reports"] == [about["report"]]
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "personal_data_exported" in actions

    # HR's copy of the same person: the same rounds and reports, but the words of her plan
    # and her notes stay hers.
    maya_id = document["account"]["id"]
    copy, copied_files = unzip(api.call("GET", f"/api/v1/people/{maya_id}/export", hr))
    assert copy["copy_for"] == "HR, on the person's behalf"
    [hrs] = copy["rounds_about_you"]
    assert hrs["results"] == results and copied_files == files
    assert hrs["plan"]["status"] == "saved" and hrs["plan"]["checkin_count"] == 1
    assert "focus" not in hrs["plan"]
    assert copy["notes"] == {"count": 1, "notes": None}
    assert note["text"] not in json.dumps(copy) and checkin["text"] not in json.dumps(copy)


def test_a_member_cannot_get_another_persons_copy(api):
    _, hr = api.person("hr")
    maya_id, maya = api.person("member")
    _, other = api.person("member")
    refused = api.call("GET", f"/api/v1/people/{maya_id}/export", other)
    assert refused.status_code in (403, 404)
    assert refused.mimetype == "application/json" and refused.get_json()["message"]
    # Not even her own copy by that road: a member's is at /me/export.
    assert api.call("GET", f"/api/v1/people/{maya_id}/export", maya).status_code in (403, 404)
    assert api.call("GET", "/api/v1/me/export", maya).status_code == 200
    missing = api.call("GET", "/api/v1/people/no-such-person/export", hr)
    assert missing.status_code == 404


def test_a_person_who_changed_language_after_the_close_still_gets_their_report(
    api, scored_round, tmp_path
):
    # The worker stored the report in English at the close; Maya now reads German, a version
    # never drawn: her copy draws it rather than leave her report out.
    _, maya, _ = scored_round
    assert api.call("PATCH", "/api/v1/me", maya, json={"language": "de"}).status_code == 200

    document, files = unzip(api.call("GET", "/api/v1/me/export", maya))

    [about] = document["rounds_about_you"]
    assert about["report"] is not None
    pdf = files[about["report"]]
    # Not the English stand-in stored at the close (conftest.py), a German report drawn now.
    assert pdf.startswith(b"%PDF") and b"a stored report" not in pdf
    assert "Entwicklungsbericht" in pdf_text(pdf, tmp_path)


def test_the_copy_holds_no_results_where_people_may_not_read_their_own_report(
    app, api, scored_round, monkeypatch
):
    """With "people read their own report" off, the copy is no road around it: the round is
    there, its results and report are not, in the person's copy and in HR's for them."""
    hr, maya, round_id = scored_round
    monkeypatch.setitem(app.config, "SUBJECT_SEES_REPORT", False)

    document, files = unzip(api.call("GET", "/api/v1/me/export", maya))

    [about] = document["rounds_about_you"]
    assert about["round"]["id"] == round_id and about["round"]["status"] == "closed"
    assert about["results"] is None and about["report"] is None
    assert files == {} and document["reports"] == []
    copy, copied_files = unzip(
        api.call("GET", f"/api/v1/people/{document['account']['id']}/export", hr)
    )
    [hrs] = copy["rounds_about_you"]
    assert hrs["results"] is None and hrs["report"] is None and copied_files == {}
