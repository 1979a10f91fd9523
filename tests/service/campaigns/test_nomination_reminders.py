"""Before the nomination deadline the housekeeping reminds who has not sent a list and who
has lists to approve, once per window; at the deadline it launches the approved rounds."""

from __future__ import annotations

from service.jobs.tasks import periodic_housekeeping
from tests.service.campaigns.helpers import Org, outbox_emails


def housekeeping(app):
    with app.app_context():
        periodic_housekeeping()


def test_reminders_before_the_nomination_deadline_then_the_launch(app, api, clock):
    org = Org(api)
    created = org.campaign(minimum_raters={"peer": 1})  # lists due in 7 days
    ann_round = next(r["id"] for r in created["rounds"] if r["subject_email"] == "ann@example.org")
    org.name_peers(org.ann, ann_round, 1)
    assert api.call("POST", f"/api/v1/rounds/{ann_round}/nominations", org.ann).status_code == 200
    sent = len(outbox_emails(app))

    housekeeping(app)  # 7 days ahead: outside the 3-day window
    assert len(outbox_emails(app)) == sent
    clock.advance(days=4, hours=12)  # 2.5 days before
    housekeeping(app)
    housekeeping(app)  # once per window
    new = outbox_emails(app)[sent:]
    assert sorted(to for to, _, _ in new) == [
        "ben@example.org",
        "mo@example.org",
        "nia@example.org",
    ]
    to_mo = next(text for to, _, text in new if to == "mo@example.org")
    assert "Ann Able" in to_mo and "Ben Best" not in to_mo  # Ben has not sent his list
    assert all("Reminder" in subject for _, subject, _ in new)

    clock.advance(days=2)  # half a day before: the 1-day window
    housekeeping(app)
    assert len(outbox_emails(app)) == sent + 6

    api.call("POST", f"/api/v1/rounds/{ann_round}/approve", org.mo, json={})
    clock.advance(days=1)  # past the nomination deadline
    housekeeping(app)
    progress = api.call("GET", f"/api/v1/campaigns/{created['id']}", org.hr).get_json()
    assert progress["total"]["stages"] == {
        "nominating": 2,
        "awaiting_approval": 0,
        "approved": 0,
        "open": 1,
        "closed": 0,
    }
    assert progress["launched_at"] is not None
