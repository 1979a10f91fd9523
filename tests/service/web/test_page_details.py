"""The pages' smaller details: where the way back leads, rounds told apart, the raters a bulk
launch would invite, settings described without the server's internals, scroll boxes a
keyboard can reach."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from service.extensions import db
from service.models import Person, Round
from tests.service.web.pages import words
from tests.service.web.test_hr_pages import BULK_CSV, upload

HR_EMAIL = "hana@example.org"
MEMBER_EMAIL = "maya@example.org"
SCROLL_BOX = re.compile(r'<div class="table-scroll"[^>]*>')


@pytest.fixture
def member(api):
    return api.person("member", name="Maya Lind", email=MEMBER_EMAIL)


@pytest.fixture
def hr(api, person_session):
    api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    return person_session(HR_EMAIL)


def breadcrumb(page: str) -> str:
    return re.search(r'<p class="breadcrumb">(.*?)</p>', page, re.S).group(1)


def test_hr_opening_someone_elses_round_is_led_back_to_the_dashboard(api, member, hr):
    _, token = member
    round_id = api.create_round(token)["id"]
    assert breadcrumb(hr.html(f"/rounds/{round_id}")) == '<a href="/hr">Dashboard</a>'


def test_the_subject_is_led_back_to_my_rounds(api, member, person_session):
    _, token = member
    round_id = api.create_round(token)["id"]
    page = person_session(MEMBER_EMAIL).html(f"/rounds/{round_id}")
    assert breadcrumb(page) == '<a href="/rounds">My rounds</a>'


def test_two_rounds_started_the_same_day_have_different_titles(app, api, member, person_session):
    _, token = member
    first = api.create_round(token)["id"]
    second = api.create_round(token)["id"]
    with app.app_context():
        # Both on one day, whatever the clock says while the test runs.
        day = datetime(2026, 12, 1, 9, tzinfo=UTC)
        for hours, round_id in enumerate((first, second)):
            db.session.get(Round, round_id).created_at = day + timedelta(hours=hours)
        db.session.commit()
    page = person_session(MEMBER_EMAIL).html("/rounds")
    titles = [
        (round_id, words(title))
        for round_id, title in re.findall(r'<h2><a href="/rounds/([^"]+)">(.+?)</a>', page)
    ]
    # Newest first, numbered in the order they were started.
    assert titles == [
        (second, "360 started Tuesday 1 December 2026 (no. 2)"),
        (first, "360 started Tuesday 1 December 2026 (no. 1)"),
    ]


def test_the_bulk_launch_preview_names_every_rater(app, hr):
    with app.app_context():
        db.session.add_all(
            [
                Person(email="ana@example.org", name="Ana Silva", role="member"),
                Person(email="sam@example.org", name="Sam Okafor", role="member"),
            ]
        )
        db.session.commit()
    deadline = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    page = upload(hr, "/hr/rounds/import", BULK_CSV, deadline=deadline).get_data(as_text=True)
    text = words(page)
    assert (
        "2 Ana Silva ana@example.org 1 1 0 0 "
        "Jo Manager jo@example.org, manager Kim Peer kim@example.org, peer"
    ) in text
    assert (
        "4 Sam Okafor sam@example.org 1 0 1 0 "
        "Jo Manager jo@example.org, manager Dee Report dee@example.org, direct report"
    ) in text


def test_settings_do_not_show_hr_the_servers_variable_names(hr):
    text = words(hr.html("/hr/settings"))
    assert "set by the server's configuration" in text
    for name in ("DEFAULT_ANONYMITY_THRESHOLD", "SUBJECT_SEES_REPORT", "REMINDER_DAYS"):
        assert name not in text


def scroll_boxes(page: str) -> list[str]:
    return SCROLL_BOX.findall(page)


def assert_reachable_by_keyboard(page: str, names: list[str]) -> None:
    """Each scroll box is a named region in the tab order, so a keyboard can scroll it."""
    boxes = scroll_boxes(page)
    assert len(boxes) == len(names), boxes
    for box, name in zip(boxes, names, strict=True):
        assert 'tabindex="0"' in box and 'role="region"' in box, box
        assert f'aria-label="{name}"' in box, box


def test_every_round_table_scroll_box_is_a_named_focusable_region(app, api, member, hr):
    _, token = member
    round_id = api.create_round(token)["id"]
    api.launch(token, round_id)
    assert_reachable_by_keyboard(hr.html("/hr"), ["Rounds"])
    assert_reachable_by_keyboard(hr.html("/hr/people"), ["People"])
    assert_reachable_by_keyboard(
        hr.html(f"/rounds/{round_id}"),
        ["Responses per group (never who answered)", "Table of raters"],
    )
    assert_reachable_by_keyboard(hr.html("/hr/audit"), ["Audit log entries"])
    assert_reachable_by_keyboard(hr.html("/hr/outbox"), ["Emails in the outbox"])
