"""The individual's pages: start a 360, my rounds, a round's page, its actions and report."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Rater, Round
from service.services.clock import now
from service.services.settings import update_settings
from surveys.instrument import load_instrument
from tests.service.conftest import answer_all
from tests.service.web.conftest import HANA, MAYA, OMAR
from tests.service.web.pages import words

INSTRUMENT = load_instrument("soft-skills", "1")
ROWS = re.compile(r'<fieldset class="rater-row[^"]*" data-rater-row>')


@pytest.fixture
def draft(api, people):
    """A draft round about Maya: a manager, two peers and a direct report."""
    return api.create_round(people[MAYA][1])


@pytest.fixture
def maya(people, person_session):
    return person_session(MAYA)


def stored(app, round_id: str) -> dict:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        return {
            "status": round_.status,
            "deadline": round_.deadline,
            "emails": sorted(r.email for r in round_.raters),
        }


def round_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Round.id)).all())


def rater_id(app, round_id: str, email: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Rater.id).where(Rater.round_id == round_id, Rater.email == email)
        )


def audit_actions(app, round_id: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.round_id == round_id))
        )


def start_form(*rows, deadline=None, action="create") -> dict:
    """The start page's form as a browser posts it: each row (name, email, relationship) at
    its index, None for a row left empty."""
    moment = deadline or now() + timedelta(days=10)
    form = {"deadline": moment.strftime("%Y-%m-%dT%H:%M"), "action": action}
    for index, row in enumerate(rows):
        name, email, relationship = row or ("", "", "")
        form |= {
            f"raters-{index}-name": name,
            f"raters-{index}-email": email,
            f"raters-{index}-relationship": relationship,
        }
    return form


def launch(app, api, people, round_id) -> dict[str, str]:
    return api.launch(people[MAYA][1], round_id)


# --- signed out ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/rounds",
        "/rounds/new",
        "/rounds/{id}",
        "/rounds/{id}/preview",
        "/rounds/{id}/close",
        "/rounds/{id}/report",
        "/rounds/{id}/report.pdf",
    ],
)
def test_a_signed_out_visitor_is_sent_to_sign_in(client, draft, path):
    response = client.get(path.format(id=draft["id"]))
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")


# --- start a 360 ---------------------------------------------------------------------------


def test_the_start_page_offers_rows_a_default_deadline_and_guidance(people, maya):
    response = maya.get("/rounds/new")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert len(ROWS.findall(page)) == 8
    for number in range(1, 9):
        assert f"<legend>Rater {number}</legend>" in page
    assert 'for="raters-0-email"' in page and 'id="raters-7-relationship"' in page
    # No zone told yet: the suggestion is on a UTC clock, and the hint says so.
    default = (now() + timedelta(days=14)).strftime("%Y-%m-%dT17:00")
    assert f'name="deadline" required type="datetime-local" value="{default}"' in page
    text = words(page)
    assert "accepted until this date and time, in UTC . Suggested: two weeks from today" in text
    assert "Name your manager" in text and "Name 4–6 peers" in text
    assert "rounds.js" in page and 'name="csrf_token"' in page
    assert "<script>" not in page  # the policy allows script files only


def test_more_rows_without_a_script_keeps_what_was_typed_and_saves_nothing(app, people, maya):
    form = start_form(("Mo Manager", "mo@example.org", "manager"), action="more")
    response = maya.post("/rounds/new", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(ROWS.findall(page)) == 12
    assert 'value="mo@example.org"' in page
    assert round_count(app) == 0


def test_checking_the_groups_explains_how_small_groups_are_merged(app, people, maya):
    rows = [
        ("Mo Manager", "mo@example.org", "manager"),
        *((f"Peer {n}", f"peer{n}@example.org", "peer") for n in range(4)),
        ("Dee Report", "dee@example.org", "direct_report"),
        ("Ola Other", "ola@example.org", "other"),
    ]
    page = words(maya.post("/rounds/new", data=start_form(*rows, action="check")).get_data(True))
    assert "How the report will group these raters" in page
    assert "your direct reports (1) and others (1) are too few even when pooled" in page
    assert "“Peers + direct reports + others”" in page
    assert "Your manager is always shown as their own group" in page
    assert round_count(app) == 0

    # The threshold is the organisation's current setting.
    with app.app_context():
        update_settings(
            people[HANA][0], anonymity_threshold=5, subject_sees_report=True, reminder_days="3"
        )
    page = words(maya.post("/rounds/new", data=start_form(*rows, action="check")).get_data(True))
    assert "Groups of fewer than 5 are not shown on their own" in page
    assert "your peers (4), direct reports (1) and others (1) will be pooled" in page


def test_saving_creates_a_draft_and_opens_its_page(app, people, maya):
    form = start_form(
        ("Mo Manager", "mo@example.org", "manager"),
        None,  # an empty row in between is ignored
        ("Pia Peer", "PIA@example.org ", "peer"),
    )
    response = maya.post("/rounds/new", data=form)
    assert response.status_code == 303
    round_id = response.headers["Location"].rsplit("/", 1)[1]
    assert stored(app, round_id)["status"] == "draft"
    assert stored(app, round_id)["emails"] == [MAYA, "mo@example.org", "pia@example.org"]
    page = words(maya.html(response.headers["Location"]))
    assert "Your 360 is saved as a draft" in page
    assert "Mo Manager" in page and "Pia Peer" in page


def test_form_errors_are_shown_beside_the_fields_and_nothing_is_saved(app, people, maya):
    form = start_form(
        ("Mo Manager", "not-an-email", "manager"),
        ("", "pia@example.org", "peer"),
        ("Pat Peer", "pat@example.org", ""),
    )
    response = maya.post("/rounds/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="raters-0-email-error"' in page and 'aria-invalid="true"' in page
    assert 'id="raters-1-name-error"' in page and 'id="raters-2-relationship-error"' in page
    text = words(page)
    assert "Please check 3 things" in text and "Nothing was saved." in text
    assert "Rater 1, email address: Enter a valid email address." in text
    assert "Rater 3, relationship: Choose how this person works with you." in text
    assert 'href="#raters-1-name"' in page
    assert 'value="pia@example.org"' in page  # what was typed stays
    assert round_count(app) == 0


def test_the_services_errors_land_on_the_right_row(app, people, maya):
    form = start_form(
        ("Pia Peer", "pia@example.org", "peer"),
        None,
        ("Pia Again", "pia@example.org", "peer"),
        ("Me Myself", MAYA, "peer"),
    )
    response = maya.post("/rounds/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = words(page)
    # The service counts only rows that name someone; the page shows its own row numbers.
    assert "Rater 3, email address: is already a rater in this round" in text
    assert "Rater 4, email address: is the subject's own email" in text
    assert 'id="raters-2-email-error"' in page and 'id="raters-3-email-error"' in page
    assert round_count(app) == 0


def test_a_deadline_in_the_past_is_refused(app, people, maya):
    past = now() - timedelta(days=1)
    form = start_form(("Pia Peer", "pia@example.org", "peer"), deadline=past)
    response = maya.post("/rounds/new", data=form)
    assert response.status_code == 422
    assert 'id="deadline-error"' in response.get_data(as_text=True)
    assert "Deadline: must be in the future" in words(response.get_data(as_text=True))
    assert round_count(app) == 0


# --- the round page ------------------------------------------------------------------------


def test_the_draft_page_shows_raters_guidance_and_the_next_steps(draft, maya):
    response = maya.get(f"/rounds/{draft['id']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    text = words(page)
    assert "Your 360" in text and "Draft" in text
    assert "Morgan Manager" in text and "dana@example.org" in text
    assert text.count("Remove") == 4
    # Two peers and one direct report: each too few to be shown, so they are pooled.
    assert "will be pooled and shown together as “Peers + direct reports”" in text
    assert f'href="/rounds/{draft["id"]}/preview"' in page
    assert "Launch and send the invitations" in text and "Add a rater" in text
    assert "Save the new deadline" in text
    assert "Email delivery" not in text  # HR only
    assert "Send reminders" not in text and "Close early" not in text
    assert "/report" not in page


def test_removing_a_rater(app, draft, maya):
    pat = rater_id(app, draft["id"], "pat@example.org")
    response = maya.post(f"/rounds/{draft['id']}/raters/{pat}/remove")
    assert response.status_code == 303
    assert "pat@example.org" not in stored(app, draft["id"])["emails"]
    assert "The rater was removed." in words(maya.html(f"/rounds/{draft['id']}"))


def test_adding_a_rater_and_its_errors(app, draft, maya):
    url = f"/rounds/{draft['id']}/raters"
    added = maya.post(
        url, data={"name": "Ola Other", "email": "ola@example.org", "relationship": "other"}
    )
    assert added.status_code == 303
    assert "ola@example.org" in stored(app, draft["id"])["emails"]
    assert "Ola Other was added." in words(maya.html(f"/rounds/{draft['id']}"))

    bad = maya.post(url, data={"name": "", "email": "nope", "relationship": "peer"})
    assert bad.status_code == 422
    text = words(bad.get_data(as_text=True))
    assert "The rater was not added" in text
    assert "Enter the rater's name." in text and "Enter a valid email address." in text

    twice = maya.post(url, data={"name": "Ola", "email": "OLA@example.org", "relationship": "peer"})
    assert twice.status_code == 422
    assert "is already a rater in this round" in words(twice.get_data(as_text=True))
    assert len(stored(app, draft["id"])["emails"]) == 6


def test_launch_then_remind_and_the_open_page(app, api, people, draft, maya):
    launched = maya.post(f"/rounds/{draft['id']}/launch")
    assert launched.status_code == 303
    assert stored(app, draft["id"])["status"] == "open"
    page = maya.html(f"/rounds/{draft['id']}")
    text = words(page)
    assert "The round is open. Invitations are on their way to 5 people" in text
    assert "Responses per group (never who answered)" in text
    assert "Manager + peers + direct reports 4 0 0" in text
    assert "Peers 2" not in text and "Manager 1" not in text
    assert "only for groups of at least 3 people asked" in text
    assert "Send reminders" in text and "Close early" in text
    assert "Launch and send" not in text and "Remove" not in text

    # How many were reminded is how many have not answered: the subject reads the same
    # sentence every time.
    reminded = maya.post(f"/rounds/{draft['id']}/remind")
    assert reminded.status_code == 303
    told = "Everyone who has not answered yet gets a reminder (at most one a day)."
    assert told in words(maya.html(f"/rounds/{draft['id']}"))
    maya.post(f"/rounds/{draft['id']}/remind")
    assert told in words(maya.html(f"/rounds/{draft['id']}"))
    assert "5 raters" not in words(maya.html(f"/rounds/{draft['id']}"))

    again = maya.post(f"/rounds/{draft['id']}/launch")
    assert again.status_code == 409
    assert "the round is already open" in words(again.get_data(as_text=True)).lower()


def test_adding_a_rater_to_an_open_round_invites_them_without_showing_the_link(
    app, api, people, draft, maya
):
    launch(app, api, people, draft["id"])
    response = maya.post(
        f"/rounds/{draft['id']}/raters",
        data={"name": "Ola Other", "email": "ola@example.org", "relationship": "other"},
    )
    assert response.status_code == 303
    page = maya.html(f"/rounds/{draft['id']}")
    assert "Ola Other was added and invited by email." in words(page)
    assert "/s/" not in page


def test_extending_the_deadline(app, draft, maya):
    url = f"/rounds/{draft['id']}/deadline"
    day = (now() + timedelta(days=30)).date()
    assert maya.post(url, data={"deadline": f"{day}T18:30"}).status_code == 303
    # No zone told: the time typed is read as UTC.
    moved = datetime.combine(day, time(18, 30), UTC)
    assert stored(app, draft["id"])["deadline"] == moved
    assert "The deadline is now" in words(maya.html(f"/rounds/{draft['id']}"))

    past = maya.post(url, data={"deadline": "2001-01-01T12:00"})
    assert past.status_code == 422
    assert "Deadline: must be in the future" in words(past.get_data(as_text=True))
    empty = maya.post(url, data={"deadline": ""})
    assert empty.status_code == 422
    a_day_alone = maya.post(url, data={"deadline": day.isoformat()})
    assert a_day_alone.status_code == 422
    assert "Enter a date and a time" in words(a_day_alone.get_data(as_text=True))
    assert stored(app, draft["id"])["deadline"] == moved


def test_the_preview_shows_the_observer_wording_with_the_subjects_name(draft, maya):
    page = maya.html(f"/rounds/{draft['id']}/preview")
    text = words(page)
    assert "Feedback for Maya Lind" in text and "Preview." in text
    first = INSTRUMENT.skills[0].items[0]
    assert first.observer_text.replace("{name}", "Maya") in text
    assert first.self_text not in text
    assert INSTRUMENT.questions[0].observer_text.replace("{name}", "Maya") in text
    assert '<fieldset class="item" disabled>' in page
    assert 'name="answer-' not in page and "survey.js" not in page


def test_closing_then_the_report_page_and_pdf_are_audited(app, api, people, draft, maya):
    tokens = launch(app, api, people, draft["id"])
    for email in ("morgan@example.org", "pat@example.org", "quinn@example.org", MAYA):
        answer_all(api, tokens[email], 4)
    confirm = maya.html(f"/rounds/{draft['id']}/close")
    assert "Close the round now" in words(confirm) and "Keep it open" in words(confirm)

    closed = maya.post(f"/rounds/{draft['id']}/close")
    assert closed.status_code == 303
    assert stored(app, draft["id"])["status"] == "closed"
    page = maya.html(f"/rounds/{draft['id']}")
    text = words(page)
    assert "The round is closed" in text and "Read the report" in text
    assert f'href="/rounds/{draft["id"]}/report.pdf"' in page
    assert "Add a rater" not in text and "Save the new deadline" not in text
    # The confirmation page of a closed round leads back to the round.
    assert maya.get(f"/rounds/{draft['id']}/close").status_code == 303

    report = maya.get(f"/rounds/{draft['id']}/report")
    assert report.status_code == 200 and report.mimetype == "text/html"
    assert "Maya Lind" in report.get_data(as_text=True)
    assert report.headers["Cache-Control"] == "no-store"
    pdf = maya.get(f"/rounds/{draft['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert "feedback360-maya-lind-" in pdf.headers["Content-Disposition"]
    pdf.close()
    actions = audit_actions(app, draft["id"])
    assert actions.count("report_viewed") == 1 and actions.count("report_downloaded") == 1

    # A closed round takes no more steps: the page says why, with a 409.
    for path, data in [
        ("deadline", {"deadline": (now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")}),
        ("remind", {}),
        ("close", {}),
    ]:
        refused = maya.post(f"/rounds/{draft['id']}/{path}", data=data)
        assert refused.status_code == 409, path
        assert "That step is not possible now" in words(refused.get_data(as_text=True))


def test_the_report_is_hidden_when_the_subject_may_not_read_it(app, api, people, person_session):
    hana_id = people[HANA][0]
    created = api.create_round(people[HANA][1], subject_email=MAYA)
    launch(app, api, people, created["id"])
    assert (
        api.call("POST", f"/api/v1/rounds/{created['id']}/close", people[HANA][1]).status_code
        == 200
    )
    with app.app_context():
        update_settings(
            hana_id, anonymity_threshold=3, subject_sees_report=False, reminder_days="3"
        )

    maya = person_session(MAYA)
    page = maya.html(f"/rounds/{created['id']}")
    assert "/report" not in page
    assert "shares the results of 360 rounds through HR" in words(page)
    assert maya.get(f"/rounds/{created['id']}/report").status_code == 403
    assert maya.get(f"/rounds/{created['id']}/report.pdf").status_code == 403
    assert "report_viewed" not in audit_actions(app, created["id"])

    # HR still may: the links are there (not followed, to spare a rendering).
    hana = person_session(HANA)
    hr_page = hana.html(f"/rounds/{created['id']}")
    assert f'href="/rounds/{created["id"]}/report"' in hr_page


# --- who sees what -------------------------------------------------------------------------


def member_posts(app, round_id: str) -> list[tuple[str, dict]]:
    pat = rater_id(app, round_id, "pat@example.org")
    later = (now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    return [
        (
            f"/rounds/{round_id}/raters",
            {"name": "X", "email": "x@example.org", "relationship": "peer"},
        ),
        (f"/rounds/{round_id}/raters/{pat}/remove", {}),
        (f"/rounds/{round_id}/launch", {}),
        (f"/rounds/{round_id}/remind", {}),
        (f"/rounds/{round_id}/close", {}),
        (f"/rounds/{round_id}/deadline", {"deadline": later}),
    ]


def test_a_member_never_reaches_another_members_round(app, draft, person_session):
    omar = person_session(OMAR)
    before = stored(app, draft["id"])
    for path in ("", "/preview", "/close", "/report", "/report.pdf"):
        response = omar.get(f"/rounds/{draft['id']}{path}")
        assert response.status_code == 404, path
        assert "Morgan" not in response.get_data(as_text=True)
    for path, data in member_posts(app, draft["id"]):
        assert omar.post(path, data=data).status_code == 404, path
    # Invalid forms too: the 404 comes before any error message about the form.
    assert omar.post(f"/rounds/{draft['id']}/raters", data={"name": ""}).status_code == 404
    assert omar.post(f"/rounds/{draft['id']}/deadline", data={}).status_code == 404
    assert stored(app, draft["id"]) == before
    assert "Maya" not in words(omar.html("/rounds"))


@pytest.mark.parametrize("index", range(6))
def test_every_post_needs_the_csrf_token(app, draft, maya, index):
    path, data = member_posts(app, draft["id"])[index]
    before = stored(app, draft["id"])
    response = maya.post(path, data=data, csrf=False)
    assert response.status_code == 400
    forged = maya.post(path, data={**data, "csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400
    assert stored(app, draft["id"]) == before


def test_the_start_form_needs_the_csrf_token(app, people, maya):
    form = start_form(("Pia Peer", "pia@example.org", "peer"))
    assert maya.post("/rounds/new", data=form, csrf=False).status_code == 400
    assert round_count(app) == 0


def test_hr_sees_and_runs_every_round_with_delivery_status(app, draft, person_session):
    hana = person_session(HANA)
    page = hana.html(f"/rounds/{draft['id']}")
    text = words(page)
    assert "360 for Maya Lind" in text and "Email delivery" in text
    assert hana.get(f"/rounds/{draft['id']}/preview").status_code == 200
    assert hana.post(f"/rounds/{draft['id']}/launch").status_code == 303
    assert stored(app, draft["id"])["status"] == "open"
    text = words(hana.html(f"/rounds/{draft['id']}"))
    assert "Pat Peer pat@example.org Peer sent" in text
    # "My rounds" holds HR's own rounds only, not everyone's.
    assert "You have no 360 rounds yet." in words(hana.html("/rounds"))


def test_my_rounds_lists_the_persons_rounds_with_counts(app, api, people, draft, person_session):
    api.create_round(people[OMAR][1])
    tokens = api.launch(people[MAYA][1], draft["id"])
    answer_all(api, tokens["pat@example.org"], 4)
    second = api.create_round(people[MAYA][1], raters=[])
    maya = person_session(MAYA)
    response = maya.get("/rounds")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    text = words(page)
    assert page.index(second["id"]) < page.index(draft["id"])  # newest first
    assert "Open" in text and "Draft" in text
    # No relationship has k = 3 invited on its own: the four are counted together.
    assert "Manager + peers + direct reports: 1 of 4 answered" in text
    assert "Peers:" not in text and "Manager:" not in text
    assert "Deadline:" in text
    assert text.count("360 started") == 2  # Omar's round is not listed
    assert "Pat Peer" not in text  # counts only, never who


def test_the_guidance_speaks_of_the_subject_when_hr_reads_someone_elses_round(
    draft, maya, person_session
):
    hana = words(person_session(HANA).html(f"/rounds/{draft['id']}"))
    assert "Ask people who see Maya's work often" in hana
    assert "direct reports if Maya leads people" in hana
    assert "Name 4–6 peers: colleagues who work alongside Maya (so far 2)" in hana
    assert "your" not in hana.split("Who to ask", 1)[1].split("Raters", 1)[0].lower()
    own = words(maya.html(f"/rounds/{draft['id']}"))
    assert "Ask people who see your work often" in own
    assert "colleagues who work alongside you (so far 2)" in own
