"""The subject's self-assessment, opened from their own pages: the button on the round page
and on My rounds, what it opens, and every way it refuses to open anything else."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.models import Rater, SurveyLink
from service.time_text import long_date
from surveys.instrument import load_instrument
from tests.service.web.conftest import HANA, MAYA, OMAR
from tests.service.web.pages import stored_rows, words

BUTTON = "Answer your self-assessment"
INSTRUMENT = load_instrument("soft-skills", "1")
ALL_ANSWERS = {f"answer-{item}": "4" for item in INSTRUMENT.item_ids}
SURVEY_TOKEN_IN_URL = re.compile(r"/s/[A-Za-z0-9_-]{20,}")


@pytest.fixture
def launched(api, people):
    """An open round about Maya; returns (round, survey tokens by email)."""
    created = api.create_round(people[MAYA][1])
    return created, api.launch(people[MAYA][1], created["id"])


@pytest.fixture
def maya(people, person_session):
    return person_session(MAYA)


def path_of(round_: dict) -> str:
    return f"/rounds/{round_['id']}/self-assessment"


def links_of(app, round_id: str) -> dict[str, int]:
    """How many survey links each rater of the round holds, by email."""
    with app.app_context():
        rows = db.session.execute(
            select(Rater.email, func.count(SurveyLink.id))
            .join(SurveyLink, SurveyLink.rater_id == Rater.id, isouter=True)
            .where(Rater.round_id == round_id)
            .group_by(Rater.email)
        )
        counts = dict(rows.all())
        db.session.remove()
    return counts


def survey_heading(browser) -> str:
    """What the browser's survey session opens: its page's first heading, or its status."""
    page = browser.get("/survey")
    if page.status_code != 200:
        return str(page.status_code)
    return re.search(r"<h1>(.*?)</h1>", page.get_data(as_text=True), re.S).group(1).strip()


def test_the_round_page_and_my_rounds_offer_the_subject_their_self_assessment(api, people, maya):
    draft = api.create_round(people[MAYA][1])
    # A draft invites nobody yet: there is no self-assessment to answer.
    assert BUTTON not in words(maya.html(f"/rounds/{draft['id']}"))
    assert BUTTON not in words(maya.html("/rounds"))
    api.launch(people[MAYA][1], draft["id"])
    for page in (maya.html(f"/rounds/{draft['id']}"), maya.html("/rounds")):
        assert BUTTON in words(page)
        # A button that posts with the session's CSRF token, to this round's own address.
        form = re.search(
            rf'<form method="post" action="{path_of(draft)}"[^>]*>(.*?)</form>', page, re.S
        )
        assert form is not None
        assert 'name="csrf_token"' in form.group(1)
        assert not SURVEY_TOKEN_IN_URL.search(page)


def test_the_button_opens_the_subjects_own_survey_and_keeps_them_signed_in(
    app, launched, maya, rater_session
):
    created, tokens = launched
    before = links_of(app, created["id"])
    opened = maya.post(path_of(created))
    assert opened.status_code == 303
    # Straight to the survey: no link in the address bar, history or Referer.
    assert opened.headers["Location"] == "/survey"
    page = words(maya.html("/survey"))
    assert "Your self-assessment" in page
    assert INSTRUMENT.items[0].self_text in page
    # One new link for the self-assessment only; the emailed one still works.
    assert links_of(app, created["id"]) == before | {MAYA: before[MAYA] + 1}
    assert rater_session(tokens[MAYA]).page().status_code == 200
    # Still signed in: the round page is one click away.
    assert "Your 360" in words(maya.html(f"/rounds/{created['id']}"))


def test_answering_it_from_the_button_shows_when_on_both_pages(app, launched, maya):
    created, _ = launched
    maya.post(path_of(created))
    saved = maya.post("/survey", data={"action": "save", "answer-ei_1": "5"})
    assert saved.status_code == 303
    page = words(maya.html("/survey"))
    assert "Your answers are saved." in page
    assert "finish later from your 360's page" in page
    # A saved draft can still be finished: the button stays.
    assert BUTTON in words(maya.html(f"/rounds/{created['id']}"))

    assert maya.post("/survey", data={"action": "submit", **ALL_ANSWERS}).status_code == 303
    assert "Thank you!" in words(maya.html("/survey"))
    with app.app_context():
        submitted_on = db.session.scalar(
            select(Rater.submitted_on).where(
                Rater.round_id == created["id"], Rater.relationship == "self"
            )
        )
    answered = f"You answered your self-assessment on {long_date(submitted_on)}"
    for path in (f"/rounds/{created['id']}", "/rounds"):
        page = words(maya.html(path))
        assert answered in page
        assert BUTTON not in page


def test_a_declined_self_assessment_says_so_and_offers_no_button(launched, maya):
    created, _ = launched
    maya.post(path_of(created))
    assert maya.post("/survey/decline", data={"reason": ""}).status_code == 303
    for path in (f"/rounds/{created['id']}", "/rounds"):
        page = words(maya.html(path))
        assert "You declined your self-assessment" in page
        assert BUTTON not in page


# --- attacks ------------------------------------------------------------------------------


def test_another_member_opens_nothing(app, launched, person_session, maya):
    created, _ = launched
    omar = person_session(OMAR)
    before = stored_rows(app)
    refused = omar.post(path_of(created))
    assert refused.status_code == 404
    assert "Maya" not in refused.get_data(as_text=True)
    assert survey_heading(omar) == "403"
    assert stored_rows(app) == before
    # The same post from the round's subject opens it: the refusal is Omar's.
    assert maya.post(path_of(created)).status_code == 303


def test_a_rater_of_someone_elses_round_cannot_open_it_as_their_own(
    app, api, people, person_session
):
    # Maya is a peer in Omar's round: her own link to it came by email; the button opens
    # only a self-assessment, and only in a round about her.
    omars = api.create_round(
        people[OMAR][1], raters=[{"name": "Maya Lind", "email": MAYA, "relationship": "peer"}]
    )
    api.launch(people[OMAR][1], omars["id"])
    maya = person_session(MAYA)
    before = stored_rows(app)
    assert maya.post(path_of(omars)).status_code == 404
    assert survey_heading(maya) == "403"
    assert stored_rows(app) == before


def test_hr_on_someone_elses_round_gets_no_such_power(app, launched, person_session):
    created, _ = launched
    hana = person_session(HANA)
    # HR may read the round, and is still refused its self-assessment.
    assert hana.get(f"/rounds/{created['id']}").status_code == 200
    assert BUTTON not in words(hana.html(f"/rounds/{created['id']}"))
    before = stored_rows(app)
    refused = hana.post(path_of(created))
    assert refused.status_code == 403
    assert survey_heading(hana) == "403"
    assert stored_rows(app) == before


def test_hr_answers_the_self_assessment_of_a_round_about_themselves(api, people, person_session):
    own = api.create_round(people[HANA][1])
    api.launch(people[HANA][1], own["id"])
    hana = person_session(HANA)
    assert BUTTON in words(hana.html(f"/rounds/{own['id']}"))
    assert hana.post(path_of(own)).status_code == 303
    assert survey_heading(hana) == "Your self-assessment"


def test_no_other_raters_survey_is_opened_whatever_the_form_says(app, launched, maya):
    created, _ = launched
    peer = next(r for r in created["raters"] if r["relationship"] == "peer")
    forged = {"rater_id": peer["id"], "relationship": "peer", "email": peer["email"]}
    before = links_of(app, created["id"])
    assert maya.post(path_of(created), data=forged).status_code == 303
    assert survey_heading(maya) == "Your self-assessment"
    assert links_of(app, created["id"]) == before | {MAYA: before[MAYA] + 1}
    # A rater's id in the address is no route at all.
    assert (
        maya.post(f"/rounds/{created['id']}/raters/{peer['id']}/self-assessment").status_code == 404
    )


def refused_with(maya, round_: dict, app, reason: str) -> None:
    """The button's post is refused with a 409 on the round page, which says why, and
    opens nothing and stores nothing."""
    before = stored_rows(app)
    refused = maya.post(path_of(round_))
    assert refused.status_code == 409
    # The round page's notice starts the reason with a capital.
    assert reason in words(refused.get_data(as_text=True)).lower()
    assert stored_rows(app) == before


def test_a_draft_round_is_refused(app, api, people, maya):
    draft = api.create_round(people[MAYA][1])
    refused_with(maya, draft, app, "has not been launched yet")
    assert survey_heading(maya) == "403"


def test_a_closed_round_is_refused(app, api, people, launched, maya):
    created, _ = launched
    closed = api.call("POST", f"/api/v1/rounds/{created['id']}/close", people[MAYA][1])
    assert closed.status_code == 200
    refused_with(maya, created, app, "the round is closed")
    assert survey_heading(maya) == "403"
    page = words(maya.html(f"/rounds/{created['id']}"))
    assert BUTTON not in page


def test_a_passed_deadline_is_refused(app, launched, maya, clock):
    created, _ = launched
    clock.advance(days=15)
    # Signed in again: two weeks idle ended the first sign-in.
    maya = type(maya)(app, MAYA)
    assert BUTTON not in words(maya.html(f"/rounds/{created['id']}"))
    refused_with(maya, created, app, "the deadline has passed")


def test_a_submitted_self_response_is_refused(app, api, launched, maya):
    created, tokens = launched
    assert (
        api.call(
            "POST",
            "/api/v1/survey/submit",
            tokens[MAYA],
            json={"answers": dict.fromkeys(INSTRUMENT.item_ids, 4), "comments": {}},
        ).status_code
        == 200
    )
    refused_with(maya, created, app, "your self-assessment was already submitted")
    assert survey_heading(maya) == "403"


def test_a_declined_self_response_is_refused(app, launched, maya, rater_session):
    created, tokens = launched
    assert rater_session(tokens[MAYA]).post("/survey/decline", data={}).status_code == 303
    refused_with(maya, created, app, "your self-assessment was already declined")


def test_the_button_needs_the_csrf_token(app, launched, maya):
    created, _ = launched
    before = stored_rows(app)
    assert maya.post(path_of(created), csrf=False).status_code == 400
    assert maya.post(path_of(created), data={"csrf_token": "forged"}, csrf=False).status_code == 400
    assert stored_rows(app) == before
    assert survey_heading(maya) == "403"


def test_a_get_changes_nothing(app, launched, maya):
    created, _ = launched
    before = stored_rows(app)
    assert maya.get(path_of(created)).status_code == 405
    assert stored_rows(app) == before


# --- the survey session lasts no longer than the sign-in it was opened from ----------------


def test_signing_out_ends_the_survey_opened_from_the_button(launched, maya, rater_session):
    created, tokens = launched
    maya.post(path_of(created))
    assert survey_heading(maya) == "Your self-assessment"
    assert maya.post("/sign-out").status_code == 303
    assert survey_heading(maya) == "403"
    # The emailed link is untouched.
    assert rater_session(tokens[MAYA]).page().status_code == 200


def test_an_idle_sign_in_ends_the_survey_opened_from_the_button(app, launched, maya, clock):
    created, _ = launched
    maya.post(path_of(created))
    assert survey_heading(maya) == "Your self-assessment"
    clock.advance(minutes=app.config["MEMBER_IDLE_MINUTES"] + 1)
    assert survey_heading(maya) == "403"


def test_a_new_link_sent_by_hr_ends_it_and_keeps_the_person_signed_in(
    app, api, people, launched, maya
):
    created, _ = launched
    maya.post(path_of(created))
    self_rater = next(r for r in created["raters"] if r["relationship"] == "self")
    resent = api.call(
        "POST", f"/api/v1/rounds/{created['id']}/raters/{self_rater['id']}/resend", people[HANA][1]
    )
    assert resent.status_code == 202, resent.get_json()
    ended = maya.get("/survey")
    assert ended.status_code == 403
    assert "open it again from your 360's page" in words(ended.get_data(as_text=True))
    assert maya.get("/rounds").status_code == 200
    assert maya.post(path_of(created)).status_code == 303
    assert survey_heading(maya) == "Your self-assessment"
