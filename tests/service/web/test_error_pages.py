"""Error answers while the database is unreachable: the app's own page (or JSON document),
never a bare server error, and always with the security headers."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from service import create_app
from service.extensions import db
from service.web.security import SECURITY_HEADERS
from tests.service.web.pages import words


@pytest.fixture(
    params=[
        # A PostgreSQL server that is not there: nothing listens on port 1.
        "postgresql+psycopg://postgres@127.0.0.1:1/none",
        # An SQLite file in a folder that does not exist cannot be opened.
        "sqlite:////nonexistent-folder/feedback360.sqlite3",
    ],
    ids=["postgresql-down", "sqlite-unopenable"],
)
def database_down(request, app, tmp_path):
    """A second app whose database cannot be reached (the test app keeps its own)."""
    broken = create_app(
        {
            "TESTING": True,
            # Errors become answers, as in production, instead of reaching the test.
            "PROPAGATE_EXCEPTIONS": False,
            "SQLALCHEMY_DATABASE_URI": request.param,
            "INSTANCE_PATH": str(tmp_path),
            "BASE_URL": "http://feedback360.test",
            "JOBS_IMMEDIATE": True,
        }
    )
    return broken


def signed_in_browser(app):
    """A browser whose cookie names a web session: each page must look it up."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["web_session"] = "a-session-token-the-database-would-know"
    return client


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_a_page_that_needs_the_database_shows_the_error_page(database_down):
    response = signed_in_browser(database_down).get("/account")
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")
    assert "Something went wrong on our side" in words(response.get_data(as_text=True))
    assert_security_headers(response)


def test_a_survey_link_while_the_database_is_down_shows_the_error_page(database_down):
    response = database_down.test_client().get("/s/some-survey-token")
    assert response.status_code == 500
    assert "Something went wrong on our side" in words(response.get_data(as_text=True))
    assert_security_headers(response)


def test_a_missing_page_needs_no_database(database_down):
    response = signed_in_browser(database_down).get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in words(response.get_data(as_text=True))
    assert_security_headers(response)


def test_an_api_call_while_the_database_is_down_answers_json(database_down):
    response = database_down.test_client().get(
        "/api/v1/rounds", headers={"Authorization": "Bearer some-api-token"}
    )
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500 and body["message"]
    assert "psycopg" not in response.get_data(as_text=True)
    assert "sqlite" not in response.get_data(as_text=True).lower()
    assert_security_headers(response)


def test_an_error_page_looks_no_one_up_even_for_a_signed_in_person(app, api, person_session):
    api.person("member", name="Maya Lind", email="maya@example.org")
    maya = person_session("maya@example.org")
    statements = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = maya.get("/no-such-page")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 404 and statements == []
    # So it shows the signed-out header, with the way back home.
    html = page.get_data(as_text=True)
    assert "Sign out" not in html and "Maya Lind" not in html
    assert '<a class="brand" href="/">' in html
    assert_security_headers(page)
