"""The periodic housekeeping: reminders before the deadline, and rounds that close themselves."""

from __future__ import annotations

import pytest

from service.jobs.tasks import periodic_housekeeping
from service.services import development_reports
from tests.service.conftest import answer_all
from tests.service.jobs.conftest import launch_round


def housekeeping(app):
    with app.app_context():
        periodic_housekeeping()


@pytest.fixture
def renders(monkeypatch):
    """Counts the report PDFs actually rendered."""
    calls = []
    render = development_reports.render_report_pdf

    def counting(*args, **kwargs):
        calls.append(args)
        return render(*args, **kwargs)

    monkeypatch.setattr(development_reports, "render_report_pdf", counting)
    return calls


def test_a_passed_deadline_closes_the_round_and_renders_its_report_once(
    app, api, people, smtp, clock, renders
):
    hr, maya = people
    round_id, tokens = launch_round(api, hr, smtp, days=10)
    for email in ("maya@example.org", "rater0@example.org", "rater1@example.org"):
        answer_all(api, tokens[email], 4)
    smtp.mailbox.messages.clear()

    housekeeping(app)
    assert api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()["status"] == "open"
    clock.advance(days=10, minutes=1)
    housekeeping(app)
    housekeeping(app)  # a second worker, or the next run: nothing happens twice

    round_ = api.call("GET", f"/api/v1/rounds/{round_id}", hr).get_json()
    assert round_["status"] == "closed"
    assert len(renders) == 1
    assert api.call("GET", f"/api/v1/rounds/{round_id}/results", maya).status_code == 200
    pdf = api.call("GET", f"/api/v1/rounds/{round_id}/report.pdf", maya)
    assert pdf.status_code == 200 and len(renders) == 1  # served from the stored file
    pdf.close()
    subjects = sorted((m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp.mailbox.messages)
    assert [to for to, _ in subjects] == ["hana@example.org", "maya@example.org"]
    assert all(
        "report" in subject.lower() or "closed" in subject.lower() for _, subject in subjects
    )


def test_closing_by_hand_also_renders_and_tells_the_subject_and_hr(api, people, smtp, renders):
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp)
    smtp.mailbox.messages.clear()
    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", hr).status_code == 200
    assert len(renders) == 1
    assert smtp.mailbox.recipients() == ["hana@example.org", "maya@example.org"]


def test_the_subject_is_not_told_when_the_report_is_hidden_from_them(
    app, api, people, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "SUBJECT_SEES_REPORT", False)
    hr, _ = people
    round_id, _ = launch_round(api, hr, smtp)
    smtp.mailbox.messages.clear()
    api.call("POST", f"/api/v1/rounds/{round_id}/close", hr)
    assert smtp.mailbox.recipients() == ["hana@example.org"]


def test_scheduled_reminders_go_3_days_and_1_day_before_to_raters_still_awaited(
    app, api, people, smtp, clock
):
    hr, _ = people
    _, tokens = launch_round(api, hr, smtp, days=10)
    answer_all(api, tokens["rater0@example.org"], 4)
    assert (
        api.call("POST", "/api/v1/survey/decline", tokens["rater1@example.org"]).status_code == 200
    )
    smtp.mailbox.messages.clear()

    clock.advance(days=6)
    housekeeping(app)
    assert smtp.mailbox.messages == []  # 4 days left: not yet
    clock.advance(days=1, minutes=1)
    housekeeping(app)
    housekeeping(app)
    awaited = 6
    assert len(smtp.mailbox.messages) == awaited
    assert "rater0@example.org" not in smtp.mailbox.recipients()
    assert "rater1@example.org" not in smtp.mailbox.recipients()
    clock.advance(days=2)
    housekeeping(app)
    assert len(smtp.mailbox.messages) == 2 * awaited  # the 1-day reminder
    assert all("reminder" in m["Subject"].lower() for m in smtp.mailbox.messages)


def test_a_round_launched_inside_a_window_gets_no_reminder_for_it(app, api, people, smtp, clock):
    hr, _ = people
    launch_round(api, hr, smtp, days=2)
    smtp.mailbox.messages.clear()
    housekeeping(app)
    assert smtp.mailbox.messages == []
    clock.advance(days=1, minutes=1)
    housekeeping(app)
    assert len(smtp.mailbox.messages) == 8  # the 1-day reminder still goes
