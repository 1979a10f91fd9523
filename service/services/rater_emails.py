"""What the emails to raters need to be written in the rater's language: the language
itself, a block that writes in it, and the words the templates take from the code."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from babel.lists import format_list
from flask_babel import force_locale

from service.services.languages import in_sentence, supported
from service.services.relationship_words import invited_as  # noqa: F401 (notifications' name)
from service.services.settings import current_settings
from surveys.instrument import Instrument


def emailed_language(rater) -> str:
    """A rater's emails are in their language; before anyone chose one for them and before
    their browser asked for one of ours, in the organisation's default language."""
    return supported(rater.language) or current_settings().default_language


@contextmanager
def writing_to(rater) -> Iterator[str]:
    """Render an email to this rater (its words, dates and numbers) in their language."""
    language = emailed_language(rater)
    with force_locale(language):
        yield language


def skills_in_language(
    instrument: Instrument, skill_ids: Sequence[str], language: str
) -> str | None:
    """ "Empathie und Führung": the skills as a sentence in `language` says them; None for
    English or a language the instrument lacks (the English sentence is written elsewhere)."""
    if language == "en" or language not in instrument.languages:
        return None
    worded = instrument.in_language(language)
    names = [in_sentence(worded.skill(skill_id).name) for skill_id in skill_ids]
    return format_list(names, locale=language)
