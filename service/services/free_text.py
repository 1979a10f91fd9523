"""Rules for the free text people write for themselves: goals, check-ins, comments, notes."""

from __future__ import annotations

import unicodedata

from flask_babel import format_decimal, gettext, lazy_gettext
from flask_babel.speaklater import LazyString

# Line breaks and tabs belong in a paragraph; other control characters have no business there.
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _at_most(max_length: int) -> LazyString:
    # The limit is written when the message is read, with the reader's digit grouping
    # ("5,000", "5.000", "5 000").
    return LazyString(
        lambda: gettext("must be at most %(max)s characters", max=format_decimal(max_length))
    )


def text_problem(text: str, max_length: int) -> str | None:
    """Why this text cannot be stored, or None; the text is taken as it will be stored."""
    if not text.strip():
        return lazy_gettext("must not be empty")
    if len(text) > max_length:
        return _at_most(max_length)
    if any(
        unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS
        for character in text
    ):
        return lazy_gettext("must not contain control characters")
    return None
