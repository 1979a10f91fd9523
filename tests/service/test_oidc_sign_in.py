"""Single sign-on against a real OpenID Connect provider run by the test on 127.0.0.1:
the authorization code flow with PKCE, state and nonce, and whom the answer signs in."""

from __future__ import annotations

import socket
import threading
import warnings
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import requests
import werkzeug.serving
from authlib.deprecate import AuthlibDeprecationWarning
from sqlalchemy import func, select

from service import create_app
from service.config import ConfigurationError, load_settings
from service.extensions import db, limiter
from service.jobs import init_jobs
from service.models import AuditEvent, Person, WebSession
from service.services.sign_in import BY_LINK, BY_PASSWORD, BY_SINGLE_SIGN_ON, set_password
from service.services.sign_in_links import mint_sign_in_link
from service.web.auth import SESSION_KEY
from tests.service.web.test_sign_in import PASSWORD, password_sign_in, use_link

# The provider's own code uses Authlib's deprecated names and hooks; ours does not.
pytestmark = pytest.mark.filterwarnings(
    "ignore::authlib.deprecate.AuthlibDeprecationWarning:oidc_provider_mock",
    "ignore::authlib.deprecate.AuthlibDeprecationWarning:authlib",
    r"ignore:get_jwt_config\(self, grant\) is deprecated:DeprecationWarning",
)

BASE_URL = "http://feedback360.test"
PROVIDER_NAME = "Example Workspace"
MAYA = "maya@example.org"


@pytest.fixture(scope="module")
def provider():
    """A real OpenID provider (oidc-provider-mock) on a free port of 127.0.0.1; any client
    id and secret are accepted, and a nonce is required in every request."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)  # its imports, not ours
        import oidc_provider_mock

    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def sso_app_for(app):
    """sso_app_for(issuer): an app on the test database with single sign-on through
    `issuer`; its connections are closed after the test."""
    made = []

    def make(issuer: str):
        made.append(
            create_app(
                {
                    "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "INSTANCE_PATH": app.config["INSTANCE_PATH"],
                    "BASE_URL": BASE_URL,
                    "JOBS_IMMEDIATE": True,
                    "SIGN_IN_LIMIT": "10000 per hour",
                    "OIDC_ISSUER": issuer,
                    "OIDC_CLIENT_ID": "feedback360",
                    "OIDC_CLIENT_SECRET": "a client secret",
                    "OIDC_PROVIDER_NAME": PROVIDER_NAME,
                    "ALLOWED_SIGNUP_DOMAINS": frozenset({"example.org"}),
                }
            )
        )
        init_jobs(app)  # the queue goes on running the suite's app's jobs
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sso_app(sso_app_for, provider):
    # `app` empties the tables after each test; this app shares its database.
    limiter.reset()
    return sso_app_for(provider)


@pytest.fixture
def browser(sso_app):
    return sso_app.test_client()


def set_claims(provider: str, sub: str, **claims) -> None:
    answer = requests.put(f"{provider}/users/{quote(sub)}", json=claims, timeout=10)
    assert answer.status_code == 204


def through_provider(browser, provider: str, sub: str | None, start="/oidc/sign-in") -> str:
    """Press the button, then sign in at the provider as `sub` (None: refuse consent);
    return the callback path the provider sends the browser back to."""
    started = browser.get(start)
    assert started.status_code == 302
    authorize = started.location
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    asked = parse_qs(urlsplit(authorize).query)
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) >= 43 and asked["nonce"][0] and asked["state"][0]
    assert asked["redirect_uri"] == [f"{BASE_URL}/oidc/callback"]
    assert set(asked["scope"][0].split()) == {"openid", "email", "profile"}
    form = {"action": "deny"} if sub is None else {"sub": sub}
    answer = requests.post(authorize, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{BASE_URL}/oidc/callback"
    return f"{back.path}?{back.query}"


def counts(sso_app) -> tuple[int, int]:
    with sso_app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Person)),
            db.session.scalar(select(func.count()).select_from(WebSession)),
        )


def signed_in_email(browser) -> str | None:
    page = browser.get("/account")
    if page.status_code != 200:
        return None
    with browser.session_transaction() as session:
        assert SESSION_KEY in session
    return next(
        (email for email in (MAYA, "noor@example.org") if email in page.get_data(as_text=True)),
        "someone else",
    )


def test_an_existing_person_signs_in_with_a_new_session_and_returns_where_they_were(
    sso_app, browser, provider, api
):
    api.person("member", name="Maya Lind", email=MAYA)
    # The provider's address differs in case only: the same person.
    set_claims(provider, "maya-sub", email="Maya@Example.org", email_verified=True)
    with browser.session_transaction() as session:
        session["planted"] = "by whoever had this browser before"
    callback = through_provider(browser, provider, "maya-sub", start="/oidc/sign-in?next=/history")
    with browser.session_transaction() as session:
        assert any(key.startswith("_state_oidc_") for key in session)

    arrived = browser.get(callback)

    assert arrived.status_code == 303 and arrived.location == "/history"
    with browser.session_transaction() as session:
        # The session was renewed: the state is used up and only the new sign-in remains.
        assert set(session) == {SESSION_KEY}
    assert signed_in_email(browser) == MAYA
    assert counts(sso_app) == (1, 1)
    with sso_app.app_context():
        (event,) = db.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.detail) == ("signed_in", BY_SINGLE_SIGN_ON)
        assert event.actor_label == f"Maya Lind <{MAYA}>"


def test_someone_new_from_an_allowed_domain_joins_as_a_member(sso_app, browser, provider):
    set_claims(
        provider, "noor-sub", email="noor@example.org", email_verified=True, name="Noor  Haddad"
    )
    arrived = browser.get(through_provider(browser, provider, "noor-sub"))

    assert arrived.status_code == 303 and arrived.location == "/"
    with sso_app.app_context():
        (person,) = db.session.scalars(select(Person)).all()
        assert (person.email, person.name, person.role) == (
            "noor@example.org",
            "Noor Haddad",
            "member",
        )
    assert signed_in_email(browser) == "noor@example.org"


def refused(browser, callback: str, status: int, words: str) -> None:
    page = browser.get(callback)
    assert page.status_code == status
    text = " ".join(page.get_data(as_text=True).split())
    assert words in text
    assert f"Sign in with {PROVIDER_NAME}" in text  # the sign-in page, to try again
    assert signed_in_email(browser) is None


def test_an_unverified_email_is_refused_and_nothing_is_written(sso_app, browser, provider, api):
    api.person("member", name="Maya Lind", email=MAYA)
    set_claims(provider, "maya-sub", email=MAYA, email_verified=False)
    callback = through_provider(browser, provider, "maya-sub")
    refused(browser, callback, 401, "has not verified your email address")
    assert counts(sso_app) == (1, 0)


def test_a_missing_email_is_refused(sso_app, browser, provider):
    set_claims(provider, "nameless-sub", name="No Email")
    refused(
        browser,
        through_provider(browser, provider, "nameless-sub"),
        401,
        "did not tell us your email address",
    )
    assert counts(sso_app) == (0, 0)


def test_someone_new_from_another_domain_is_refused(sso_app, browser, provider):
    set_claims(provider, "eve-sub", email="eve@elsewhere.test", email_verified=True)
    refused(
        browser,
        through_provider(browser, provider, "eve-sub"),
        403,
        "addresses at elsewhere.test cannot create one themselves",
    )
    assert counts(sso_app) == (0, 0)


def test_refused_consent_signs_nobody_in(sso_app, browser, provider):
    refused(browser, through_provider(browser, provider, None), 401, "You did not allow")
    assert counts(sso_app) == (0, 0)


def test_the_same_callback_twice_is_refused(sso_app, browser, provider, api):
    api.person("member", name="Maya Lind", email=MAYA)
    set_claims(provider, "maya-sub", email=MAYA, email_verified=True)
    callback = through_provider(browser, provider, "maya-sub")
    assert browser.get(callback).status_code == 303

    # In the same browser, and in another one (that never started a sign-in).
    for replaying in (browser, sso_app.test_client()):
        page = replaying.get(callback)
        assert page.status_code == 400
        assert "not started in this browser, or it was finished already" in page.get_data(
            as_text=True
        )
    assert counts(sso_app) == (1, 1)


def test_a_tampered_state_is_refused(sso_app, browser, provider, api):
    api.person("member", name="Maya Lind", email=MAYA)
    set_claims(provider, "maya-sub", email=MAYA, email_verified=True)
    callback = urlsplit(through_provider(browser, provider, "maya-sub"))
    answer = parse_qs(callback.query)
    state = answer["state"][0]
    tampered = {**answer, "state": [state[:-1] + ("A" if state[-1] != "A" else "B")]}

    refused(browser, f"{callback.path}?{urlencode(tampered, doseq=True)}", 400, "Please start")
    assert counts(sso_app) == (1, 0)


def test_a_provider_that_does_not_answer_is_a_clear_503(sso_app_for):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    # Nothing listens on the port once the socket is closed: connections are refused.
    browser = sso_app_for(f"http://127.0.0.1:{port}").test_client()
    page = browser.get("/oidc/sign-in")
    assert page.status_code == 503
    assert "did not answer" in page.get_data(as_text=True)


def test_without_an_issuer_there_is_no_button_and_no_route(client):
    page = client.get("/sign-in")
    assert page.status_code == 200 and "Sign in with" not in page.get_data(as_text=True)
    assert client.get("/oidc/sign-in").status_code == 404
    assert client.get("/oidc/callback?code=x&state=y").status_code == 404


def test_the_button_names_the_provider(browser):
    page = browser.get("/sign-in?next=/history").get_data(as_text=True)
    assert f"Sign in with {PROVIDER_NAME}" in page
    assert 'action="/oidc/sign-in"' in page and 'name="next" value="/history"' in page


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"OIDC_ISSUER": "http://sso.example.org"}, "must be the provider's https:// address"),
        ({"OIDC_ISSUER": "sso.example.org"}, "must be the provider's https:// address"),
        ({"OIDC_ISSUER": "https://sso.example.org"}, "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
    ],
)
def test_settings_that_cannot_work_are_named(tmp_path, environ, problem):
    with pytest.raises(ConfigurationError, match=problem):
        load_settings(str(tmp_path), environ, testing=True)


def test_settings_default_to_off_and_name_the_button(tmp_path):
    off = load_settings(str(tmp_path), {}, testing=True)
    assert off["OIDC_ISSUER"] == "" and off["OIDC_PROVIDER_NAME"] == "your organisation's account"
    on = load_settings(
        str(tmp_path),
        {
            "OIDC_ISSUER": "https://sso.example.org/realms/staff/",
            "OIDC_CLIENT_ID": "feedback360",
            "OIDC_CLIENT_SECRET": "s3cret",
        },
        testing=True,
    )
    assert on["OIDC_ISSUER"] == "https://sso.example.org/realms/staff"


def test_the_audit_log_says_how_each_sign_in_was_made(app, client, api):
    person_id, _ = api.person("hr", name="Hana Hr", email="hana@example.org")
    with app.app_context():
        set_password(person_id, PASSWORD)
        token = mint_sign_in_link(db.session.get(Person, person_id))
        db.session.commit()
    assert password_sign_in(client, "hana@example.org", PASSWORD).status_code == 303
    assert use_link(app.test_client(), token).status_code == 303
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "signed_in")
        ).all()
    assert sorted(details) == sorted([BY_PASSWORD, BY_LINK])


def test_a_refusal_is_worded_in_the_browsers_language(sso_app, browser, provider):
    set_claims(provider, "eve-sub", email="eve@elsewhere.test", email_verified=True)
    callback = through_provider(browser, provider, "eve-sub")
    page = browser.get(callback, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.status_code == 403
    text = " ".join(page.get_data(as_text=True).split())
    assert (
        "Il n’existe aucun compte feedback360 pour eve@elsewhere.test, et les adresses en "
        "elsewhere.test ne peuvent pas en créer un elles-mêmes. Demandez aux RH de vous inviter."
    ) in text.replace("&#39;", "’").replace("'", "’")
    assert signed_in_email(browser) is None
