"""Dates and times on the pages: the viewer's zone, named, in one format; deadlines typed
in that zone and stored as the UTC moment they mean.

The expected texts are worked out by hand from the zones' offsets on those days (no
zone database involved): New York is UTC-4 in July (EDT), Kolkata UTC+5:30 all year (IST),
Berlin UTC+1 in winter (CET) and UTC+2 from 01:00 UTC on Sunday 31 March 2030 (CEST).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import Person, Round
from tests.conftest import outbox_files, outbox_folder
from tests.service.web.conftest import HANA, MAYA
from tests.service.web.pages import words
from tests.service.web.test_hr_pages import BULK_CSV, hidden, upload

# Monday 15 July 2030, 21:30 UTC.
DEADLINE = "2030-07-15T21:30:00Z"
DEADLINE_SHOWN = {
    None: "Monday 15 July 2030, 21:30 UTC",
    "America/New_York": "Monday 15 July 2030, 17:30 EDT",  # 21:30 - 4:00
    "Asia/Kolkata": "Tuesday 16 July 2030, 03:00 IST",  # 21:30 + 5:30 = 27:00, next day
}
PAT = "pat@example.org"
PAGE_FORMAT = re.compile(r"^\w+day \d{1,2} \w+ \d{4}, \d\d:\d\d [A-Z][A-Za-z0-9+-]*$")


@pytest.fixture
def round_id(api, people):
    _, token = people[MAYA]
    return api.create_round(token, deadline=DEADLINE)["id"]


def in_zone(session, zone: str | None):
    if zone is not None:
        session.client.set_cookie("tz", zone)
    return session


def shown(page: str, instant: str) -> list[str]:
    """The texts of the page's <time> elements holding this UTC instant."""
    return re.findall(rf'<time datetime="{instant}">([^<]+)</time>', page)


@pytest.mark.parametrize("zone", list(DEADLINE_SHOWN))
def test_the_deadline_reads_the_same_on_every_page_in_the_viewers_zone(
    api, people, round_id, person_session, rater_session, zone
):
    _, token = people[MAYA]
    tokens = api.launch(token, round_id)
    expected = DEADLINE_SHOWN[zone]
    maya = in_zone(person_session(MAYA), zone)
    pages = {
        "round": maya.html(f"/rounds/{round_id}"),
        "my rounds": maya.html("/rounds"),
        "survey": in_zone(rater_session(tokens[PAT]), zone).html(),
        "dashboard": in_zone(person_session(HANA), zone).html("/hr"),
    }
    for name, page in pages.items():
        assert shown(page, "2030-07-15T21:30:00Z") == [expected], name


def test_the_audit_log_and_the_outbox_show_their_times_in_the_viewers_zone(
    api, app, people, round_id, person_session, clock
):
    clock.now = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
    _, token = people[MAYA]
    api.launch(token, round_id)
    hana = in_zone(person_session(HANA), "Asia/Kolkata")

    audit = hana.html("/hr/audit")
    # 08:00 UTC + 5:30 = 13:30 IST, the same Monday.
    assert "Monday 1 July 2030, 13:30 IST" in shown(audit, "2030-07-01T08:00:00Z")
    assert "When (UTC)" not in audit

    # The outbox shows each email's Date header (the real time it was written), moved by
    # Kolkata's fixed +5:30.
    outbox = hana.html("/hr/outbox")
    times = re.findall(r'<time datetime="([^"]+)Z">([^<]+)</time>', outbox)
    assert times
    for instant, text in times:
        local = datetime.fromisoformat(instant) + timedelta(hours=5, minutes=30)
        assert text == f"{local:%A} {local.day} {local:%B %Y, %H:%M} IST"
    assert "Date (UTC)" not in outbox


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Winter: CET, UTC+1.
        ("2030-01-15T17:00", datetime(2030, 1, 15, 16, 0, tzinfo=UTC)),
        # Summer: CEST, UTC+2.
        ("2030-07-15T17:00", datetime(2030, 7, 15, 15, 0, tzinfo=UTC)),
        # The day the clocks go forward (02:00 CET → 03:00 CEST): noon is already CEST.
        ("2030-03-31T12:00", datetime(2030, 3, 31, 10, 0, tzinfo=UTC)),
        # The night before, still CET: 23:30 - 1:00.
        ("2030-03-30T23:30", datetime(2030, 3, 30, 22, 30, tzinfo=UTC)),
        # 02:30 does not exist that morning; it is read with the offset before the change.
        ("2030-03-31T02:30", datetime(2030, 3, 31, 1, 30, tzinfo=UTC)),
    ],
)
def test_a_deadline_typed_in_berlin_is_stored_as_its_utc_moment(
    app, people, round_id, person_session, typed, stored
):
    maya = person_session(MAYA)
    response = maya.post(
        f"/rounds/{round_id}/deadline", data={"deadline": typed, "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Round, round_id).deadline == stored


def test_starting_a_360_reads_the_deadline_in_the_zone_the_form_names(app, people, maya_in):
    maya = maya_in("Asia/Tokyo")  # the cookie; the form's field wins over it
    form = {
        "deadline": "2030-01-15T17:00",
        "time_zone": "Europe/Berlin",
        "action": "create",
        "raters-0-name": "Pia Peer",
        "raters-0-email": "pia@example.org",
        "raters-0-relationship": "peer",
    }
    assert maya.post("/rounds/new", data=form).status_code == 303
    with app.app_context():
        deadline = db.session.scalar(select(Round.deadline))
    assert deadline == datetime(2030, 1, 15, 16, 0, tzinfo=UTC)  # 17:00 CET - 1:00


def test_the_bulk_launch_reads_the_deadline_in_the_zone_the_form_names(app, people, person_session):
    with app.app_context():
        for email, name in (("ana@example.org", "Ana Silva"), ("sam@example.org", "Sam Okafor")):
            db.session.add(Person(email=email, name=name, role="member"))
        db.session.commit()
    hr = person_session(HANA)
    # 9:00 in Kolkata is 03:30 UTC.
    preview = upload(
        hr,
        "/hr/rounds/import",
        BULK_CSV,
        deadline="2030-07-16T09:00",
        time_zone="Asia/Kolkata",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, words(page)
    assert shown(page, "2030-07-16T03:30:00Z") == ["Tuesday 16 July 2030, 09:00 IST"]
    confirmed = hr.post(
        "/hr/rounds/import/confirm",
        data={
            "csv_text": hidden(page, "csv_text"),
            "deadline": hidden(page, "deadline"),
            "time_zone": hidden(page, "time_zone"),
        },
    )
    assert confirmed.status_code == 200
    with app.app_context():
        deadlines = set(db.session.scalars(select(Round.deadline)))
    assert deadlines == {datetime(2030, 7, 16, 3, 30, tzinfo=UTC)}


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", ""])
def test_an_unknown_zone_falls_back_to_utc(app, people, round_id, person_session, zone):
    maya = person_session(MAYA)
    maya.client.set_cookie("tz", zone)
    page = maya.html(f"/rounds/{round_id}")
    assert shown(page, "2030-07-15T21:30:00Z") == ["Monday 15 July 2030, 21:30 UTC"]
    assert "in UTC" in words(page)
    posted = maya.post(
        f"/rounds/{round_id}/deadline", data={"deadline": "2030-08-01T10:00", "time_zone": zone}
    )
    assert posted.status_code == 303
    with app.app_context():
        assert db.session.get(Round, round_id).deadline == datetime(2030, 8, 1, 10, tzinfo=UTC)


@pytest.fixture
def maya_in(people, person_session):
    def signed_in(zone: str):
        return in_zone(person_session(MAYA), zone)

    return signed_in


def deadline_input(page: str) -> str:
    return re.search(r'<input[^>]*name="deadline"[^>]*>', page).group(0)


def deadline_hint(page: str) -> str:
    return words(re.search(r'<small id="deadline-hint"[^>]*>(.*?)</small>', page, re.S).group(1))


def test_changing_the_deadline_starts_from_the_current_one_in_the_viewers_zone(round_id, maya_in):
    page = maya_in("Asia/Kolkata").html(f"/rounds/{round_id}")
    field = deadline_input(page)
    assert 'type="datetime-local"' in field
    assert 'value="2030-07-16T03:00"' in field  # DEADLINE_SHOWN["Asia/Kolkata"]
    assert 'data-instant="2030-07-15T21:30:00+00:00"' in field
    assert deadline_hint(page) == (
        "Answers are accepted until this date and time, in your time zone, Asia/Kolkata . "
        "Filled in: the current deadline."
    )
    assert 'name="time_zone" type="hidden" value="Asia/Kolkata"' in page


def test_a_passed_deadline_is_replaced_by_a_labelled_suggestion(
    round_id, maya_in, clock, api, people
):
    _, token = people[MAYA]
    api.launch(token, round_id)
    # Friday 19 July 2030, 20:00 UTC: the deadline has passed; in Tokyo (UTC+9) it is
    # already Saturday 20 July, 05:00, so two weeks from that day is Saturday 3 August.
    clock.now = datetime(2030, 7, 19, 20, 0, tzinfo=UTC)
    page = maya_in("Asia/Tokyo").html(f"/rounds/{round_id}")
    assert 'value="2030-08-03T17:00"' in deadline_input(page)
    assert "data-instant" not in deadline_input(page)
    assert deadline_hint(page).endswith("Suggested: two weeks from today, at 17:00.")


def test_start_a_360_suggests_a_deadline_in_the_viewers_zone_and_says_so(maya_in, clock):
    # Friday 19 July 2030, 20:00 UTC is Saturday 20 July in Tokyo: two weeks later is
    # Saturday 3 August, at 17:00 there.
    clock.now = datetime(2030, 7, 19, 20, 0, tzinfo=UTC)
    page = maya_in("Asia/Tokyo").html("/rounds/new")
    assert 'value="2030-08-03T17:00"' in deadline_input(page)
    assert deadline_hint(page) == (
        "Answers are accepted until this date and time, in your time zone, Asia/Tokyo . "
        "Suggested: two weeks from today, at 17:00."
    )


def test_the_autosave_answers_with_the_time_in_the_raters_zone(
    api, people, round_id, rater_session, clock
):
    _, token = people[MAYA]
    tokens = api.launch(token, round_id)
    clock.now = datetime(2030, 7, 2, 20, 45, tzinfo=UTC)
    pat = in_zone(rater_session(tokens[PAT]), "America/New_York")
    response = pat.client.post(
        "/survey/draft",
        data={"answer-ei_1": "3"},
        headers={"X-CSRFToken": pat.csrf_token(), "Accept": "application/json"},
    )
    assert response.status_code == 200
    # 20:45 UTC - 4:00 = 16:45 EDT, the same Tuesday.
    assert response.get_json()["saved_at_text"] == "Tuesday 2 July 2030, 16:45 EDT"
    assert response.get_json()["saved_at"] == "2030-07-02T20:45:00+00:00"  # the API's ISO


def test_emails_write_the_deadline_in_the_same_format_in_utc(app, api, people, round_id):
    _, token = people[MAYA]
    earlier = outbox_files(app)
    api.launch(token, round_id)
    invitations = [
        BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        for path in outbox_folder(app).glob("*.eml")
        if path.name not in earlier
    ]
    assert len(invitations) == 5  # four raters and the self-assessment
    for message in invitations:
        text = " ".join(message.get_body(preferencelist=("plain",)).get_content().split())
        assert "Please answer by Monday 15 July 2030, 21:30 UTC." in text


def test_every_date_time_on_a_page_is_in_the_one_format(api, people, round_id, maya_in):
    _, token = people[MAYA]
    api.launch(token, round_id)
    for path in (f"/rounds/{round_id}", "/rounds"):
        page = maya_in("Europe/Berlin").html(path)
        texts = re.findall(r'<time datetime="[^"]+T[^"]+Z">([^<]+)</time>', page)
        assert texts
        for text in texts:
            assert PAGE_FORMAT.match(text), text
