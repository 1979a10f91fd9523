"""Single sign-on: the button's redirect to the OpenID Connect provider, and its callback."""

from __future__ import annotations

from flask import abort, redirect, request, session, url_for

from service.http_errors import status_of
from service.services.absolute_urls import base_url
from service.services.errors import DomainError, Forbidden, Invalid, Unauthorized
from service.services.oidc import (
    ProviderUnavailable,
    init_oidc,
    oidc_enabled,
    person_from_provider,
    redirect_to_provider,
)
from service.services.sign_in import BY_SINGLE_SIGN_ON
from service.web.account.views import NEXT_KEY, SIGN_IN_ATTEMPTS, bp, sign_in_page
from service.web.auth import safe_next, sign_in_browser

# Outside /sign-in/, whose other paths are sign-in links that the access log masks.
CALLBACK_PATH = "/oidc/callback"
NEXT_SESSION_KEY = "oidc_next"
# Why the provider's answer did not sign anyone in, as the page's status.
REFUSALS: tuple[tuple[type[DomainError], int], ...] = (
    (Invalid, 400),  # a state that is not this browser's: forged, replayed or stale
    (Unauthorized, 401),
    (Forbidden, 403),
    (ProviderUnavailable, 503),
)


@bp.record_once
def _register_provider(state) -> None:
    init_oidc(state.app)


@bp.get("/oidc/sign-in")
@SIGN_IN_ATTEMPTS
def oidc_sign_in():
    if not oidc_enabled():
        abort(404)
    try:
        response = redirect_to_provider(base_url() + CALLBACK_PATH)
    except ProviderUnavailable as error:
        return sign_in_page(status=status_of(error), sso_error=error.message)
    session[NEXT_SESSION_KEY] = safe_next(request.args.get(NEXT_KEY))
    return response


@bp.get(CALLBACK_PATH)
@SIGN_IN_ATTEMPTS
def oidc_callback():
    if not oidc_enabled():
        abort(404)
    target = safe_next(session.pop(NEXT_SESSION_KEY, None))
    try:
        person = person_from_provider()
    except DomainError as error:
        status = next((code for kind, code in REFUSALS if isinstance(error, kind)), None)
        if status is None:
            raise
        return sign_in_page(status=status, sso_error=error.message)
    sign_in_browser(person, BY_SINGLE_SIGN_ON)
    return redirect(target or url_for("home"), code=303)
