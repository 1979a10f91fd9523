"""Private notes through the API: the author's alone, everyone else (HR and managers
included) gets the 404 of a note that does not exist."""

from __future__ import annotations

import uuid

import pytest

from tests.service.plan_helpers import day, make_manager

NOTES = "/api/v1/notes"
NOTE = {"about": "Kim Lee", "text": "Promised to send the negotiation article"}


def test_the_author_adds_reads_changes_and_deletes_a_note(api):
    _, maya = api.person("member")
    created = api.call("POST", NOTES, maya, json={**NOTE, "follow_up_on": day(3)})
    assert created.status_code == 201
    note = created.get_json()
    assert (note["about"], note["text"], note["follow_up_on"]) == (
        "Kim Lee",
        NOTE["text"],
        day(3),
    )
    path = f"{NOTES}/{note['id']}"
    assert api.call("GET", path, maya).get_json() == note
    changed = api.call("PATCH", path, maya, json={"text": "Sent it", "follow_up_on": None})
    assert changed.status_code == 200
    assert (changed.get_json()["text"], changed.get_json()["follow_up_on"]) == ("Sent it", None)
    assert changed.get_json()["about"] == "Kim Lee"
    assert api.call("DELETE", path, maya).status_code == 204
    assert api.call("GET", path, maya).status_code == 404
    assert api.call("GET", NOTES, maya).get_json() == {"notes": []}


def test_notes_with_a_follow_up_come_first_soonest_first(api):
    _, maya = api.person("member")
    for about, follow_up_on in (("Ann", None), ("Bo", day(9)), ("Cy", day(2)), ("Di", None)):
        body = {"about": about, "text": "…", "follow_up_on": follow_up_on}
        assert api.call("POST", NOTES, maya, json=body).status_code == 201
    listed = [note["about"] for note in api.call("GET", NOTES, maya).get_json()["notes"]]
    assert listed == ["Cy", "Bo", "Di", "Ann"]


def test_nobody_else_reads_or_touches_a_note_hr_and_managers_included(app, api):
    _, maya = api.person("member", email="maya@example.org")
    boss = make_manager(api, app, "maya@example.org")
    _, hr = api.person("hr")
    _, other = api.person("member")
    note = api.call("POST", NOTES, maya, json=NOTE).get_json()
    path = f"{NOTES}/{note['id']}"
    missing_path = f"{NOTES}/{uuid.uuid4()}"
    for token in (boss, hr, other):
        assert api.call("GET", NOTES, token).get_json() == {"notes": []}
        for method, body in (("GET", None), ("PATCH", {"text": "mine now"}), ("DELETE", None)):
            answer = api.call(method, path, token, json=body)
            missing = api.call(method, missing_path, token, json=body)
            assert answer.status_code == 404
            assert answer.get_json() == missing.get_json()
    assert api.call("GET", path, maya).get_json()["text"] == NOTE["text"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"about": "", "text": "x"}, "about"),
        ({"about": "Kim\nLee", "text": "x"}, "about"),
        ({"about": "x" * 201, "text": "x"}, "about"),
        ({"about": "Kim", "text": "   "}, "text"),
        ({"about": "Kim", "text": "x" * 5001}, "text"),
        ({"about": "Kim", "text": "x", "follow_up_on": day(-1)}, "follow_up_on"),
        ({"about": "Kim", "text": "x", "follow_up_on": "next week"}, "follow_up_on"),
        ({"about": "Kim"}, "text"),
        ({"about": "Kim", "text": "x", "secret": True}, "secret"),
    ],
)
def test_a_bad_note_is_refused_naming_the_field(api, body, field):
    _, maya = api.person("member")
    response = api.call("POST", NOTES, maya, json=body)
    assert response.status_code == 422
    assert f"{field}: " in response.get_json()["message"]
    assert api.call("GET", NOTES, maya).get_json() == {"notes": []}


def test_a_bad_change_is_refused_and_an_old_follow_up_may_stay(api, clock):
    _, maya = api.person("member")
    note = api.call("POST", NOTES, maya, json={**NOTE, "follow_up_on": day(1)}).get_json()
    path = f"{NOTES}/{note['id']}"
    bad = api.call("PATCH", path, maya, json={"text": "x" * 5001})
    assert bad.status_code == 422 and "text: " in bad.get_json()["message"]
    clock.advance(days=3)
    # The follow-up day has passed; changing the text keeps it, moving it into the past not.
    kept = api.call("PATCH", path, maya, json={"text": "Sent", "follow_up_on": day(1)})
    assert kept.status_code == 200
    moved = api.call("PATCH", path, maya, json={"follow_up_on": day(2)})
    assert moved.status_code == 422 and "follow_up_on: " in moved.get_json()["message"]
