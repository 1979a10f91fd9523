"""The pages after the report: the plan page's section, thanking the raters, starting,
closing and reading a pulse, and the rater's pulse page (mobile-first, answered once)."""

from __future__ import annotations

from datetime import timedelta

from service.services.clock import now
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
