"""Single sign-on with an OpenID Connect provider: Authlib's client, the checks of its
answer, and whom that answer signs in."""

from __future__ import annotations

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from flask_babel import lazy_gettext
from joserfc.errors import JoseError
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import Person
from service.models.types import new_id
from service.services.errors import Forbidden, Invalid, Unauthorized, Unavailable
from service.services.people import (
    MAX_NAME_LENGTH,
    fields_worded,
    find_person_by_email,
    normalise_email,
    person_problems,
)

PROVIDER = "oidc"
EXTENSION = "feedback360.oidc"
DISCOVERY_PATH = "/.well-known/openid-configuration"
SCOPES = "openid email profile"
# The provider's answers (discovery, token, keys) come within this many seconds or not at all.
PROVIDER_TIMEOUT = 10


class ProviderUnavailable(Unavailable):
    """The OpenID provider did not answer, or answered with something that is not OpenID."""


def init_oidc(app: Flask) -> None:
    """Register the provider's client on the app when OIDC_ISSUER is set."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer + DISCOVERY_PATH,
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT,
        },
    )
    app.extensions[EXTENSION] = oauth


def oidc_enabled() -> bool:
    return EXTENSION in current_app.extensions


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


def _client():
    return current_app.extensions[EXTENSION].create_client(PROVIDER)


def redirect_to_provider(callback_url: str):
    """The redirect to the provider's sign-in, with a new state, nonce and PKCE verifier
    (S256) kept in the session for the callback."""
    try:
        return _client().authorize_redirect(callback_url)
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(_unavailable()) from error


def _unavailable():
    return lazy_gettext(
        "Signing in with %(provider)s is not possible right now: the sign-in service did not "
        "answer. Try again in a few minutes, or ask for a sign-in link by email.",
        provider=provider_name(),
    )


def verified_claims() -> dict:
    """The ID token's claims from the provider's answer on the callback: the state must be
    this browser's (and is then used up), the code is exchanged with the PKCE verifier, and
    the ID token's signature, issuer, audience, expiry and nonce are checked by Authlib."""
    client = _client()
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        raise Invalid(
            lazy_gettext(
                "This sign-in was not started in this browser, or it was finished already. "
                "Please start again."
            )
        ) from None
    except OAuthError as error:
        if error.error == "access_denied":
            raise Unauthorized(
                lazy_gettext(
                    "You did not allow feedback360 to use %(provider)s, so you are not signed "
                    "in. You can also ask for a sign-in link by email.",
                    provider=provider_name(),
                )
            ) from None
        raise Unauthorized(
            lazy_gettext(
                "%(provider)s refused the sign-in (%(code)s). Please start again.",
                provider=provider_name(),
                code=error.error,
            )
        ) from None
    except JoseError:
        raise Unauthorized(
            lazy_gettext(
                "The answer from %(provider)s could not be verified, so you are not signed in. "
                "Please start again.",
                provider=provider_name(),
            )
        ) from None
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(_unavailable()) from error
    claims = token.get("userinfo")
    if not claims:
        raise Unauthorized(
            lazy_gettext(
                "%(provider)s sent no ID token, so you are not signed in.",
                provider=provider_name(),
            )
        ) from None
    return dict(claims)


def _email_is_verified(claims: dict) -> bool:
    # Some providers send the claim as the string "true".
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _name_from(claims: dict, email: str) -> str:
    name = " ".join(str(claims.get("name") or "").split())[:MAX_NAME_LENGTH]
    return name or email.partition("@")[0]


def person_for_claims(claims: dict) -> Person:
    """Whom these verified claims sign in: the person with this (verified) email, or a new
    member when the email's domain may sign up. A new person is added to the session, not
    committed: starting the web session commits both at once."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise Unauthorized(
            lazy_gettext(
                "%(provider)s did not tell us your email address, so you cannot be signed in. "
                "Ask your administrator to allow the email scope.",
                provider=provider_name(),
            )
        )
    if not _email_is_verified(claims):
        raise Unauthorized(
            lazy_gettext(
                "%(provider)s has not verified your email address %(email)s, so you cannot be "
                "signed in with it. Verify it there, or ask for a sign-in link by email.",
                provider=provider_name(),
                email=email,
            )
        )
    person = find_person_by_email(email)
    if person is not None:
        return person
    email = normalise_email(email)
    domain = email.rpartition("@")[2]
    if domain not in current_app.config["ALLOWED_SIGNUP_DOMAINS"]:
        raise Forbidden(
            lazy_gettext(
                "There is no feedback360 account for %(email)s, and addresses at %(domain)s "
                "cannot create one themselves. Ask HR to invite you.",
                email=email,
                domain=domain,
            )
        )
    return _new_member(_name_from(claims, email), email)


def _new_member(name: str, email: str) -> Person:
    problems = person_problems(name, email, "member", "")
    if problems:
        raise Invalid(
            lazy_gettext(
                "You cannot be signed up with these details: %(problems)s",
                problems=fields_worded(problems),
            )
        )
    person = Person(id=new_id(), email=email, name=name, role="member")
    db.session.add(person)
    try:
        db.session.flush()
    except IntegrityError:
        # The same address joined through another request since the look-up.
        db.session.rollback()
        person = find_person_by_email(email)
    return person


def person_from_provider() -> Person:
    """The callback's whole check: the provider's verified answer, then whom it signs in."""
    return person_for_claims(verified_claims())
