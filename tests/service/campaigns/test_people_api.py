"""HR's people directory through the API: list and filter, add, change; loops in the chain
of managers and unknown managers refused."""

from __future__ import annotations

import pytest


@pytest.fixture
def hr(api):
    return api.person("hr", name="Hana Reyes", email="hana@example.org")[1]


def add(api, hr, name, email, manager_email=None, department=None, role="member"):
    body = {"name": name, "email": email, "role": role}
    if manager_email:
        body["manager_email"] = manager_email
    if department:
        body["department"] = department
    response = api.call("POST", "/api/v1/people", hr, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_hr_adds_people_and_finds_them_by_manager_and_department(api, hr):
    boss = add(api, hr, "Bo Boss", "bo@example.org", department="Sales")
    ann = add(api, hr, "Ann Able", "ann@example.org", "BO@example.org", "Sales")
    add(api, hr, "Cy Cole", "cy@example.org", "bo@example.org", "Support")
    assert ann == {
        "id": ann["id"],
        "name": "Ann Able",
        "email": "ann@example.org",
        "role": "member",
        "manager_email": "bo@example.org",
        "department": "Sales",
    }

    def names(query: str) -> list[str]:
        answer = api.call("GET", f"/api/v1/people?{query}", hr).get_json()
        return [person["name"] for person in answer["people"]]

    assert names("manager_email=bo@example.org") == ["Ann Able", "Cy Cole"]
    assert names("department=Sales") == ["Ann Able", "Bo Boss"]
    assert names("department=Sales&manager_email=bo@example.org") == ["Ann Able"]
    assert names("email=CY@example.org") == ["Cy Cole"]
    # Paged: 4 people (Hana too), 3 a page, page 2 holds the last one by name.
    second = api.call("GET", "/api/v1/people?per_page=3&page=2", hr).get_json()
    assert (second["page"], second["pages"], second["total"]) == (2, 2, 4)
    assert [p["name"] for p in second["people"]] == ["Hana Reyes"]
    assert boss["manager_email"] is None


def test_hr_changes_a_person(api, hr):
    add(api, hr, "Bo Boss", "bo@example.org")
    ann = add(api, hr, "Ann Able", "ann@example.org")
    changed = api.call(
        "PATCH",
        f"/api/v1/people/{ann['id']}",
        hr,
        json={"name": "Ann Able-Baker", "manager_email": "bo@example.org", "department": "Ops"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json() | {"id": None} == {
        "id": None,
        "name": "Ann Able-Baker",
        "email": "ann@example.org",
        "role": "member",
        "manager_email": "bo@example.org",
        "department": "Ops",
    }
    cleared = api.call(
        "PATCH", f"/api/v1/people/{ann['id']}", hr, json={"manager_email": None, "department": ""}
    ).get_json()
    assert (cleared["manager_email"], cleared["department"], cleared["name"]) == (
        None,
        None,
        "Ann Able-Baker",
    )


def test_a_loop_in_the_managers_is_refused_with_a_clear_message(api, hr):
    top = add(api, hr, "Tia Top", "tia@example.org")
    add(api, hr, "Mid Mo", "mo@example.org", "tia@example.org")
    add(api, hr, "Low Lu", "lu@example.org", "mo@example.org")
    # Tia -> Lu -> Mo -> Tia would be a loop.
    refused = api.call(
        "PATCH", f"/api/v1/people/{top['id']}", hr, json={"manager_email": "lu@example.org"}
    )
    assert refused.status_code == 422
    assert "loop" in refused.get_json()["message"]
    assert "manager_email" in refused.get_json()["errors"]["json"]
    themselves = api.call(
        "PATCH", f"/api/v1/people/{top['id']}", hr, json={"manager_email": "tia@example.org"}
    )
    assert themselves.status_code == 422
    tia = api.call("GET", "/api/v1/people?email=tia@example.org", hr).get_json()["people"][0]
    assert tia["manager_email"] is None


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        (
            "POST",
            "/api/v1/people",
            {"name": "X", "email": "x@example.org", "manager_email": "nobody@example.org"},
            422,
            "manager_email",
        ),
        ("POST", "/api/v1/people", {"name": "X", "email": "not an email"}, 422, "email"),
        (
            "POST",
            "/api/v1/people",
            {"name": "X", "email": "x@example.org", "role": "boss"},
            422,
            "role",
        ),
        (
            "POST",
            "/api/v1/people",
            {"name": "X", "email": "x@example.org", "department": "a\nb"},
            422,
            "department",
        ),
        ("POST", "/api/v1/people", {"name": "X", "email": "hana@example.org"}, 409, None),
        (
            "PATCH",
            "/api/v1/people/ANN",
            {"manager_email": "nobody@example.org"},
            422,
            "manager_email",
        ),
        ("PATCH", "/api/v1/people/ANN", {"name": ""}, 422, "name"),
        ("PATCH", "/api/v1/people/no-such-person", {"name": "Y"}, 404, None),
        ("GET", "/api/v1/people?page=0", None, 422, "page"),
        ("GET", "/api/v1/people?manager_email=nope", None, 422, "manager_email"),
    ],
)
def test_bad_input_gets_a_clear_4xx(api, hr, method, path, body, status, field):
    ann = add(api, hr, "Ann Able", "ann@example.org")
    response = api.call(method, path.replace("ANN", ann["id"]), hr, json=body)
    assert response.status_code == status, response.get_json()
    answer = response.get_json()
    assert answer["message"]
    if field:
        assert field in str(answer.get("errors")) or field in answer["message"]


def test_a_member_is_refused_and_me_is_not_taken_for_an_id(api, hr):
    _, member = api.person("member", email="mem@example.org")
    assert api.call("GET", "/api/v1/people", member).status_code == 403
    assert (
        api.call(
            "POST", "/api/v1/people", member, json={"name": "X", "email": "x@example.org"}
        ).status_code
        == 403
    )
    # /people/me/history is the history API's, not a person called "me".
    assert api.call("GET", "/api/v1/people/me/history", member).status_code == 200
    assert api.call("PATCH", "/api/v1/people/me", hr, json={"name": "Y"}).status_code == 404
