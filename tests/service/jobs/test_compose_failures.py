"""An email that cannot even be composed is a recorded delivery failure HR sees, not a job
stuck in the queue that silently stops every email to that person."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from service.extensions import db
from service.jobs import huey
from service.jobs.tasks import run_job_task
from service.mail import messages
from service.models import Job, Person, Rater, SignInLink, SurveyLink
from service.services import notifications
from tests.conftest import in_days
from tests.service.jobs.conftest import SEVEN_RATERS, run_queue

# A line break in a name would end the To header: old data, or an entry point that did not
# check it, can hold one. "Bcc:" is what an attacker would try to smuggle in after it.
BROKEN_NAME = "Eve Evans\nBcc: everyone@example.org"


def _rater(email: str) -> Rater:
    return db.session.scalar(select(Rater).where(Rater.email == email))


def _links_of(rater_id: str) -> int:
    return db.session.scalar(select(func.count()).where(SurveyLink.rater_id == rater_id))


def test_a_rater_whose_name_breaks_the_header_is_failed_and_hr_sees_it(
    app, api, people, smtp, queued_by_hand
):
    hr, maya = people
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=SEVEN_RATERS, deadline=in_days(14)
    )
    with app.app_context():
        rater = _rater("rater2@example.org")
        rater.name = BROKEN_NAME  # straight into the database, past any validation
        db.session.commit()
        rater_id = rater.id
    launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    assert launched.status_code == 200
    with app.app_context():
        links_before = _links_of(rater_id)

    run_queue(app)

    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.rater_id == rater_id))
        assert (job.status, job.attempts) == ("failed", 1)
        assert job.last_error.startswith("the email could not be composed")
        assert "linefeed" in job.last_error  # the reason, in words HR can pass on
        # The link minted for the email that was never built is not left behind.
        assert _links_of(rater_id) == links_before
    assert huey.pending_count() == huey.scheduled_count() == 0  # not retried, not stuck

    as_hr = api.call("GET", f"/api/v1/rounds/{created['id']}", hr).get_json()
    [shown] = [r for r in as_hr["raters"] if r["email"] == "rater2@example.org"]
    assert shown["delivery_status"] == "failed"
    assert shown["delivery_error"] == job.last_error
    as_subject = api.call("GET", f"/api/v1/rounds/{created['id']}", maya).get_json()
    assert as_subject["undelivered"] == {"failed": 1, "bounced": 0}
    # Everyone else was invited, and nothing reached the smuggled address.
    others = sorted({"maya@example.org", *(r["email"] for r in SEVEN_RATERS)} - {rater.email})
    assert smtp.mailbox.recipients() == others
    assert all("everyone@" not in str(m) for m in smtp.mailbox.messages)

    with app.app_context():  # the queue delivering the task again changes nothing
        notifications.run_job(job.id, last_attempt=False)
        assert (db.session.get(Job, job.id).status, db.session.get(Job, job.id).attempts) == (
            "failed",
            1,
        )


@pytest.fixture
def broken_template(monkeypatch):
    """The sign-in email's template as a bad deployment would ship it: it cannot render."""
    loader = ChoiceLoader(
        [
            DictLoader({"sign_in.txt": "Sign in\n{{ link | no_such_filter }}"}),
            messages.templates.loader,
        ]
    )
    monkeypatch.setattr(messages.templates, "loader", loader)


def test_an_email_about_a_person_whose_template_fails_is_failed_not_retried(
    app, api, smtp, broken_template
):
    person_id, _ = api.person("hr", name="Hana Reyes", email="hana@example.org")
    with app.app_context():
        job_id = notifications.queue_person_email("sign_in", db.session.get(Person, person_id))
        db.session.commit()
    with app.app_context():
        run_job_task(job_id)  # immediate: as the worker would run it, with retries left
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts) == ("failed", 1)
        assert "could not be composed" in job.last_error and "no_such_filter" in job.last_error
        # The sign-in link minted for it was never emailed: it must not stay usable.
        assert db.session.scalar(select(func.count()).select_from(SignInLink)) == 0
    assert smtp.mailbox.messages == []
    assert huey.scheduled_count() == 0
