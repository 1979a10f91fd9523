"""Fixtures of the web page tests: an open round and a rater's browser-like session."""

from __future__ import annotations

import pytest

from service.extensions import limiter
from tests.service.web.pages import PersonSession, RaterSession


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Failed look-ups counted in one test must not throttle the next."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def launched(api):
    """An open round about Maya Lind (k=3); returns (owner token, round, survey tokens)."""
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token)
    return token, created, api.launch(token, created["id"])


@pytest.fixture
def rater_session(app):
    """Open a survey link in a fresh browser-like session: rater_session(token)."""

    def start(token: str, **client_options) -> RaterSession:
        session = RaterSession(app, token, **client_options)
        assert session.open_link().status_code == 303
        return session

    return start


@pytest.fixture
def person_session(app):
    """A browser signed in as the person with this email: person_session(email)."""

    def start(email: str, **client_options) -> PersonSession:
        return PersonSession(app, email, **client_options)

    return start


MAYA = "maya@example.org"
OMAR = "omar@example.org"
HANA = "hana@example.org"


@pytest.fixture
def people(api):
    """Maya and Omar (members) and Hana (HR): their ids and API tokens by email."""
    return {
        MAYA: api.person("member", name="Maya Lind", email=MAYA),
        OMAR: api.person("member", name="Omar Diaz", email=OMAR),
        HANA: api.person("hr", name="Hana Reyes", email=HANA),
    }
