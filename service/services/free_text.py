"""Rules for the free text people write for themselves: goals, check-ins, comments, notes."""

from __future__ import annotations

import unicodedata

# Line breaks and tabs belong in a paragraph; other control characters have no business there.
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def text_problem(text: str, max_length: int) -> str | None:
    """Why this text cannot be stored, or None; the text is taken as it will be stored."""
    if not text.strip():
        return "must not be empty"
    if len(text) > max_length:
        return f"must be at most {max_length:,} characters"
    if any(
        unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS
        for character in text
    ):
        return "must not contain control characters"
    return None
