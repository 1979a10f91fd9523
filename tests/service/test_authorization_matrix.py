"""Who may call each API route, driven by the app's route table.

Every route under /api/ must be classified in ROUTES; a route added without a line there
fails `test_the_table_classifies_every_api_route`, so no new route escapes these checks.
Each route is then called by seven callers (no token, a forged token, a rater's survey token,
a rater's pulse token, a member the round is not about, the member it is about, HR) in the
state the route needs, and the answer must be what the table says. A refused call must
change nothing stored, and no answer to anyone but HR (and to HR only where the deployment
allows it) may carry a rater's survey link or token.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask import url_for

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.survey_links import live_link
from service.services.tokens import hash_token
from tests.conftest import in_days
from tests.service.pulse_helpers import pulse_tokens
from tests.service.web.pages import PersonSession, stored_rows

HR_EMAIL = "hana@example.org"
SUBJECT_EMAIL = "sam@example.org"
# Another member, who is also one of the peers Sam asked: the curious colleague who holds
# both a survey link and an API token.
OTHER_MEMBER_EMAIL = "pat@example.org"
# Who calls, in this order: the refused callers of a round route come before the ones
# allowed to act, so a refusal is checked on a round nobody has changed yet.
CALLERS = ("anonymous", "forged", "rater", "pulse_rater", "other_member", "subject", "hr")
FORGED_TOKEN = "f360_" + "x" * 43

# Who may call a route.
PUBLIC = "public"  # anyone, without a token: the API's own description
SURVEY = "survey"  # a rater's survey token, and nothing else
PULSE = "pulse"  # a rater's pulse token, and nothing else
SIGNED_IN = "signed in"  # any person's API token; each sees and makes only their own rounds
ROUND = "round"  # HR on every round; a member only on a round about themselves
RESULTS = "results"  # as ROUND; the subject only while people may read their own results
HR_ONLY = "hr only"  # HR; a member is refused (403 or 404), whatever round they are in
PLAN = "plan"  # the subject; HR too (whether a plan exists, never its words); others 404
PLAN_OWNER = "plan owner"  # the subject only: HR is refused (403), others 404
PLAN_MANAGER = "plan manager"  # the subject's manager, shared with: 403 to Sam and HR
AUTHOR = "author"  # the note's author; everyone else, HR included, 404
APPROVER = "approver"  # the person's manager or HR; the person and others 404 (Sam has none)


@dataclass(frozen=True)
class Call:
    """What a route is called with: its URL's values and its JSON body."""

    values: dict = field(default_factory=dict)
    body: dict | None = None


class World:
    """Three people (HR, Sam the member every round is about, Pat another member and one of
    Sam's peers) and Sam's rounds in the states the routes need, made when first asked for."""

    def __init__(self, api):
        self.api = api
        _, self.hr = api.person("hr", name="Hana Reyes", email=HR_EMAIL)
        _, self.subject = api.person("member", name="Sam Subject", email=SUBJECT_EMAIL)
        _, self.other_member = api.person("member", name="Pat Peer", email=OTHER_MEMBER_EMAIL)
        self.shared: dict[str, dict] = {}
        self.survey_tokens: dict[str, dict[str, str]] = {}

    def token(self, caller: str) -> str | None:
        if caller == "rater":
            return self.rater_token()
        if caller == "pulse_rater":
            return self.pulse_token()
        return {
            "anonymous": None,
            "forged": FORGED_TOKEN,
            "other_member": self.other_member,
            "subject": self.subject,
            "hr": self.hr,
        }[caller]

    def _shared(self, state: str, make: Callable[[], dict], fresh: bool) -> dict:
        if fresh:
            return make()
        if state not in self.shared:
            self.shared[state] = make()
        return self.shared[state]

    def draft(self, *, fresh: bool = False) -> dict:
        return self._shared("draft", lambda: self.api.create_round(self.subject), fresh)

    def open(self, *, fresh: bool = False) -> dict:
        def make():
            created = self.api.create_round(self.subject)
            self.survey_tokens[created["id"]] = self.api.launch(self.subject, created["id"])
            return created

        return self._shared("open", make, fresh)

    def closed(self, *, fresh: bool = False) -> dict:
        def make():
            opened = self.open(fresh=True)
            path = f"/api/v1/rounds/{opened['id']}/close"
            assert self.api.call("POST", path, self.subject).status_code == 200
            return opened

        return self._shared("closed", make, fresh)

    def rater_token(self) -> str:
        """The manager's survey token for Sam's open round: a rater who is not Sam."""
        return self.survey_tokens[self.open()["id"]]["morgan@example.org"]

    def pulse_token(self) -> str:
        """The manager's pulse token for the pulse on Sam's saved plan."""
        shared_pulse(self)
        return pulse_tokens(self.api.app)["morgan@example.org"]

    @staticmethod
    def peer(round_: dict) -> str:
        return next(r["id"] for r in round_["raters"] if r["relationship"] == "peer")


# How each route is called; `fresh` is True for a caller who may act, so a call that
# changes the round (launch, close, ...) gets a round of its own.


def nothing(world: World, fresh: bool) -> Call:
    return Call()


def docs_asset(world: World, fresh: bool) -> Call:
    return Call({"filename": "swagger-ui-bundle.js"})


def sams_history(world: World, fresh: bool) -> Call:
    with world.api.app.app_context():
        return Call({"person_id": find_person_by_email(SUBJECT_EMAIL).id})


def new_person(world: World, fresh: bool) -> Call:
    return Call(body={"name": "Nia New", "email": f"nia-{uuid.uuid4().hex[:8]}@example.org"})


def sams_record(world: World, fresh: bool) -> Call:
    return Call(sams_history(world, fresh).values, {"department": "Sales"})


def retention_change(world: World, fresh: bool) -> Call:
    return Call(body={"retention_days": 90})


def person_to_erase(world: World, fresh: bool) -> Call:
    """Sam for a refused caller (nothing may change); HR erases a person of its own."""
    if not fresh:
        return sams_history(world, fresh)
    person_id, _ = world.api.person("member", name="Eve Erased")
    return Call({"person_id": person_id})


CAMPAIGN_BODY = {"name": "Spring 360", "subjects": [SUBJECT_EMAIL]}


def new_campaign(world: World, fresh: bool) -> Call:
    return Call(body=CAMPAIGN_BODY | {"nomination_deadline": in_days(5), "deadline": in_days(20)})


def make_campaign(world: World, **fields) -> dict:
    body = new_campaign(world, True).body | fields
    created = world.api.call("POST", "/api/v1/campaigns", world.hr, json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def sams_campaign(world: World, fresh: bool) -> Call:
    """A campaign about Sam: one of its own for a caller who may act on it."""
    if fresh:
        return Call({"campaign_id": make_campaign(world)["id"]})
    if "campaign" not in world.shared:
        world.shared["campaign"] = make_campaign(world)
    return Call({"campaign_id": world.shared["campaign"]["id"]})


def nominated(world: World, **fields) -> tuple[str, str]:
    """A new campaign about Sam and its round, where Sam has named one peer."""
    campaign = make_campaign(world, **fields)
    round_id = campaign["rounds"][0]["id"]
    rater = {"name": "Pia Peer", "email": "pia@example.org", "relationship": "peer"}
    added = world.api.call("POST", f"/api/v1/rounds/{round_id}/raters", world.subject, json=rater)
    assert added.status_code == 201, added.get_json()
    return campaign["id"], round_id


def sams_nominated_round(world: World, fresh: bool) -> Call:
    if fresh or "nominated" not in world.shared:
        world.shared["nominated"] = nominated(world)
    return Call({"round_id": world.shared["nominated"][1]})


def sams_submitted_round(world: World, fresh: bool) -> Call:
    if fresh or "submitted" not in world.shared:
        _, round_id = nominated(world)
        path = f"/api/v1/rounds/{round_id}/nominations"
        assert world.api.call("POST", path, world.subject).status_code == 200
        world.shared["submitted"] = round_id
    return Call({"round_id": world.shared["submitted"]}, {})


def closed_campaign(world: World, fresh: bool) -> Call:
    """A campaign about Sam whose one round is closed."""
    if "closed_campaign" not in world.shared:
        campaign_id, round_id = nominated(world, manager_approval=False)
        path = f"/api/v1/rounds/{round_id}/nominations"
        assert world.api.call("POST", path, world.subject).status_code == 200
        for step in ("launch", "close"):
            path = f"/api/v1/campaigns/{campaign_id}/{step}"
            assert world.api.call("POST", path, world.hr).status_code == 200
        world.shared["closed_campaign"] = campaign_id
    return Call({"campaign_id": world.shared["closed_campaign"]})


def new_round(world: World, fresh: bool) -> Call:
    return Call(body={"deadline": in_days(10), "raters": []})


def open_round(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.open()["id"]})


def move_deadline(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.open()["id"]}, {"deadline": in_days(20)})


def add_rater(world: World, fresh: bool) -> Call:
    email = f"nia-{uuid.uuid4().hex[:8]}@example.org"
    body = {"name": "Nia New", "email": email, "relationship": "peer"}
    return Call({"round_id": world.open()["id"]}, body)


def remove_rater_from_draft(world: World, fresh: bool) -> Call:
    draft = world.draft(fresh=fresh)
    return Call({"round_id": draft["id"], "rater_id": world.peer(draft)})


def resend_to_pending_rater(world: World, fresh: bool) -> Call:
    opened = world.open()
    return Call({"round_id": opened["id"], "rater_id": world.peer(opened)})


def launch_draft(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.draft(fresh=fresh)["id"]})


def close_open_round(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.open(fresh=fresh)["id"]})


def reopen_closed_round(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.closed(fresh=fresh)["id"]}, {"deadline": in_days(5)})


def closed_round(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.closed()["id"]})


def heatmap_as_csv(world: World, fresh: bool) -> Call:
    return Call({"format": "csv"})


def closed_round_as_csv(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.closed()["id"], "format": "csv"})


def survey_draft(world: World, fresh: bool) -> Call:
    return Call(body={"answers": {}, "comments": {}})


def survey_submission(world: World, fresh: bool) -> Call:
    if "submission" not in world.shared:
        # Read once: a survey already submitted no longer lists its questions.
        world.shared["submission"] = {"answers": world.api.full_answers(world.rater_token())}
    return Call(body={**world.shared["submission"], "comments": {}})


def survey_decline(world: World, fresh: bool) -> Call:
    return Call(body={"reason": "I have not worked with Sam"})


PLAN_BODY = {
    "focus": [
        {
            "skill": "empathy",
            "goal": "Listen before I answer",
            "success_measure": "Two colleagues say they feel heard",
            "due": (date.today() + timedelta(days=60)).isoformat(),
            "exercises": ["em_understand_first"],
            "support": None,
        }
    ]
}


def saved_plan_round(world: World) -> str:
    """Sam's closed round with a saved plan."""
    if "plan" not in world.shared:
        round_id = world.closed()["id"]
        path = f"/api/v1/rounds/{round_id}/plan"
        assert world.api.call("PUT", path, world.subject, json=PLAN_BODY).status_code == 200
        world.shared["plan"] = {"id": round_id}
    return world.shared["plan"]["id"]


def start_pulse(world: World, round_id: str) -> dict:
    path = f"/api/v1/rounds/{round_id}/pulses"
    started = world.api.call("POST", path, world.subject, json={"deadline": in_days(30)})
    assert started.status_code == 201, started.get_json()
    return started.get_json()


def plan_round_for_pulse(world: World, fresh: bool) -> Call:
    """A round with a saved plan and no open pulse: one of its own for a caller who may act."""
    if not fresh:
        return Call({"round_id": saved_plan_round(world)}, {"deadline": in_days(30)})
    round_id = world.closed(fresh=True)["id"]
    path = f"/api/v1/rounds/{round_id}/plan"
    assert world.api.call("PUT", path, world.subject, json=PLAN_BODY).status_code == 200
    return Call({"round_id": round_id}, {"deadline": in_days(30)})


def a_pulse(world: World, fresh: bool) -> Call:
    """A pulse on Sam's plan: a pulse of its own for a caller who may act (close it)."""
    if not fresh:
        return Call({"round_id": saved_plan_round(world), "pulse_id": shared_pulse(world)})
    round_id = plan_round_for_pulse(world, fresh).values["round_id"]
    return Call({"round_id": round_id, "pulse_id": start_pulse(world, round_id)["id"]})


def shared_pulse(world: World) -> str:
    """The id of the pulse on Sam's saved plan, started when first asked for."""
    if "pulse" not in world.shared:
        world.shared["pulse"] = start_pulse(world, saved_plan_round(world))
    return world.shared["pulse"]["id"]


def follow_up(world: World, fresh: bool) -> Call:
    return Call({"round_id": saved_plan_round(world)}, {"message": "Thank you all"})


def pulse_answer(world: World, fresh: bool) -> Call:
    return Call(body={"answers": {"empathy": 1}})


def plan_save(world: World, fresh: bool) -> Call:
    return Call({"round_id": world.closed()["id"]}, PLAN_BODY)


def plan_settings(world: World, fresh: bool) -> Call:
    return Call({"round_id": saved_plan_round(world)}, {"checkin_every_days": 7})


def plan_checkin(world: World, fresh: bool) -> Call:
    return Call({"round_id": saved_plan_round(world)}, {"text": "Tried it", "progress": 20})


def plan_comment(world: World, fresh: bool) -> Call:
    return Call({"round_id": saved_plan_round(world)}, {"text": "Good start"})


def new_note(world: World, fresh: bool) -> Call:
    return Call(body={"about": "Kim Lee", "text": "Promised to send the article"})


def own_language(world: World, fresh: bool) -> Call:
    return Call(body={"language": "de"})


def sams_note(world: World, fresh: bool) -> Call:
    note = world.api.call("POST", "/api/v1/notes", world.subject, json=new_note(world, fresh).body)
    return Call({"note_id": note.get_json()["id"]}, {"text": "Sent it"})


@dataclass(frozen=True)
class Route:
    access: str
    call: Callable[[World, bool], Call]
    ok: int = 200  # the status of a call by a caller allowed to act


# Every API route, by (endpoint, method). A new route fails the coverage test until it is
# classified here.
ROUTES: dict[tuple[str, str], Route] = {
    ("api-docs.openapi_json", "GET"): Route(PUBLIC, nothing),
    ("api_docs.docs_page", "GET"): Route(PUBLIC, nothing),
    ("api_docs.docs_asset", "GET"): Route(PUBLIC, docs_asset),
    ("api_rounds.Rounds", "GET"): Route(SIGNED_IN, nothing),
    ("api_rounds.Rounds", "POST"): Route(SIGNED_IN, new_round, ok=201),
    ("api_rounds.RoundById", "GET"): Route(ROUND, open_round),
    ("api_rounds.RoundById", "PATCH"): Route(ROUND, move_deadline),
    ("api_rounds.Raters", "POST"): Route(ROUND, add_rater, ok=201),
    ("api_rounds.RaterById", "DELETE"): Route(ROUND, remove_rater_from_draft, ok=204),
    ("api_rounds.ResendLink", "POST"): Route(ROUND, resend_to_pending_rater, ok=202),
    ("api_rounds.Launch", "POST"): Route(ROUND, launch_draft),
    ("api_rounds.Remind", "POST"): Route(ROUND, open_round),
    ("api_rounds.Close", "POST"): Route(ROUND, close_open_round),
    ("api_rounds.Reopen", "POST"): Route(ROUND, reopen_closed_round),
    ("api_rounds.Repeat", "POST"): Route(ROUND, reopen_closed_round, ok=201),
    ("api_rounds.RoundResults", "GET"): Route(RESULTS, closed_round),
    ("api_rounds.ReportPdf", "GET"): Route(RESULTS, closed_round),
    ("api_rounds.ReportHtml", "GET"): Route(RESULTS, closed_round),
    ("api_survey.Survey", "GET"): Route(SURVEY, nothing),
    ("api_survey.Answers", "PUT"): Route(SURVEY, survey_draft),
    ("api_survey.Submit", "POST"): Route(SURVEY, survey_submission),
    ("api_survey.Decline", "POST"): Route(SURVEY, survey_decline),
    ("api_outbox.Outbox", "GET"): Route(HR_ONLY, nothing),
    ("api_plans.PlanOfRound", "GET"): Route(PLAN, closed_round),
    ("api_plans.PlanOfRound", "PUT"): Route(PLAN_OWNER, plan_save),
    ("api_plans.PlanOfRound", "PATCH"): Route(PLAN_OWNER, plan_settings),
    ("api_plans.Checkins", "POST"): Route(PLAN_OWNER, plan_checkin, ok=201),
    ("api_plans.Comments", "POST"): Route(PLAN_MANAGER, plan_comment, ok=201),
    ("api_notes.Notes", "GET"): Route(SIGNED_IN, nothing),
    ("api_notes.Notes", "POST"): Route(SIGNED_IN, new_note, ok=201),
    ("api_notes.NoteById", "GET"): Route(AUTHOR, sams_note),
    ("api_notes.NoteById", "PATCH"): Route(AUTHOR, sams_note),
    ("api_notes.NoteById", "DELETE"): Route(AUTHOR, sams_note, ok=204),
    ("api_pulses.FollowUp", "POST"): Route(PLAN_OWNER, follow_up),
    ("api_pulses.Pulses", "GET"): Route(PLAN, plan_round_for_pulse),
    ("api_pulses.Pulses", "POST"): Route(PLAN, plan_round_for_pulse, ok=201),
    ("api_pulses.PulseOfRound", "GET"): Route(PLAN, a_pulse),
    ("api_pulses.ClosePulse", "POST"): Route(PLAN, a_pulse),
    ("api_pulse.RaterPulse", "GET"): Route(PULSE, nothing),
    ("api_pulse.SubmitPulse", "POST"): Route(PULSE, pulse_answer),
    ("api_history.MyHistory", "GET"): Route(SIGNED_IN, nothing),
    ("api_me.Me", "GET"): Route(SIGNED_IN, nothing),
    ("api_me.Me", "PATCH"): Route(SIGNED_IN, own_language),
    ("api_history.PersonHistory", "GET"): Route(ROUND, sams_history),
    ("api_people.People", "GET"): Route(HR_ONLY, nothing),
    ("api_people.People", "POST"): Route(HR_ONLY, new_person, ok=201),
    ("api_people.PersonById", "PATCH"): Route(HR_ONLY, sams_record),
    ("api_settings.OrgSettingsResource", "GET"): Route(HR_ONLY, nothing),
    ("api_settings.OrgSettingsResource", "PATCH"): Route(HR_ONLY, retention_change),
    ("api_people.PersonById", "DELETE"): Route(HR_ONLY, person_to_erase, ok=204),
    ("api_personal_data.MyExport", "GET"): Route(SIGNED_IN, nothing),
    ("api_personal_data.PersonExport", "GET"): Route(HR_ONLY, sams_history),
    ("api_team.Team", "GET"): Route(SIGNED_IN, nothing),
    # Managers see their own team's row; Pat and Sam manage nobody (test_heatmap_api.py).
    ("api_insights.Heatmap", "GET"): Route(HR_ONLY, nothing),
    ("api_insights.HeatmapExport", "GET"): Route(HR_ONLY, heatmap_as_csv),
    ("api_insights.ResultsExport", "GET"): Route(HR_ONLY, closed_round_as_csv),
    ("api_campaigns.Campaigns", "GET"): Route(HR_ONLY, nothing),
    ("api_campaigns.Campaigns", "POST"): Route(HR_ONLY, new_campaign, ok=201),
    ("api_campaigns.CampaignById", "GET"): Route(HR_ONLY, sams_campaign),
    ("api_campaigns.LaunchCampaign", "POST"): Route(HR_ONLY, sams_campaign),
    ("api_campaigns.RemindCampaign", "POST"): Route(HR_ONLY, sams_campaign),
    ("api_campaigns.CloseCampaign", "POST"): Route(HR_ONLY, sams_campaign),
    ("api_campaigns.ExportCampaign", "POST"): Route(HR_ONLY, closed_campaign, ok=202),
    ("api_campaigns.SubmitNominations", "POST"): Route(ROUND, sams_nominated_round),
    ("api_campaigns.ApproveNominations", "POST"): Route(APPROVER, sams_submitted_round),
}


def api_routes(app) -> set[tuple[str, str]]:
    """(endpoint, method) of every route under /api/ in the app's URL map."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def expected_statuses(route: Route, caller: str) -> set[int]:
    if route.access == PUBLIC:
        return {route.ok}
    if caller in ("anonymous", "forged"):
        return {401}
    if route.access == SURVEY:
        return {route.ok} if caller == "rater" else {401}
    if route.access == PULSE:
        return {route.ok} if caller == "pulse_rater" else {401}
    if caller in ("rater", "pulse_rater"):
        return {401}  # a survey or pulse token is not an API token, even for its own round
    if route.access == HR_ONLY:
        return {route.ok} if caller == "hr" else {403, 404}
    if route.access == APPROVER:
        return {route.ok} if caller == "hr" else {404}
    if route.access == AUTHOR:
        return {route.ok} if caller == "subject" else {404}
    if route.access == PLAN_OWNER and caller == "hr":
        return {403}
    if route.access == PLAN_MANAGER:
        # Sam's manager is tested in tests/service/test_plans_api.py.
        return {403} if caller in ("subject", "hr") else {404}
    if route.access == SIGNED_IN or caller in ("subject", "hr"):
        return {route.ok}
    return {404}  # another member learns nothing about Sam's rounds, not even that they exist


def path_for(app, endpoint: str, values: dict) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


SURVEY_TOKEN_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def strings_in(value) -> list[tuple[str, str]]:
    """(key, string) for every string in a JSON document, with the key it sits under."""
    found: list[tuple[str, str]] = []

    def walk(node, key: str) -> None:
        if isinstance(node, dict):
            for name, child in node.items():
                walk(child, name)
        elif isinstance(node, list):
            for child in node:
                walk(child, key)
        elif isinstance(node, str):
            found.append((key, node))

    walk(value, "")
    return found


def survey_links_in(app, response) -> list[str]:
    """Every survey link an answer carries: a survey_url, a /s/ link, or a live survey token
    under any name."""
    if response.is_json:
        strings = strings_in(response.get_json(silent=True))
    elif response.mimetype == "text/html":
        strings = [("", response.get_data(as_text=True))]
    else:
        return []
    leaks = [f"{key}: {text}" for key, text in strings if key == "survey_url" or "/s/" in text]
    with app.app_context():
        for _, text in strings:
            leaks += [
                f"live survey token {token}"
                for token in SURVEY_TOKEN_SHAPE.findall(text)
                if live_link(hash_token(token)) is not None
            ]
        db.session.remove()
    return leaks


@pytest.fixture
def world(api):
    return World(api)


def test_the_table_classifies_every_api_route(app):
    routes = api_routes(app)
    assert routes - set(ROUTES) == set(), "classify these new routes in ROUTES"
    assert set(ROUTES) - routes == set(), "these routes are gone: remove them from ROUTES"


def problems_of(app, api, world: World, endpoint: str, method: str, caller: str) -> list[str]:
    """What is wrong with one caller's call of one route; nothing if all is as the table
    says."""
    route = ROUTES[(endpoint, method)]
    expected = expected_statuses(route, caller)
    allowed = route.ok in expected and route.access != PUBLIC
    call = route.call(world, allowed)
    path = path_for(app, endpoint, call.values)
    token = world.token(caller)
    before = None if allowed else stored_rows(app)
    problems = []
    with api.call(method, path, token, json=call.body) as response:
        status, answer = response.status_code, response.get_json(silent=True)
        if status not in expected:
            problems.append(f"{status} (expected {sorted(expected)})")
        if before is not None and stored_rows(app) != before:
            problems.append("refused, yet the call changed what is stored")
        if route.access != PUBLIC and status >= 400 and not (answer or {}).get("message"):
            problems.append(f"{status} without a JSON message")
        # HR's outbox is the emails themselves: invitations carry their links there.
        if not (caller == "hr" and route.access == HR_ONLY):
            problems += survey_links_in(app, response)
    if caller == "other_member" and status == 404 and "round_id" in call.values:
        # A member learns nothing, not even that the round exists: the same answer as for
        # a round that does not exist at all.
        unknown = path_for(app, endpoint, call.values | {"round_id": str(uuid.uuid4())})
        with api.call(method, unknown, token, json=call.body) as missing:
            if (missing.status_code, missing.get_json()) != (404, answer):
                problems.append(f"{answer} differs from a missing round's {missing.get_json()}")
    return [f"{caller}: {problem}" for problem in problems]


@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_each_caller_gets_what_the_table_says(app, api, world, endpoint, method):
    problems = [
        problem
        for caller in CALLERS
        for problem in problems_of(app, api, world, endpoint, method, caller)
    ]
    assert problems == [], f"{method} {endpoint}"


def test_a_member_lists_only_their_own_rounds(api, world):
    sams = {world.draft()["id"], world.open()["id"]}
    listed = {
        caller: {r["id"] for r in api.call("GET", "/api/v1/rounds", token).get_json()["rounds"]}
        for caller, token in (
            ("other_member", world.other_member),
            ("subject", world.subject),
            ("hr", world.hr),
        )
    }
    assert listed == {"other_member": set(), "subject": sams, "hr": sams}


def test_a_member_cannot_start_a_round_about_someone_else(app, api, world):
    before = stored_rows(app)
    response = api.call(
        "POST",
        "/api/v1/rounds",
        world.other_member,
        json={"deadline": in_days(10), "subject_email": SUBJECT_EMAIL, "raters": []},
    )
    assert response.status_code == 403
    assert stored_rows(app) == before


# Results and reports: one access rule ----------------------------------------------------


def report_views(app, round_id: str) -> dict[str, tuple[str, str]]:
    """Every view of a round's results, API and pages: name -> (kind, path)."""
    with app.test_request_context():
        return {
            "API results": ("api", url_for("api_rounds.RoundResults", round_id=round_id)),
            "API report.pdf": ("api", url_for("api_rounds.ReportPdf", round_id=round_id)),
            "API report.html": ("api", url_for("api_rounds.ReportHtml", round_id=round_id)),
            "report page": ("web", url_for("rounds.report", round_id=round_id)),
            "report.pdf page": ("web", url_for("rounds.report_pdf", round_id=round_id)),
        }


# The settings form with its checkbox "people can read the report of their own rounds" left
# unticked, as a browser sends it.
SETTINGS_WITHOUT_OWN_REPORTS = {"anonymity_threshold": "3", "reminder_days": "3, 1"}


@pytest.mark.parametrize("switched_off_by", ["deployment", "settings page"])
def test_a_subject_who_may_not_read_results_is_refused_every_view_alike(
    app, api, world, monkeypatch, switched_off_by
):
    round_id = world.closed()["id"]
    if switched_off_by == "deployment":
        monkeypatch.setitem(app.config, "SUBJECT_SEES_REPORT", False)
    else:
        hr_browser = PersonSession(app, HR_EMAIL)
        saved = hr_browser.post("/hr/settings", SETTINGS_WITHOUT_OWN_REPORTS)
        assert saved.status_code == 303
    views = report_views(app, round_id)
    sam, hana = PersonSession(app, SUBJECT_EMAIL), PersonSession(app, HR_EMAIL)

    def status(kind: str, path: str, token: str, browser: PersonSession) -> int:
        response = api.call("GET", path, token) if kind == "api" else browser.get(path)
        response.close()  # a served PDF stays open until the response is closed
        return response.status_code

    subject = {name: status(kind, path, world.subject, sam) for name, (kind, path) in views.items()}
    hr = {name: status(kind, path, world.hr, hana) for name, (kind, path) in views.items()}
    assert hr == dict.fromkeys(views, 200)
    # One rule for every view: the same refusal everywhere, none of them a way round it.
    assert len(set(subject.values())) == 1, subject
    assert set(subject.values()) <= {403, 404}, subject


# The outbox: who was reminded is who has not answered ----------------------------------


def outbox_paths(app, message_id: str) -> list[str]:
    """Every API route and page of the outbox in the URL map, with a real message id."""
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(("/api/v1/outbox", "/hr/outbox")) and "GET" in rule.methods:
                values = {"message_id": message_id} if "message_id" in rule.arguments else {}
                assert set(rule.arguments) <= {"message_id"}, rule.rule
                paths.append(url_for(rule.endpoint, **values))
    return paths


def test_members_cannot_read_the_outbox_by_api_or_page(app, api, world):
    opened = world.open()
    reminded = api.call("POST", f"/api/v1/rounds/{opened['id']}/remind", world.subject)
    assert reminded.status_code == 200
    messages = api.call("GET", "/api/v1/outbox", world.hr).get_json()["messages"]
    reminder = next(m for m in messages if "morgan@example.org" in m["to"])
    paths = outbox_paths(app, reminder["id"])
    assert len(paths) >= 3, paths  # the API list, the page list, the page of one message
    browsers = {
        "subject": (world.subject, PersonSession(app, SUBJECT_EMAIL)),
        "other_member": (world.other_member, PersonSession(app, OTHER_MEMBER_EMAIL)),
        "hr": (world.hr, PersonSession(app, HR_EMAIL)),
    }
    answers = {}
    for caller, (token, browser) in browsers.items():
        for path in paths:
            response = (
                api.call("GET", path, token) if path.startswith("/api/") else browser.get(path)
            )
            answers[(caller, path)] = response.status_code
            if caller != "hr":
                assert "morgan@example.org" not in response.get_data(as_text=True), path
    expected = {
        (caller, path): {200} if caller == "hr" else {403, 404}
        for caller in browsers
        for path in paths
    }
    assert {key: status for key, status in answers.items() if status not in expected[key]} == {}


# Survey links: emailed to their rater, in the API to HR only where the deployment says ----


def link_answers(api, token: str, round_id: str) -> list:
    """The answers of every call that could hand out a survey link: launch, add a rater on
    the open round, resend to a rater who has not answered."""
    launched = api.call("POST", f"/api/v1/rounds/{round_id}/launch", token)
    assert launched.status_code == 200
    rater = {"name": "Nia New", "email": "nia@example.org", "relationship": "peer"}
    added = api.call("POST", f"/api/v1/rounds/{round_id}/raters", token, json=rater)
    assert added.status_code == 201
    resent = api.call(
        "POST", f"/api/v1/rounds/{round_id}/raters/{added.get_json()['id']}/resend", token
    )
    assert resent.status_code == 202
    return [launched, added, resent]


@pytest.mark.parametrize("links_in_api", [False, True])
def test_survey_links_reach_hr_only_where_the_deployment_hands_them_out(
    app, api, world, monkeypatch, links_in_api
):
    monkeypatch.setitem(app.config, "SURVEY_LINKS_IN_API", links_in_api)
    subjects_round = api.create_round(world.subject)
    for response in link_answers(api, world.subject, subjects_round["id"]):
        assert survey_links_in(app, response) == [], response.get_json()

    hrs_round = api.create_round(world.hr, subject_email=SUBJECT_EMAIL)
    launched, added, resent = link_answers(api, world.hr, hrs_round["id"])
    if not links_in_api:
        for response in (launched, added, resent):
            assert survey_links_in(app, response) == [], response.get_json()
        return
    urls = [rater["survey_url"] for rater in launched.get_json()["raters"]]
    assert len(urls) == 5 and all(urls)
    assert added.get_json()["survey_url"]
    # The resent link replaced the added one, and it works.
    survey_token = resent.get_json()["survey_url"].rsplit("/s/", 1)[1]
    assert api.call("GET", "/api/v1/survey", survey_token).status_code == 200
    older = added.get_json()["survey_url"].rsplit("/s/", 1)[1]
    assert api.call("GET", "/api/v1/survey", older).status_code == 401


def answered_round(api, world: World) -> tuple[dict, dict[str, str]]:
    """Sam's open round with its raters in every state: Morgan has not answered, Pat keeps
    a draft, Quinn submitted, Dana declined. Returns the round and rater ids by state."""
    opened = world.open()
    tokens = world.survey_tokens[opened["id"]]
    saved = api.call(
        "PUT", "/api/v1/survey/answers", tokens["pat@example.org"], json={"answers": {}}
    )
    submitted = api.call(
        "POST",
        "/api/v1/survey/submit",
        tokens["quinn@example.org"],
        json={"answers": api.full_answers(tokens["quinn@example.org"])},
    )
    declined = api.call("POST", "/api/v1/survey/decline", tokens["dana@example.org"], json={})
    assert [saved.status_code, submitted.status_code, declined.status_code] == [200, 200, 200]
    ids = {r["email"]: r["id"] for r in opened["raters"]}
    return opened, {
        "pending": ids["morgan@example.org"],
        "draft": ids["pat@example.org"],
        "submitted": ids["quinn@example.org"],
        "declined": ids["dana@example.org"],
    }


RATER_IDENTITY = ("id", "name", "email", "relationship")


def without_identity(answer: dict | None) -> dict | None:
    """An answer about a rater, less who the rater is (which the subject knows anyway)."""
    if not isinstance(answer, dict):
        return answer
    return {key: value for key, value in answer.items() if key not in RATER_IDENTITY}


def test_a_resend_tells_the_subject_nothing_about_what_the_rater_did(api, world):
    opened, raters = answered_round(api, world)
    path = f"/api/v1/rounds/{opened['id']}/raters/{{}}/resend"
    subject = {
        state: api.call("POST", path.format(rater_id), world.subject)
        for state, rater_id in raters.items()
    }
    answers = {
        state: (r.status_code, without_identity(r.get_json())) for state, r in subject.items()
    }
    assert all(answer == answers["pending"] for answer in answers.values()), answers
    assert answers["pending"][0] == 202
    # HR keeps the detailed answers.
    hr = {
        state: api.call("POST", path.format(rater_id), world.hr).status_code
        for state, rater_id in raters.items()
    }
    assert hr == {"pending": 202, "draft": 202, "submitted": 409, "declined": 409}


def test_removing_a_rater_after_launch_is_refused_alike_for_the_subject(app, api, world):
    opened, raters = answered_round(api, world)
    path = f"/api/v1/rounds/{opened['id']}/raters/{{}}"
    before = stored_rows(app)
    answers = {}
    for state, rater_id in raters.items():
        response = api.call("DELETE", path.format(rater_id), world.subject)
        answers[state] = (response.status_code, response.get_json(silent=True))
    assert all(answer == answers["pending"] for answer in answers.values()), answers
    assert 400 <= answers["pending"][0] < 500 and answers["pending"][1]["message"]
    assert stored_rows(app) == before
    # HR may take out a rater who has not submitted; a submitted response stays.
    hr = {
        state: api.call("DELETE", path.format(raters[state]), world.hr).status_code
        for state in ("submitted", "pending")
    }
    assert hr == {"submitted": 409, "pending": 204}


REMINDER_NOTICE = re.compile(r'<p class="notice" role="status">(.*?)</p>', re.S)


def test_a_reminder_tells_the_subject_nothing_about_who_answered(app, api, world):
    """Two rounds: nobody has answered the first; every rater of the second has submitted
    or declined. What the subject is told on reminding must be the same."""
    nobody = world.open(fresh=True)
    everybody, _ = answered_round(api, world)
    tokens = world.survey_tokens[everybody["id"]]
    for email in ("morgan@example.org", "pat@example.org"):
        assert api.call("POST", "/api/v1/survey/decline", tokens[email], json={}).status_code == 200

    api_answers = []
    for round_ in (nobody, everybody):
        response = api.call("POST", f"/api/v1/rounds/{round_['id']}/remind", world.subject)
        api_answers.append((response.status_code, response.get_json()))
    assert api_answers[0] == api_answers[1]

    sam = PersonSession(app, SUBJECT_EMAIL)
    notices = []
    for round_ in (nobody, everybody):
        assert sam.post(f"/rounds/{round_['id']}/remind").status_code == 303
        notices.append(REMINDER_NOTICE.findall(sam.html(f"/rounds/{round_['id']}")))
    assert notices[0] == notices[1] and notices[0]

    # HR is told how many reminders went out: the self-assessment alone is still awaited.
    hr = api.call("POST", f"/api/v1/rounds/{everybody['id']}/remind", world.hr).get_json()
    assert (hr["queued"], hr["already_reminded_today"]) == (0, 1)


# The anonymity threshold: a member cannot go below the organisation's -------------------


def start_round(api, token: str, **fields):
    return api.call(
        "POST", "/api/v1/rounds", token, json={"deadline": in_days(10), "raters": [], **fields}
    )


def test_a_member_cannot_set_a_smaller_anonymity_threshold_than_the_organisation(app, api, world):
    before = stored_rows(app)
    refused = start_round(api, world.subject, anonymity_threshold=2)
    assert refused.status_code == 422
    assert "anonymity_threshold" in refused.get_json()["message"]
    assert "3" in refused.get_json()["message"]  # the organisation's threshold, the default
    assert stored_rows(app) == before
    for k in (3, 4):
        created = start_round(api, world.subject, anonymity_threshold=k)
        assert created.status_code == 201 and created.get_json()["anonymity_threshold"] == k
    by_hr = start_round(api, world.hr, subject_email=SUBJECT_EMAIL, anonymity_threshold=2)
    assert by_hr.status_code == 201 and by_hr.get_json()["anonymity_threshold"] == 2

    # HR raises the organisation's threshold to 5 on the settings page.
    hana = PersonSession(app, HR_EMAIL)
    saved = hana.post(
        "/hr/settings",
        {"anonymity_threshold": "5", "subject_sees_report": "y", "reminder_days": "3, 1"},
    )
    assert saved.status_code == 303
    refused = start_round(api, world.subject, anonymity_threshold=4)
    assert refused.status_code == 422 and "5" in refused.get_json()["message"]
    assert start_round(api, world.subject).get_json()["anonymity_threshold"] == 5


# The subject's pages ---------------------------------------------------------------------


def test_the_subjects_pages_never_show_a_survey_link(app, api, world):
    """Every page of the individual's blueprint (rounds), on Sam's open and closed rounds, after Sam
    added a rater to the open round (whose link was just minted)."""
    opened, closed = world.open(), world.closed()
    sam = PersonSession(app, SUBJECT_EMAIL)
    added = sam.post(
        f"/rounds/{opened['id']}/raters",
        {"name": "Nia New", "email": "nia@example.org", "relationship": "peer"},
    )
    assert added.status_code == 303
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("rounds.") and "GET" in rule.methods:
                assert set(rule.arguments) <= {"round_id"}, rule.rule
                rounds = (opened, closed) if rule.arguments else ({},)
                pages += [
                    url_for(rule.endpoint, **({"round_id": r["id"]} if r else {})) for r in rounds
                ]
    assert len(pages) > 6, pages
    for path in pages:
        response = sam.get(path)
        response.close()
        assert response.status_code in (200, 303, 409), (path, response.status_code)
        assert survey_links_in(app, response) == [], path


# Pages: the same rules as the API, for every page in the route table --------------------


def page_rules(app, *, blueprints: tuple[str, ...] = (), argument: str | None = None):
    """(rule, method) of every page route (outside the JSON API) of these blueprints, or with
    this URL argument."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        if rule.endpoint.split(".")[0] in blueprints or argument in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


# Forms that would be accepted on Sam's own round, posted by someone else.
PAGE_FORMS = {
    "rounds.add_rater_action": {
        "name": "Nia New",
        "email": "nia@example.org",
        "relationship": "peer",
    },
    "rounds.deadline_action": {"deadline": (date.today() + timedelta(days=20)).isoformat()},
}


def test_another_member_is_refused_every_page_of_someone_elses_round(app, api, world):
    opened = world.open()
    values = {"round_id": opened["id"], "rater_id": world.peer(opened)}
    # A pulse's pages are about Sam's closed round with a plan, and its pulse.
    pulse_values = {"round_id": saved_plan_round(world), "pulse_id": shared_pulse(world)}
    pat = PersonSession(app, OTHER_MEMBER_EMAIL)
    answers = {}
    for rule, method in page_rules(app, argument="round_id"):
        given = pulse_values if "pulse_id" in rule.arguments else values
        with app.test_request_context():
            path = url_for(rule.endpoint, **{name: given[name] for name in rule.arguments})
        before = stored_rows(app)
        if method == "GET":
            response = pat.get(path)
        else:
            response = pat.post(path, PAGE_FORMS.get(rule.endpoint, {}))
        response.close()
        answers[(method, path)] = response.status_code
        assert stored_rows(app) == before, (method, path)
        assert "Sam Subject" not in response.get_data(as_text=True), (method, path)
    assert len(answers) >= 10, answers
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_a_member_is_refused_every_hr_page_and_form(app, api, world):
    world.open()  # the invitations give the outbox a message
    messages = api.call("GET", "/api/v1/outbox", world.hr).get_json()["messages"]
    values = {"message_id": messages[0]["id"], "export_id": uuid.uuid4()}
    values["person_id"] = sams_history(world, False).values["person_id"]
    sam = PersonSession(app, SUBJECT_EMAIL)
    answers = {}
    for rule, method in page_rules(app, blueprints=("hr", "admin")):
        with app.test_request_context():
            path = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        before = stored_rows(app)
        response = sam.get(path) if method == "GET" else sam.post(path)
        response.close()
        answers[(method, path)] = response.status_code
        assert stored_rows(app) == before, (method, path)
    assert len(answers) >= 15, answers
    assert {key: status for key, status in answers.items() if status != 403} == {}
