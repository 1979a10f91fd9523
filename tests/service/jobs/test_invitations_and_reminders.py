"""Invitations and reminders delivered to a real SMTP server, and their links followed."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.models import Job, SurveyLink
from tests.service.conftest import answer_all
from tests.service.jobs.conftest import SEVEN_RATERS, launch_round, link_token, text_of

ALL = sorted(["maya@example.org", *(r["email"] for r in SEVEN_RATERS)])


def test_launching_a_round_of_8_raters_emails_8_working_links(api, people, smtp):
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp)

    assert smtp.mailbox.recipients() == ALL
    tokens = {link_token(message) for message in smtp.mailbox.messages}
    assert len(tokens) == 8  # each email mints its own link
    for token in tokens:
        assert api.survey(token)["response_status"] == "pending"
        answer_all(api, token, 4)
    counts = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()["responses"]
    assert sum(counts["submitted"].values()) == 8


def test_the_invitation_says_who_why_when_and_promises_confidentiality(api, people, smtp):
    hr, _ = people
    launch_round(api, hr, smtp)
    [message] = smtp.mailbox.to("rater1@example.org")
    text = " ".join(text_of(message).split())
    assert message["Subject"] == "Maya Lind would value your feedback"
    assert "Hello Rater 1" in text and "as their peer" in text
    assert "10 to 15 minutes" in text and "Please answer by" in text
    assert "confidential" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html  # no tracking pixels
    [self_message] = smtp.mailbox.to("maya@example.org")
    assert "self-assessment" in self_message["Subject"]


def test_jobs_record_their_state_in_the_database(app, api, people, smtp):
    hr, _ = people
    launch_round(api, hr, smtp)
    with app.app_context():
        jobs = db.session.scalars(select(Job)).all()
        assert {(job.kind, job.status, job.attempts) for job in jobs} == {("invitation", "sent", 1)}
        assert len(jobs) == 8
        # Hash-only: every link in the database is a digest, one per email.
        assert db.session.query(SurveyLink).count() == 8


def test_reminders_reach_only_raters_who_neither_submitted_nor_declined(api, people, smtp):
    hr, maya = people
    round_id, tokens = launch_round(api, hr, smtp)
    answer_all(api, tokens["rater0@example.org"], 4)
    assert (
        api.call("POST", "/api/v1/survey/decline", tokens["rater1@example.org"]).status_code == 200
    )
    smtp.mailbox.messages.clear()

    reminded = api.call("POST", f"/api/v1/rounds/{round_id}/remind", maya)
    assert reminded.status_code == 200
    assert reminded.get_json()["queued"] is None  # the subject is not told how many
    expected = sorted(set(ALL) - {"rater0@example.org", "rater1@example.org"})
    assert smtp.mailbox.recipients() == expected
    message = smtp.mailbox.to("rater2@example.org")[0]
    assert "Reminder" in message["Subject"] or "reminder" in message["Subject"]
    # The reminder's fresh link works, and so does the earlier one.
    assert api.survey(link_token(message))["response_status"] == "pending"
    assert api.survey(tokens["rater2@example.org"])["response_status"] == "pending"

    again = api.call("POST", f"/api/v1/rounds/{round_id}/remind", hr)
    assert again.get_json()["queued"] == 0 and again.get_json()["already_reminded_today"] == 6
    assert len(smtp.mailbox.messages) == 6


def test_remind_is_refused_before_launch_and_after_close(api, people, smtp):
    hr, _ = people
    created = api.create_round(hr, subject_email="maya@example.org", raters=SEVEN_RATERS)
    draft = api.call("POST", f"/api/v1/rounds/{created['id']}/remind", hr)
    assert draft.status_code == 409 and "not launched" in draft.get_json()["message"]
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr).status_code == 200
    api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr)
    closed = api.call("POST", f"/api/v1/rounds/{created['id']}/remind", hr)
    assert closed.status_code == 409
    _, stranger = api.person("member")
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/remind", stranger).status_code == 404


def test_resend_revokes_every_old_link_and_emails_a_new_one(api, people, smtp):
    hr, _ = people
    round_id, tokens = launch_round(api, hr, smtp)
    [invitation] = smtp.mailbox.to("rater3@example.org")
    round_ = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    rater_id = next(r["id"] for r in round_["raters"] if r["email"] == "rater3@example.org")

    resent = api.call("POST", f"/api/v1/rounds/{round_id}/raters/{rater_id}/resend", hr)
    assert resent.status_code == 202
    for old in (tokens["rater3@example.org"], link_token(invitation)):
        assert api.call("GET", "/api/v1/survey", old).status_code == 401
    new_email = smtp.mailbox.to("rater3@example.org")[-1]
    assert api.survey(link_token(new_email))["response_status"] == "pending"


def test_a_rater_added_to_an_open_round_is_invited(api, people, smtp):
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp)
    added = api.call(
        "POST",
        f"/api/v1/rounds/{round_id}/raters",
        hr,
        json={"name": "Late Lee", "email": "lee@example.org", "relationship": "peer"},
    )
    assert added.status_code == 201
    [message] = smtp.mailbox.to("lee@example.org")
    assert api.survey(link_token(message))["response_status"] == "pending"


def test_removing_a_rater_deletes_their_links(app, api, people, smtp):
    hr, _ = people
    round_id, tokens = launch_round(api, hr, smtp)
    round_ = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    rater_id = next(r["id"] for r in round_["raters"] if r["email"] == "rater4@example.org")
    assert api.call("DELETE", f"/api/v1/rounds/{round_id}/raters/{rater_id}", hr).status_code == 204
    [message] = smtp.mailbox.to("rater4@example.org")
    for token in (tokens["rater4@example.org"], link_token(message)):
        assert api.call("GET", "/api/v1/survey", token).status_code == 401
    with app.app_context():
        assert db.session.query(SurveyLink).filter_by(rater_id=rater_id).count() == 0
