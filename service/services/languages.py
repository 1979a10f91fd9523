"""The languages the service is written in: codes as in the instrument file and in
Accept-Language. service/i18n.py decides which one a request or an email is in."""

from __future__ import annotations

from flask_babel import get_locale

LANGUAGES = ("en", "de", "fr", "es")
# The fallback of last resort: before the organisation has chosen a default, and wherever
# there is no request to ask.
DEFAULT_LANGUAGE = LANGUAGES[0]
# Each language named in itself, for the language switch and the forms' selects.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}


def unknown_language_message() -> str:
    return "must be one of " + ", ".join(LANGUAGES)


def supported(code: object) -> str | None:
    """The code if it is one of LANGUAGES, else None."""
    return code if isinstance(code, str) and code in LANGUAGES else None


def in_sentence(name: str) -> str:
    """A name such as a skill's ("Emotional intelligence") as it reads inside a sentence in
    the current language: lower case, except in German, where nouns keep their capital."""
    locale = get_locale()
    return name if locale is not None and locale.language == "de" else name.lower()
