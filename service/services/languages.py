"""The languages the service is written in: codes as in the instrument file and in
Accept-Language. service/i18n.py decides which one a request or an email is in."""

from __future__ import annotations

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
