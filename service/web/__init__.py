"""Server-rendered pages: the rater survey, with its CSRF, rate-limit and header wiring."""

from __future__ import annotations

from flask import Flask, request

from service.api.errors import API_PREFIX
from service.extensions import csrf, limiter
from service.web import security
from service.web.formatting import long_datetime


def _protect_forms() -> None:
    # The JSON API authenticates with bearer tokens, never cookies, so it needs no CSRF
    # token; everything else is protected by default, including pages added later.
    if not request.path.startswith(API_PREFIX):
        csrf.protect(apply_exemptions=True)


def init_web(app: Flask) -> None:
    from service.web.survey import bp as survey_bp

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # Raters take breaks mid-survey: a token that expired after an hour would make the
    # next Save fail. It stays bound to the session, which ends with the browser.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Referrer-Policy: no-referrer means browsers send no Referer for the strict HTTPS
    # check to compare; the token and the SameSite=Lax cookie carry the protection.
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    csrf.init_app(app)
    app.before_request(_protect_forms)
    limiter.init_app(app)
    app.session_interface = security.SessionInterface()
    app.after_request(security.add_security_headers)
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.register_blueprint(survey_bp)
