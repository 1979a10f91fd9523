"""After the report, the emails reach a real SMTP server as the worker sends them: the
thank-you to every rater, the pulse's private links, a check-in reminder and a note's
follow-up, each to its one recipient and never with the plan's or the note's words."""

from __future__ import annotations

import re
from datetime import timedelta

from service.extensions import db
from service.services.notes import create_note, queue_note_follow_ups
from service.services.people import find_person_by_email
from service.services.plan_reminders import queue_plan_reminders
from tests.service.conftest import LATE_PEERS, RATERS
from tests.service.jobs.conftest import text_of
from tests.service.pulse_helpers import save_plan

MAYA = "maya@example.org"
PULSE_LINK = re.compile(r"http://feedback360\.test/p/([A-Za-z0-9_-]+)")
EVERY_RATER = sorted(rater["email"] for rater in RATERS + LATE_PEERS)


def test_thanks_and_pulse_links_reach_every_rater_and_nobody_else(api, scored_round, smtp):
    hr, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    earlier = len(smtp.mailbox.messages)

    thanked = api.call(
        "POST", f"/api/v1/rounds/{round_id}/follow-up", maya, json={"message": "Thank you!"}
    )
    assert thanked.status_code == 200, thanked.get_json()
    thanks = smtp.mailbox.messages[earlier:]
    assert sorted(m["To"].addresses[0].addr_spec for m in thanks) == EVERY_RATER
    assert all("Thank you!" in text_of(m) for m in thanks)

    started = api.call("POST", f"/api/v1/rounds/{round_id}/pulses", hr, json={})
    assert started.status_code == 201, started.get_json()
    invitations = smtp.mailbox.messages[earlier + len(thanks) :]
    assert sorted(m["To"].addresses[0].addr_spec for m in invitations) == EVERY_RATER
    tokens = {PULSE_LINK.search(text_of(m)).group(1) for m in invitations}
    assert len(tokens) == len(EVERY_RATER)  # a link of their own each
    first = next(iter(tokens))
    assert api.call("GET", "/api/v1/pulse", first).status_code == 200


def test_a_check_in_reminder_and_a_note_follow_up_reach_the_person_alone(
    app, api, scored_round, smtp, clock
):
    _, maya, round_id = scored_round
    save_plan(api, maya, round_id)
    with app.app_context():
        maya_id = find_person_by_email(MAYA).id
        create_note(
            maya_id,
            about="Pia Peer",
            text="Promised to review her proposal",
            follow_up_on=(clock.now + timedelta(days=3)).date(),
        )
    earlier = len(smtp.mailbox.messages)
    # The default check-in interval is 14 days; the note's day (3) has passed by then and its
    # email goes out with the reminder, as after a worker was down on the day.
    clock.now = clock.now + timedelta(days=14, minutes=1)
    with app.app_context():
        queue_plan_reminders()
        queue_note_follow_ups()
        db.session.remove()
    sent = smtp.mailbox.messages[earlier:]
    assert [m["To"].addresses[0].addr_spec for m in sent] == [MAYA, MAYA]
    words = " ".join(text_of(m) for m in sent)
    assert "/rounds/" in words and "/plan" in words
    assert "Pia Peer" in words
    assert "Promised to review her proposal" not in words
