"""Every form of the pages refuses a POST without a valid CSRF token, and stores nothing.

Driven by the app's route table: every route outside /api/ that accepts POST must have a
line in FORMS, so a form added later is checked too. Each form is posted by the person it
is for (signed in, or a rater, or a visitor for the sign-in forms) with data that would be
accepted: without a token, with a forged one, a tampered one and another session's genuine
one (each 400, nothing stored), then with the session's own token, which must succeed, so
the refusals are the token's doing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import url_for

from service.extensions import db
from service.services.clock import now
from service.services.people import find_person_by_email
from service.services.sign_in import set_password
from service.services.sign_in_links import mint_sign_in_link
from tests.conftest import in_days
from tests.service.pulse_helpers import PulseSession, pulse_tokens
from tests.service.web.pages import (
    CSRF_FIELD,
    PersonSession,
    RaterSession,
    stored_rows,
    words,
)

HR_EMAIL = "hana@example.org"
SUBJECT_EMAIL = "sam@example.org"
HR_PASSWORD = "correct horse battery staple"
PEOPLE_CSV = "name,email,role,manager_email\nZed New,zed@example.org,member,\n"
ROUNDS_CSV = (
    "subject_email,rater_name,rater_email,relationship\n"
    f"{SUBJECT_EMAIL},Kim Peer,kim@example.org,peer\n"
)
BULK_DEADLINE = (now() + timedelta(days=20)).strftime("%Y-%m-%dT17:00")


class Visitor:
    """A browser nobody has signed in on: its CSRF token comes with the sign-in page."""

    def __init__(self, app):
        self.client = app.test_client()

    def csrf_token(self) -> str:
        return CSRF_FIELD.search(self.client.get("/sign-in").get_data(as_text=True)).group(1)


@dataclass
class Post:
    """A form as its page posts it: who sends it, where, and with what."""

    browser: Visitor | PersonSession | RaterSession
    values: dict = field(default_factory=dict)
    data: Callable[[], dict] = dict  # made anew for each post: a file can be read only once
    ok: int = 303  # what the same post answers with the session's token


class Org:
    """HR (Hana), Sam (a member) and Sam's rounds, made when asked for."""

    def __init__(self, app, api):
        self.app, self.api = app, api
        self.hr_id, self.hr = api.person("hr", name="Hana Reyes", email=HR_EMAIL)
        _, self.subject = api.person("member", name="Sam Subject", email=SUBJECT_EMAIL)

    def give_hr_a_password(self) -> None:
        with self.app.app_context():
            set_password(self.hr_id, HR_PASSWORD)

    def hana(self) -> PersonSession:
        return PersonSession(self.app, HR_EMAIL)

    def sam(self) -> PersonSession:
        return PersonSession(self.app, SUBJECT_EMAIL)

    def draft(self) -> dict:
        return self.api.create_round(self.subject)

    def open(self) -> tuple[dict, dict[str, str]]:
        created = self.draft()
        return created, self.api.launch(self.subject, created["id"])

    def closed(self) -> dict:
        created, _ = self.open()
        closed = self.api.call("POST", f"/api/v1/rounds/{created['id']}/close", self.subject)
        assert closed.status_code == 200
        return created

    def rater(self) -> RaterSession:
        _, tokens = self.open()
        session = RaterSession(self.app, tokens["pat@example.org"])
        assert session.open_link().status_code == 303
        return session

    def sign_in_link(self) -> str:
        with self.app.app_context():
            token = mint_sign_in_link(find_person_by_email(SUBJECT_EMAIL))
            db.session.commit()
        return token


def csv_upload(text: str, **fields) -> Callable[[], dict]:
    return lambda: {**fields, "file": (io.BytesIO(text.encode()), "upload.csv")}


def day_in(days: int) -> str:
    """A deadline as a date-and-time input sends it, at 17:00 that many days from now."""
    return (now() + timedelta(days=days)).strftime("%Y-%m-%dT17:00")


def peer_of(round_: dict) -> str:
    return next(r["id"] for r in round_["raters"] if r["relationship"] == "peer")


# How each form is posted so that, with its token, it would be accepted.


def sign_in_link_form(org: Org) -> Post:
    return Post(Visitor(org.app), data=lambda: {"email": SUBJECT_EMAIL})


def password_form(org: Org) -> Post:
    org.give_hr_a_password()
    return Post(Visitor(org.app), data=lambda: {"pw-email": HR_EMAIL, "pw-password": HR_PASSWORD})


def use_link_button(org: Org) -> Post:
    return Post(Visitor(org.app), {"token": org.sign_in_link()})


def sign_up_form(org: Org) -> Post:
    return Post(Visitor(org.app), data=lambda: {"name": "Nora New", "email": "nora@example.org"})


def sign_out_button(org: Org) -> Post:
    return Post(org.sam())


def password_change_form(org: Org) -> Post:
    new = HR_PASSWORD + "!"
    return Post(org.hana(), data=lambda: {"password": new, "confirm": new})


def language_form(org: Org) -> Post:
    return Post(org.sam(), data=lambda: {"language": "fr"})


def new_round_form(org: Org) -> Post:
    def data():
        return {
            "deadline": day_in(10),
            "action": "create",
            "raters-0-name": "Kim Peer",
            "raters-0-email": "kim@example.org",
            "raters-0-relationship": "peer",
        }

    return Post(org.sam(), data=data)


def add_rater_form(org: Org) -> Post:
    rater = {"name": "Nia New", "email": "nia@example.org", "relationship": "peer"}
    return Post(org.sam(), {"round_id": org.open()[0]["id"]}, lambda: dict(rater))


def remove_rater_button(org: Org) -> Post:
    draft = org.draft()
    return Post(org.sam(), {"round_id": draft["id"], "rater_id": peer_of(draft)})


def button_on_draft(org: Org) -> Post:
    return Post(org.sam(), {"round_id": org.draft()["id"]})


def button_on_open_round(org: Org) -> Post:
    return Post(org.sam(), {"round_id": org.open()[0]["id"]})


def button_on_closed_round(org: Org) -> Post:
    return Post(org.sam(), {"round_id": org.closed()["id"]})


def deadline_form(org: Org) -> Post:
    return Post(org.sam(), {"round_id": org.open()[0]["id"]}, lambda: {"deadline": day_in(20)})


def add_person_form(org: Org) -> Post:
    person = {"name": "Zed New", "email": "zed@example.org", "role": "member"}
    return Post(org.hana(), data=lambda: dict(person))


def erase_form(org: Org) -> Post:
    person_id, _ = org.api.person("member", name="Zoe Gone", email="zoe@example.org")
    return Post(org.hana(), {"person_id": person_id}, data=lambda: {"email": "zoe@example.org"})


def people_upload(org: Org) -> Post:
    return Post(org.hana(), data=csv_upload(PEOPLE_CSV), ok=200)


def people_confirm(org: Org) -> Post:
    return Post(org.hana(), data=lambda: {"csv_text": PEOPLE_CSV})


def rounds_upload(org: Org) -> Post:
    return Post(org.hana(), data=csv_upload(ROUNDS_CSV, deadline=BULK_DEADLINE), ok=200)


def rounds_confirm(org: Org) -> Post:
    return Post(
        org.hana(), data=lambda: {"csv_text": ROUNDS_CSV, "deadline": BULK_DEADLINE}, ok=200
    )


def export_form(org: Org) -> Post:
    round_id = org.closed()["id"]
    return Post(org.hana(), data=lambda: {"round_id": round_id})


def published_scores_form(org: Org) -> Post:
    round_id = org.closed()["id"]
    return Post(
        org.hana(), values={"file_format": "csv"}, data=lambda: {"round_id": round_id}, ok=200
    )


def settings_form(org: Org) -> Post:
    settings = {"anonymity_threshold": "4", "subject_sees_report": "y", "reminder_days": "3, 1"}
    return Post(org.hana(), data=lambda: dict(settings))


def survey_save(org: Org) -> Post:
    return Post(org.rater(), data=lambda: {"action": "save", "answer-ei_1": "4"})


def survey_autosave(org: Org) -> Post:
    return Post(org.rater(), data=lambda: {"answer-ei_1": "4"}, ok=200)


def survey_decline(org: Org) -> Post:
    return Post(org.rater(), data=lambda: {"reason": "busy"})


def survey_language(org: Org) -> Post:
    return Post(org.rater(), data=lambda: {"language": "de", "answer-ei_1": "4"})


PLAN = {
    "focus": [
        {
            "skill": "empathy",
            "goal": "Listen first",
            "success_measure": "Colleagues feel heard",
            "due": (now() + timedelta(days=60)).date().isoformat(),
            "exercises": ["em_understand_first"],
        }
    ]
}


def sams_plan(org: Org, **settings) -> dict:
    """Sam's closed round with a saved plan: the round's URL values."""
    round_id = org.closed()["id"]
    path = f"/api/v1/rounds/{round_id}/plan"
    saved = org.api.call("PUT", path, org.subject, json={**PLAN, **settings})
    assert saved.status_code == 200
    return {"round_id": round_id}


def plan_form(org: Org) -> Post:
    form = {
        "focus-empathy": "on",
        "goal-empathy": "Listen first",
        "measure-empathy": "Colleagues feel heard",
        "due-empathy": (now() + timedelta(days=60)).date().isoformat(),
        "exercises-empathy": "em_understand_first",
        "checkin_every_days": "14",
    }
    return Post(org.sam(), {"round_id": org.closed()["id"]}, lambda: dict(form))


def checkin_form(org: Org) -> Post:
    return Post(org.sam(), sams_plan(org), lambda: {"text": "Tried it", "progress": "20"})


def reminders_button(org: Org) -> Post:
    return Post(org.sam(), sams_plan(org), lambda: {"action": "pause"})


def manager_comment_form(org: Org) -> Post:
    with org.app.app_context():
        find_person_by_email(SUBJECT_EMAIL).manager_id = org.hr_id
        db.session.commit()
    return Post(org.hana(), sams_plan(org, shared_with_manager=True), lambda: {"text": "Nice"})


def thank_you_form(org: Org) -> Post:
    return Post(org.sam(), sams_plan(org), lambda: {"message": "Thank you all"})


def pulse_start_form(org: Org) -> Post:
    return Post(org.sam(), sams_plan(org), lambda: {"deadline": day_in(30), "time_zone": "UTC"})


def sams_pulse(org: Org) -> dict:
    """A pulse on Sam's plan, started through the API: its URL values."""
    values = sams_plan(org)
    path = f"/api/v1/rounds/{values['round_id']}/pulses"
    started = org.api.call("POST", path, org.subject, json={"deadline": in_days(30)})
    assert started.status_code == 201
    return {**values, "pulse_id": started.get_json()["id"]}


def pulse_close_button(org: Org) -> Post:
    return Post(org.sam(), sams_pulse(org))


def pulse_answer_form(org: Org) -> Post:
    sams_pulse(org)
    session = PulseSession(org.app, pulse_tokens(org.app)["pat@example.org"])
    assert session.open_link().status_code == 303
    return Post(session, data=lambda: {"answer-empathy": "1", "comment": "Listens more"})


def note_form(org: Org) -> Post:
    return Post(org.sam(), data=lambda: {"about": "Kim Lee", "text": "Promised the article"})


def sams_note(org: Org) -> dict:
    body = {"about": "Kim Lee", "text": "Promised the article"}
    note = org.api.call("POST", "/api/v1/notes", org.subject, json=body).get_json()
    return {"note_id": note["id"]}


def note_edit_form(org: Org) -> Post:
    return Post(org.sam(), sams_note(org), lambda: {"about": "Kim Lee", "text": "Sent it"})


def note_delete_button(org: Org) -> Post:
    return Post(org.sam(), sams_note(org))


def campaign_about_sam(org: Org, **fields) -> dict:
    body = {
        "name": "Spring 360",
        "subjects": [SUBJECT_EMAIL],
        "nomination_deadline": in_days(5),
        "deadline": in_days(20),
        **fields,
    }
    created = org.api.call("POST", "/api/v1/campaigns", org.hr, json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def sams_campaign_round_with_a_peer(org: Org, **fields) -> tuple[str, str]:
    campaign = campaign_about_sam(org, **fields)
    round_id = campaign["rounds"][0]["id"]
    rater = {"name": "Pia Peer", "email": "pia@example.org", "relationship": "peer"}
    added = org.api.call("POST", f"/api/v1/rounds/{round_id}/raters", org.subject, json=rater)
    assert added.status_code == 201
    return campaign["id"], round_id


def campaign_form(org: Org) -> Post:
    fields = {
        "name": "Spring 360",
        "who": "everyone",
        "nomination_deadline": day_in(5),
        "deadline": day_in(20),
        "time_zone": "UTC",
        "minimum_peer": "0",
        "minimum_manager": "0",
    }
    return Post(org.hana(), data=lambda: dict(fields))


def campaign_button(org: Org) -> Post:
    return Post(org.hana(), {"campaign_id": campaign_about_sam(org)["id"], "action": "remind"})


def campaign_export_button(org: Org) -> Post:
    campaign_id, round_id = sams_campaign_round_with_a_peer(org, manager_approval=False)
    assert (
        org.api.call("POST", f"/api/v1/rounds/{round_id}/nominations", org.subject).status_code
        == 200
    )
    for step in ("launch", "close"):
        assert (
            org.api.call("POST", f"/api/v1/campaigns/{campaign_id}/{step}", org.hr).status_code
            == 200
        )
    return Post(org.hana(), {"campaign_id": campaign_id})


def nominations_button(org: Org) -> Post:
    return Post(org.sam(), {"round_id": sams_campaign_round_with_a_peer(org)[1]})


def approval_form(org: Org) -> Post:
    _, round_id = sams_campaign_round_with_a_peer(org)
    assert (
        org.api.call("POST", f"/api/v1/rounds/{round_id}/nominations", org.subject).status_code
        == 200
    )
    return Post(org.hana(), {"round_id": round_id})


# Every form, by endpoint.
FORMS: dict[str, Callable[[Org], Post]] = {
    "account.send_link": sign_in_link_form,
    "account.password_sign_in": password_form,
    "account.use_link": use_link_button,
    "account.sign_up_page": sign_up_form,
    "account.sign_out": sign_out_button,
    "account.account": password_change_form,
    "account.language_action": language_form,
    "rounds.new_round": new_round_form,
    "rounds.add_rater_action": add_rater_form,
    "rounds.remove_rater_action": remove_rater_button,
    "rounds.launch_action": button_on_draft,
    "rounds.remind_action": button_on_open_round,
    "rounds.close_action": button_on_open_round,
    "rounds.deadline_action": deadline_form,
    "rounds.repeat_action": button_on_closed_round,
    "rounds.self_assessment_action": button_on_open_round,
    "hr.add_person": add_person_form,
    "hr.erase_person_confirmed": erase_form,
    "hr.preview_people": people_upload,
    "hr.confirm_people": people_confirm,
    "hr.preview_rounds": rounds_upload,
    "hr.confirm_rounds": rounds_confirm,
    "admin.start_export": export_form,
    "insights.download_results": published_scores_form,
    "admin.save_settings": settings_form,
    "survey.save_or_submit": survey_save,
    "survey.autosave": survey_autosave,
    "survey.decline": survey_decline,
    "survey.change_language": survey_language,
    "plans.save_plan_action": plan_form,
    "plans.checkin_action": checkin_form,
    "plans.reminders_action": reminders_button,
    "plans.comment_action": manager_comment_form,
    "pulse.thank_raters": thank_you_form,
    "pulse.start_pulse": pulse_start_form,
    "pulse.close_pulse": pulse_close_button,
    "pulse.submit_pulse": pulse_answer_form,
    "notes.add_note": note_form,
    "notes.save_note": note_edit_form,
    "notes.remove_note": note_delete_button,
    "campaigns.start_campaign": campaign_form,
    "campaigns.campaign_action": campaign_button,
    "campaigns.export_campaign": campaign_export_button,
    "campaigns.submit_nominations": nominations_button,
    "team.approve": approval_form,
}


def page_forms(app) -> set[str]:
    """The endpoint of every route outside the JSON API that accepts POST."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }


def test_the_table_lists_every_form(app):
    forms = page_forms(app)
    assert forms - set(FORMS) == set(), "add these new forms to FORMS"
    assert set(FORMS) - forms == set(), "these forms are gone: remove them from FORMS"


@pytest.fixture
def org(app, api, clock, monkeypatch):
    # Sign-up is open to this domain, so its form is there to be posted.
    monkeypatch.setitem(app.config, "ALLOWED_SIGNUP_DOMAINS", frozenset({"example.org"}))
    return Org(app, api)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_a_form_without_a_valid_csrf_token_is_refused_and_stores_nothing(app, org, endpoint):
    post = FORMS[endpoint](org)
    with app.test_request_context():
        path = url_for(endpoint, **post.values)
    real_token = post.browser.csrf_token()
    refused = {
        "no token": None,
        "a forged token": "forged-token",
        "a tampered token": real_token[:-4] + "AAAA",
        # Genuine, but another browser's: a token is good for its own session only.
        "another session's token": Visitor(app).csrf_token(),
    }
    before = stored_rows(app)
    for name, token in refused.items():
        data = post.data() | ({"csrf_token": token} if token else {})
        response = post.browser.client.post(path, data=data)
        assert response.status_code == 400, (endpoint, name, response.status_code)
        assert "This page could not be sent" in words(response.get_data(as_text=True))
        assert stored_rows(app) == before, (endpoint, name)
    accepted = post.browser.client.post(path, data=post.data() | {"csrf_token": real_token})
    assert accepted.status_code == post.ok, words(accepted.get_data(as_text=True))[:500]
