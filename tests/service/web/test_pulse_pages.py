"""The pages after the report: the plan page's section, thanking the raters, starting,
closing and reading a pulse, and the rater's pulse page (mobile-first, answered once)."""

from __future__ import annotations

from datetime import timedelta

from service.extensions import db
from service.services.clock import now
from service.services.people import find_person_by_email
from tests.conftest import in_days
from tests.service.plan_helpers import make_manager
from tests.service.pulse_helpers import PulseSession, emails, pulse_tokens, save_plan
from tests.service.web.pages import PersonSession, words

MAYA = "maya@example.org"


def day_in(days: int) -> str:
    return (now() + timedelta(days=days)).strftime("%Y-%m-%dT17:00")


def test_the_person_thanks_their_raters_from_the_plan_page(app, api, scored_round):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    browser = PersonSession(app, MAYA)
    plan = words(browser.html(f"/rounds/{round_id}/plan"))
    assert "Thank your raters" in plan and "Start a pulse" in plan
    form = words(browser.html(f"/rounds/{round_id}/plan/thank-you"))
    # Pre-filled: thanks, the focus skills in plain words, an invitation to keep it coming.
    assert "Thank you for taking the time" in form
    assert "empathy and compassion, and leadership and inspiration" in form
    assert "all 8 people you asked" in form
    empty = browser.post(f"/rounds/{round_id}/plan/thank-you", {"message": "  "})
    assert empty.status_code == 422
    assert "Message: must not be empty" in words(empty.get_data(as_text=True))
    sent = browser.post(f"/rounds/{round_id}/plan/thank-you", {"message": "Thanks, all!"})
    assert sent.status_code == 303
    assert len(emails(app, "A thank-you from Maya Lind")) == 8
    plan = words(browser.html(f"/rounds/{round_id}/plan"))
    assert "You can send another thank-you from" in plan
    again = browser.post(f"/rounds/{round_id}/plan/thank-you", {"message": "Thanks again"})
    assert again.status_code == 429
    assert "less than a week ago" in words(again.get_data(as_text=True))


def test_a_pulse_from_start_to_report(app, api, scored_round):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    browser = PersonSession(app, MAYA)
    start_page = browser.html(f"/rounds/{round_id}/plan/pulse")
    assert 'name="deadline"' in start_page
    past = browser.post(
        f"/rounds/{round_id}/plan/pulse", {"deadline": day_in(-2), "time_zone": "UTC"}
    )
    assert past.status_code == 422 and "must be in the future" in words(past.get_data(True))
    started = browser.post(
        f"/rounds/{round_id}/plan/pulse", {"deadline": day_in(30), "time_zone": "UTC"}
    )
    assert started.status_code == 303
    plan = words(browser.html(f"/rounds/{round_id}/plan"))
    assert "Open until" in plan and "Start a pulse" not in plan

    tokens = pulse_tokens(app)
    answers = {"pia@example.org": "2", "pat@example.org": "1", "pol@example.org": "na"}
    for email, value in answers.items():
        rater = PulseSession(app, tokens[email])
        opened = rater.open_link()
        assert opened.status_code == 303 and opened.headers["Location"].endswith("/pulse")
        page = words(rater.html())
        assert "Has Maya Lind changed?" in page and "how has Maya's empathy" in page
        token = rater.csrf_token()
        missing = rater.post(data={"answer-empathy": value})
        assert missing.status_code == 422
        assert "answer this one, or send null" in words(missing.get_data(as_text=True))
        sent = rater.post(
            data={"answer-empathy": value, "answer-leadership": "1", "comment": "Better"}
        )
        assert sent.status_code == 303
        assert "you already answered" in words(rater.html())
        # The form's token still held: a second answer is refused all the same.
        twice = {"answer-empathy": "3", "answer-leadership": "3", "csrf_token": token}
        assert rater.post(data=twice, csrf=False).status_code == 409
    plan = words(browser.html(f"/rounds/{round_id}/plan"))
    # One set of 8 asked (k = 3): its count may be shown.
    assert "3 of 8 people have answered" in plan

    pulse_id = api.call("GET", f"/api/v1/rounds/{round_id}/pulses", maya).get_json()[0]["id"]
    closed = browser.post(f"/rounds/{round_id}/pulses/{pulse_id}/close")
    assert closed.status_code == 303
    plan = words(browser.html(f"/rounds/{round_id}/plan"))
    # Empathy: 2 answers (Pol did not observe it) < 3: not shown; leadership: +1.00 (3).
    assert "Leadership and inspiration +1.00 (3)" in plan
    assert "Empathy and compassion not shown" in plan
    report = words(browser.html(f"/rounds/{round_id}/pulses/{pulse_id}"))
    assert "Impact pulse: Maya Lind" in report and "3 of 8 people asked answered" in report
    pdf = browser.get(f"/rounds/{round_id}/pulses/{pulse_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_a_link_that_does_not_work_reveals_nothing(app, client):
    page = client.get("/p/not-a-real-token")
    assert page.status_code == 404
    assert "This link is not valid" in words(page.get_data(as_text=True))
    assert client.get("/pulse").status_code == 403


def test_who_may_open_the_pages_after_the_report(app, api, scored_round):
    _, maya, round_id = scored_round
    api.person("hr", name="Hana Reyes", email="hana@example.org")
    save_plan(api, maya, round_id)
    started = api.call(
        "POST", f"/api/v1/rounds/{round_id}/pulses", maya, json={"deadline": in_days(30)}
    )
    pulse_id = started.get_json()["id"]
    make_manager(api, app, MAYA, name="Mo Boss")
    with app.app_context():
        manager_email = find_person_by_email(MAYA).manager.email
        db.session.remove()
    api.person("member", name="Sy Stranger", email="sy@example.org")
    thank_you = f"/rounds/{round_id}/plan/thank-you"
    start = f"/rounds/{round_id}/plan/pulse"
    report = f"/rounds/{round_id}/pulses/{pulse_id}"

    hana = PersonSession(app, "hana@example.org")
    # HR may start and close pulses, but not thank in the person's name.
    assert hana.get(thank_you).status_code == 403
    assert hana.get(start).status_code == 409  # a pulse is open
    assert "Close the pulse now" in words(hana.html(f"/rounds/{round_id}/plan"))

    for email in (manager_email, "sy@example.org"):
        # The plan is not shared: the manager learns nothing, like anyone else.
        browser = PersonSession(app, email)
        for path in (thank_you, start, report, f"/rounds/{round_id}/plan"):
            assert browser.get(path).status_code == 404, (email, path)
        closed = browser.post(f"/rounds/{round_id}/pulses/{pulse_id}/close")
        assert closed.status_code == 404
    # The report of an open pulse does not exist yet.
    assert PersonSession(app, MAYA).get(report).status_code == 409
    # Shared, the manager reads the section but has no button to close it.
    api.call("PATCH", f"/api/v1/rounds/{round_id}/plan", maya, json={"shared_with_manager": True})
    plan = words(PersonSession(app, manager_email).html(f"/rounds/{round_id}/plan"))
    assert "Impact pulse" in plan and "Close the pulse now" not in plan
    assert PersonSession(app, manager_email).get(thank_you).status_code == 403
    # Signed out: to the sign-in page.
    signed_out = app.test_client().get(thank_you)
    assert signed_out.status_code == 303 and "/sign-in" in signed_out.headers["Location"]


def test_the_manager_is_told_their_answers_are_shown_on_their_own(app, api, scored_round):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    api.call("POST", f"/api/v1/rounds/{round_id}/pulses", maya, json={"deadline": in_days(30)})
    tokens = pulse_tokens(app)
    manager = PulseSession(app, tokens["mo@example.org"])
    manager.open_link()
    assert "your answers are shown as their own group" in words(manager.html())
    peer = PulseSession(app, tokens["pia@example.org"])
    peer.open_link()
    assert "your answers are shown as their own group" not in words(peer.html())
