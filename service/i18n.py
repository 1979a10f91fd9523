"""The languages the service speaks: which one a request is answered in, and in which one
a rater's emails are written.

The rater's side is worded in every language of LANGUAGES (pages, the survey API's
messages, the emails to raters), and so is the person's (their rounds, plans, notes,
history, account and the sign-in pages: PERSON_BLUEPRINTS). Pages whose words are not yet
marked for translation join TRANSLATED_ENDPOINTS (or their blueprints
TRANSLATED_BLUEPRINTS) once they are; until then they are answered in English, so that
`<html lang>` says what the page is in.

Which language, in order:
1. a rater's page or API call: the rater's language (set by whoever named them, or by
   their browser at their first visit, then stored);
2. the signed-in person's language: their own choice (the account page, PATCH
   /api/v1/me), else the organisation's default, as their emails are (their browser does
   not decide: the pages and the emails of one person speak one language);
3. for anyone not signed in (the sign-in pages), the best match of the browser's
   Accept-Language among LANGUAGES;
4. the organisation's default language (HR's settings page).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db
from service.services.languages import DEFAULT_LANGUAGE, LANGUAGES, in_sentence, supported
from service.services.settings import current_settings

# The routes whose every word is translated: the rater's. A request no route matched (the
# 404 page) is answered in the browser's language too.
TRANSLATED_ENDPOINTS = frozenset(
    {
        "survey.open_link",
        "survey.survey_page",
        "survey.save_or_submit",
        "survey.autosave",
        "survey.decline",
        "survey.change_language",
        "pulse.open_link",
        "pulse.pulse_page",
        "pulse.submit_pulse",
        # The person's side of the pulse (its report speaks the report's language).
        "pulse.thank_raters",
        "pulse.start_pulse",
        "pulse.close_pulse",
    }
)
# The person's pages, every word translated: the account and sign-in pages, their rounds,
# plans, notes and history.
PERSON_BLUEPRINTS = frozenset({"account", "rounds", "plans", "notes", "history"})
# The rater's API: the survey and the pulse, answered with the rater's token.
TRANSLATED_BLUEPRINTS = frozenset(
    {"api_survey", "api_pulse", "hr", "campaigns", "admin", "team", "insights", *PERSON_BLUEPRINTS}
)
_CHOSEN = "language"  # the request's language once a rater decided it (flask.g)

babel = Babel()


def organisation_language() -> str:
    """HR's default language; English when it cannot be read (error pages render while the
    database is down)."""
    try:
        return current_settings().default_language
    except SQLAlchemyError:
        db.session.rollback()
        return DEFAULT_LANGUAGE


def browser_language() -> str | None:
    """The browser's most wanted language among ours, or None when it asks for none."""
    if not has_request_context():
        return None
    return request.accept_languages.best_match(LANGUAGES)


def visitor_language() -> str:
    """Steps 2 to 4: for anyone who is not (yet) a known rater."""
    person = g.get("person")
    if person is not None:
        return supported(person.language) or organisation_language()
    return browser_language() or organisation_language()


def _speaks_languages() -> bool:
    return request.endpoint in TRANSLATED_ENDPOINTS or request.blueprint in TRANSLATED_BLUEPRINTS


def _select_locale() -> str | None:
    if not has_request_context():
        return None  # Flask-Babel's default: English
    chosen = g.get(_CHOSEN)
    if chosen:
        return chosen
    if request.endpoint is None:
        # No route (the 404 page): an error page looks nothing up, so the browser decides.
        return browser_language() or DEFAULT_LANGUAGE
    return visitor_language() if _speaks_languages() else DEFAULT_LANGUAGE


def use_language(code: str) -> None:
    """Answer this request in `code` (one of LANGUAGES)."""
    g.pop("_flask_babel", None)  # forget a locale looked up before the rater was known
    setattr(g, _CHOSEN, code)


def rater_language(rater) -> str:
    """The rater's language: theirs when set; else their browser's, stored on them from
    this first visit; else the organisation's, for now (not stored: a later visit from a
    browser that asks for one of ours still decides)."""
    if supported(rater.language):
        return rater.language
    chosen = browser_language()
    if chosen is None:
        return organisation_language()
    rater.language = chosen
    db.session.commit()
    return chosen


def set_rater_language(rater, code: str) -> None:
    """The rater chose `code` (the survey page's switch): theirs from now on, this request
    included."""
    rater.language = code
    db.session.commit()
    use_language(code)


def use_rater_language(rater) -> str:
    """Answer this request in the rater's language (see rater_language)."""
    code = rater_language(rater)
    use_language(code)
    return code


def emailed_language(rater) -> str:
    """The language of an email to a rater: theirs, else the organisation's (no browser has
    spoken yet, or none asked for one of ours)."""
    return supported(rater.language) or organisation_language()


@contextmanager
def writing_in(code: str) -> Iterator[None]:
    """Render an email (or anything else) in `code`, whatever the request speaks."""
    with force_locale(code):
        yield


def in_current_language(instrument):
    """The instrument worded in the language being written, when it has that language
    (ids and order are the same in every language)."""
    code = current_language()
    return instrument.in_language(code) if code in instrument.languages else instrument


def current_language() -> str:
    """The code of the language this request (or writing_in block) is answered in."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=_select_locale)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["in_sentence"] = in_sentence
    # A translated block's line breaks and indentation are the template's, not the text's.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
