"""The campaign pages (HR) and the team pages (a manager): start a campaign from the form,
follow it, submit a list from the round page, approve it from the team page."""

from __future__ import annotations

from datetime import timedelta

from service.services.clock import now
from tests.service.campaigns.helpers import Org
from tests.service.web.pages import PersonSession, words


def form_time(days: int) -> str:
    return (now() + timedelta(days=days)).strftime("%Y-%m-%dT17:00")


def post(session: PersonSession, path: str, data: dict):
    return session.client.post(path, data=data | {"csrf_token": session.csrf_token()})


def test_hr_starts_a_campaign_for_a_department_and_follows_it(app, api):
    Org(api)
    hana = PersonSession(app, "hana@example.org")
    page = hana.html("/hr/campaigns")
    assert "Start a campaign" in page and "Sales" in page
    started = post(
        hana,
        "/hr/campaigns",
        {
            "name": "Sales 360",
            "who": "department",
            "department": "Sales",
            "nomination_deadline": form_time(7),
            "deadline": form_time(21),
            "time_zone": "UTC",
            "manager_approval": "y",
            "minimum_peer": "2",
            "maximum_raters": "6",
        },
    )
    assert started.status_code == 303, words(started.get_data(as_text=True))[:400]
    campaign_page = hana.html(started.headers["Location"])
    text = words(campaign_page)
    assert "Sales 360" in text and "2 rounds" in text  # Ann and Nia, not Ben (Support)
    assert "Ann Able" in text and "Nia Noboss" in text and "Ben Best" not in text
    assert "Not ready: the raters have not been submitted" in text
    reminded = post(hana, started.headers["Location"] + "/remind", {})
    assert reminded.status_code == 303


def test_a_bad_campaign_form_says_what_is_wrong(app, api):
    Org(api)
    hana = PersonSession(app, "hana@example.org")
    refused = post(hana, "/hr/campaigns", {"name": "", "who": "everyone", "time_zone": "UTC"})
    assert refused.status_code == 422
    assert "Name the campaign." in words(refused.get_data(as_text=True))


def test_the_person_submits_and_the_manager_approves_on_the_pages(app, api):
    org = Org(api)
    created = org.campaign(subjects=("ann",), minimum_raters={"peer": 2})
    round_id = created["rounds"][0]["id"]
    org.name_peers(org.ann, round_id, 2)
    ann = PersonSession(app, "ann@example.org")
    assert "Submit my nominations" in ann.html(f"/rounds/{round_id}")
    assert post(ann, f"/rounds/{round_id}/nominations", {}).status_code == 303
    assert "waits for approval" in words(ann.html(f"/rounds/{round_id}"))
    # Ann cannot open the approval page of her own list; Ben (no report of his) neither.
    assert ann.get(f"/team/rounds/{round_id}").status_code == 404
    assert PersonSession(app, "ben@example.org").get(f"/team/rounds/{round_id}").status_code == 404

    mo = PersonSession(app, "mo@example.org")
    assert "Check Ann Able's raters" in words(mo.html("/team"))
    page = mo.html(f"/team/rounds/{round_id}")
    assert "peer0@example.org" in page
    approved = post(
        mo,
        f"/team/rounds/{round_id}/approve",
        {"name": "Dee Report", "email": "dee@example.org", "relationship": "direct_report"},
    )
    assert approved.status_code == 303
    assert "Nothing waits for you" in words(mo.html("/team"))
    raters = api.call("GET", f"/api/v1/rounds/{round_id}", org.hr).get_json()["raters"]
    assert "dee@example.org" in {r["email"] for r in raters}


def test_members_cannot_open_campaign_pages(app, api):
    Org(api)
    mo = PersonSession(app, "mo@example.org")
    assert mo.get("/hr/campaigns").status_code == 403


def test_hr_adds_a_person_with_a_department_on_the_people_page(app, api):
    org = Org(api)
    hana = PersonSession(app, "hana@example.org")
    added = post(
        hana,
        "/hr/people",
        {"name": "Zed New", "email": "zed@example.org", "role": "member", "department": "Ops"},
    )
    assert added.status_code == 303
    row = [r for r in hana.html("/hr/people").split("<tr>") if "zed@example.org" in r][-1]
    assert "Ops" in row
    found = api.call("GET", "/api/v1/people?department=Ops", org.hr).get_json()["people"]
    assert [p["email"] for p in found] == ["zed@example.org"]


def test_the_dashboard_filters_rounds_by_department(app, api):
    org = Org(api)
    for email in ("ann@example.org", "ben@example.org"):
        api.create_round(org.hr, subject_email=email)
    hana = PersonSession(app, "hana@example.org")
    sales = words(hana.html("/hr?department=Sales"))
    assert "Ann Able" in sales and "Ben Best" not in sales
    everyone = words(hana.html("/hr"))
    assert "Ann Able" in everyone and "Ben Best" in everyone
