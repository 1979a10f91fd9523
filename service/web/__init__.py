"""Server-rendered pages: the rater survey and the signed-in pages, with their CSRF,
rate-limit and header wiring."""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for

from service.extensions import csrf, limiter
from service.http_errors import API_PREFIX
from service.web import security
from service.web.auth import signed_in_person
from service.web.time_zone import date_element, time_element, zone_phrase


def _protect_forms() -> None:
    # The JSON API authenticates with bearer tokens, never cookies, so it needs no CSRF
    # token; everything else is protected by default, including pages added later.
    if not request.path.startswith(API_PREFIX):
        csrf.protect(apply_exemptions=True)


# Blueprints whose pages show people's names, answers or reports: no cache may keep them.
PRIVATE_PAGES = {
    "survey",
    "account",
    "rounds",
    "plans",
    "notes",
    "hr",
    "admin",
    "pulse",
    "history",
    "campaigns",
    "team",
}


def _never_store_private_pages(response):
    if request.blueprint in PRIVATE_PAGES:
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_nul_in_forms() -> None:
    # No browser sends NUL in a form, and PostgreSQL cannot store it in text: the form is
    # malformed, not input to validate. (The API's schemas refuse it with a 422.)
    if request.blueprint in PRIVATE_PAGES and any(
        "\x00" in value for _, value in request.form.items(multi=True)
    ):
        abort(400)


def home():
    person = signed_in_person()
    if person is None:
        return redirect(url_for("account.sign_in"), code=303)
    return redirect(url_for("hr.dashboard" if person.is_hr else "rounds.my_rounds"), code=303)


def init_web(app: Flask) -> None:
    # Imported here: each blueprint imports modules of this package (service.web.formatting,
    # service.web.auth, ...), which would run this file and import the blueprints back.
    from service.web.account import bp as account_bp
    from service.web.admin import bp as admin_bp
    from service.web.assets import bp as assets_bp
    from service.web.campaigns import bp as campaigns_bp
    from service.web.history import bp as history_bp
    from service.web.hr import bp as hr_bp
    from service.web.insights import bp as insights_bp
    from service.web.notes import bp as notes_bp
    from service.web.plans import bp as plans_bp
    from service.web.pulse import bp as pulse_bp
    from service.web.rounds import bp as rounds_bp
    from service.web.survey import bp as survey_bp
    from service.web.team import bp as team_bp

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
    app.before_request(_refuse_nul_in_forms)
    limiter.init_app(app)
    app.session_interface = security.SessionInterface()
    app.after_request(security.add_security_headers)
    app.after_request(_never_store_private_pages)
    # Every date-time a page shows, in the viewer's zone and one format; days likewise.
    app.jinja_env.filters["long_datetime"] = time_element
    app.jinja_env.filters["long_date"] = date_element
    app.jinja_env.globals["zone_phrase"] = zone_phrase
    app.jinja_env.globals["signed_in_person"] = signed_in_person
    app.add_url_rule("/", "home", home)
    blueprints = (
        survey_bp,
        pulse_bp,
        account_bp,
        rounds_bp,
        plans_bp,
        notes_bp,
        history_bp,
        hr_bp,
        admin_bp,
        assets_bp,
        campaigns_bp,
        team_bp,
        insights_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
