"""The language of the API's error messages, and the validation messages of marshmallow and
webargs (which know nothing of Flask-Babel) in that language.

A person's API call is answered in their language, else in the best match of the request's
Accept-Language, else in English: a script that asks for nothing keeps getting the English
it was written against. The rater's API (the survey, the pulse) chose the rater's language
before its handler ran (service.i18n) and keeps it. Field names, codes and the values a
message quotes stay as they are: a client matches on them.
"""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext, lazy_gettext
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db
from service.i18n import TRANSLATED_BLUEPRINTS, browser_language, use_language
from service.models import Person
from service.services.languages import DEFAULT_LANGUAGE, supported
from service.services.people import person_for_api_token

# marshmallow's, webargs' and werkzeug's English, as each writes it ({name} filled in by
# them), beside the same words marked for translation (%(name)s filled in here).
TEMPLATES = (
    ("Missing data for required field.", lazy_gettext("Missing data for required field.")),
    ("Field may not be null.", lazy_gettext("Field may not be null.")),
    ("Invalid value.", lazy_gettext("Invalid value.")),
    ("Unknown field.", lazy_gettext("Unknown field.")),
    ("Invalid input type.", lazy_gettext("Invalid input type.")),
    ("Invalid type.", lazy_gettext("Invalid type.")),
    ("Invalid JSON body.", lazy_gettext("Invalid JSON body.")),
    ("Not a valid string.", lazy_gettext("Not a valid string.")),
    ("Not a valid integer.", lazy_gettext("Not a valid integer.")),
    ("Not a valid number.", lazy_gettext("Not a valid number.")),
    ("Not a valid boolean.", lazy_gettext("Not a valid boolean.")),
    ("Not a valid datetime.", lazy_gettext("Not a valid datetime.")),
    ("Not a valid date.", lazy_gettext("Not a valid date.")),
    ("Not a valid email address.", lazy_gettext("Not a valid email address.")),
    ("Not a valid list.", lazy_gettext("Not a valid list.")),
    ("Not a valid mapping type.", lazy_gettext("Not a valid mapping type.")),
    ("Not a valid UUID.", lazy_gettext("Not a valid UUID.")),
    ("Not a valid URL.", lazy_gettext("Not a valid URL.")),
    ("Number too large.", lazy_gettext("Number too large.")),
    ("Must be one of: {choices}.", lazy_gettext("Must be one of: %(choices)s.")),
    ("Shorter than minimum length {min}.", lazy_gettext("Shorter than minimum length %(min)s.")),
    ("Longer than maximum length {max}.", lazy_gettext("Longer than maximum length %(max)s.")),
    (
        "Length must be between {min} and {max}.",
        lazy_gettext("Length must be between %(min)s and %(max)s."),
    ),
    (
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        lazy_gettext("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    ),
    ("Must be greater than or equal to {min}.", lazy_gettext("Must be at least %(min)s.")),
    ("Must be less than or equal to {max}.", lazy_gettext("Must be at most %(max)s.")),
    # Our own schemas' words (service.api.schemas).
    ("must be one of {codes}", lazy_gettext("must be one of %(codes)s")),
    ("must not contain NUL characters", lazy_gettext("must not contain NUL characters")),
    # werkzeug's, for an address or method no route answers.
    (
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again.",
        lazy_gettext(
            "The requested URL was not found on the server. If you entered the URL manually "
            "please check your spelling and try again."
        ),
    ),
    (
        "The method is not allowed for the requested URL.",
        lazy_gettext("The method is not allowed for the requested URL."),
    ),
    (
        "The data value transmitted exceeds the capacity limit.",
        lazy_gettext("The data value transmitted exceeds the capacity limit."),
    ),
)


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    # re.split alternates text and names: text, name, text, ...
    return re.compile(
        "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        + r"\Z",
        re.S,
    )


PATTERNS = [(_pattern(english), translated) for english, translated in TEMPLATES]


def caller_language(person: Person | None = None) -> str:
    """The language of this API call's answer (see the module's docstring); `person` when the
    caller is known already, else the token is looked up."""
    person = person or _token_person()
    return supported(getattr(person, "language", None)) or browser_language() or DEFAULT_LANGUAGE


def _token_person():
    """The person whose API token the request carries, if any. Looked up only when an error
    is answered; a database that cannot be read leaves the browser to decide."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return person_for_api_token(token.strip())
    except SQLAlchemyError:
        db.session.rollback()
        return None


def answer_in_callers_language(person: Person | None = None) -> None:
    """Switch this API request to its caller's language, unless it is the rater's API: the
    messages of a refusal, and those a handler writes into its answer ("5 reminders queued")."""
    if request.blueprint not in TRANSLATED_BLUEPRINTS:
        use_language(caller_language(person))


def translate_message(message):
    """One validation message in the request's language; one it does not know stays as is."""
    if not isinstance(message, str):
        return message
    for pattern, translated in PATTERNS:
        found = pattern.match(message)
        if found:
            return str(translated) % found.groupdict()
    return message


def translate_errors(errors):
    """translate_message over webargs' nested {"json": {"field": ["message"]}}."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    return translate_message(errors)


def and_more(count: int) -> str:
    return gettext("and %(count)s more (see errors)", count=count)


def invalid_input(problems: str) -> str:
    return gettext("invalid input: %(problems)s", problems=problems)
