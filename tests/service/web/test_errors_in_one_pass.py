"""Every problem of a form in one answer: the start form, the bulk launch, the export
selection; and CSV files written with the semicolons or tabs of spreadsheet programs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from service.extensions import db
from service.models import Export, Person, Round
from service.services.clock import now
from tests.service.web.pages import words

MAYA = "maya@example.org"
HANA = "hana@example.org"
BULK_HEADER = "subject_email,rater_name,rater_email,relationship\n"


@pytest.fixture
def maya(api, person_session):
    api.person("member", name="Maya Lind", email=MAYA)
    return person_session(MAYA)


@pytest.fixture
def hana(api, person_session):
    api.person("hr", name="Hana Reyes", email=HANA)
    return person_session(HANA)


@pytest.fixture
def subjects(app, hana):
    with app.app_context():
        db.session.add_all(
            [
                Person(email="ana@example.org", name="Ana Silva", role="member"),
                Person(email="sam@example.org", name="Sam Okafor", role="member"),
            ]
        )
        db.session.commit()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def upload(session, path: str, text: str, **fields):
    form = {**fields, "csrf_token": session.csrf_token()}
    form["file"] = FileStorage(io.BytesIO(text.encode()), "file.csv", content_type="text/csv")
    boundary, body = encode_multipart(form)
    return session.client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def start_form(rows, deadline: str) -> dict:
    form = {"deadline": deadline, "action": "create"}
    for index, (name, email, relationship) in enumerate(rows):
        form |= {
            f"raters-{index}-name": name,
            f"raters-{index}-email": email,
            f"raters-{index}-relationship": relationship,
        }
    return form


def yesterday() -> str:
    return (now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def in_two_weeks() -> str:
    return (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")


# --- start a 360 ---------------------------------------------------------------------------


def test_a_past_deadline_and_a_repeated_rater_are_reported_together(app, maya):
    rows = [("Pia Peer", "pia@example.org", "peer"), ("Pia Again", "pia@example.org", "peer")]
    response = maya.post("/rounds/new", data=start_form(rows, yesterday()))
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    assert "Please check 2 things" in text
    assert "Deadline: must be in the future" in text
    assert "Rater 2, email address: is already a rater in this round" in text
    assert count(app, Round) == 0


def test_a_past_deadline_and_a_mistyped_email_are_reported_together(app, maya):
    rows = [("Pia Peer", "not-an-email", "peer"), ("Me Myself", MAYA, "peer")]
    response = maya.post("/rounds/new", data=start_form(rows, yesterday()))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = words(page)
    # The form's own check (the address) and the service's (the deadline, the subject's own
    # address on a row the form found fine) in the same answer.
    assert "Please check 3 things" in text
    assert "Deadline: must be in the future" in text
    assert "Rater 1, email address: Enter a valid email address." in text
    assert "Rater 2, email address: is the subject's own email" in text
    assert 'id="deadline-error"' in page and 'id="raters-0-email-error"' in page
    assert count(app, Round) == 0


def test_a_missing_deadline_and_a_repeated_rater_are_reported_together(app, maya):
    rows = [("Pia Peer", "pia@example.org", "peer"), ("Pia Again", "pia@example.org", "peer")]
    response = maya.post("/rounds/new", data=start_form(rows, ""))
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    assert "Deadline: Choose the last day and time for answers." in text
    assert "Rater 2, email address: is already a rater in this round" in text
    assert count(app, Round) == 0


# --- bulk launch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "deadline_problem"),
    [("", "Choose the deadline."), ("tomorrow", "Enter a date and a time, like 2030-01-31 17:00.")],
)
def test_the_files_problems_show_even_without_a_usable_deadline(
    app, hana, subjects, deadline, deadline_problem
):
    csv_text = BULK_HEADER + "ghost@example.org,Jo Manager,jo@example.org,manager\n"
    response = upload(hana, "/hr/rounds/import", csv_text, deadline=deadline)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = words(page)
    assert "2 subject_email Nobody has the email ghost@example.org" in text
    assert deadline_problem in text
    assert 'name="csv_text"' not in page  # nothing to confirm
    assert count(app, Round) == 0


def test_a_semicolon_separated_bulk_file_previews_its_rounds(app, hana, subjects):
    csv_text = (
        "subject_email;rater_name;rater_email;relationship\n"
        "ana@example.org;Jo Manager;jo@example.org;manager\n"
        "ana@example.org;Kim Peer;kim@example.org;peer\n"
    )
    response = upload(hana, "/hr/rounds/import", csv_text, deadline=in_two_weeks())
    assert response.status_code == 200, words(response.get_data(as_text=True))
    text = words(response.get_data(as_text=True))
    # One round (Ana's, row 2) with one manager and one peer: 2 raters.
    assert "Check before launching: 1 round, 2 raters" in text
    assert "2 Ana Silva ana@example.org 1 1 0 0" in text


# --- people import -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_people_file_separated_by_semicolons_or_tabs_previews_every_row(app, hana, delimiter):
    rows = [
        ("name", "email", "role", "manager_email"),
        ("Silva, Ana", "ana@example.org", "member", "jo@example.org"),
        ("Jo Manager", "jo@example.org", "member", ""),
    ]
    csv_text = "".join(delimiter.join(row) + "\n" for row in rows)
    response = upload(hana, "/hr/people/import", csv_text)
    assert response.status_code == 200, words(response.get_data(as_text=True))
    text = words(response.get_data(as_text=True))
    assert "Unknown columns" not in text
    # The comma inside a name is part of it once the file's own separator is known.
    assert "Silva, Ana" in text and "ana@example.org" in text and "jo@example.org" in text
    assert count(app, Person) == 1  # Hana only: a preview writes nothing


# --- export --------------------------------------------------------------------------------


def test_exporting_nothing_ticked_stays_on_the_dashboard_with_the_error(app, api, hana):
    response = hana.post("/hr/exports", {"round_id": []})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<h1>Dashboard</h1>" in page
    assert "Tick at least one closed round to download its report." in words(page)
    assert 'id="export-error"' in page
    assert count(app, Export) == 0


def test_exporting_nothing_ticked_keeps_the_dashboards_filters(app, api, hana):
    response = hana.post("/hr/exports?status=closed", {"round_id": []})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<option selected value="closed">' in page
    assert "Tick at least one closed round to download its report." in words(page)
