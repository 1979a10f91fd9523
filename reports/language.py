"""The report's language: its own catalog of words (Babel, domain "report", no Flask), and
numbers, dates and lists as that language writes them ("3,50", "11. Dezember 2026").

The words are chosen in many small functions (the summary's sentences, the charts' labels,
the template's filters). Rather than hand a language to each of them, the rendering of one
report sets it once for its own context (`writing_in`) and they read it from there: a context
variable, so two reports rendered at once by two threads each keep their own.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from gettext import NullTranslations
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations

# The languages the report is written in; the words of the English source are the catalogs'
# msgids, so English needs no catalog.
LANGUAGES = ("en", "de", "fr", "es")
DEFAULT_LANGUAGE = LANGUAGES[0]
DOMAIN = "report"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
# British English writes the day first ("11 December 2026"), as the report always has.
_LOCALES = {"en": "en_GB"}


@dataclass(frozen=True)
class ReportLanguage:
    code: str
    locale: Locale
    translations: NullTranslations


@functools.cache
def report_language(code: str) -> ReportLanguage:
    """The language `code` (one of LANGUAGES) with its compiled catalog."""
    if code not in LANGUAGES:
        raise ValueError(f"the report has no language {code!r}; supported: {', '.join(LANGUAGES)}")
    locale = Locale.parse(_LOCALES.get(code, code))
    if code == DEFAULT_LANGUAGE:
        return ReportLanguage(code, locale, NullTranslations())
    compiled = TRANSLATIONS_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.is_file():
        # Babel would quietly fall back to English: a report in the wrong language.
        raise FileNotFoundError(
            f"{compiled} is missing: compile the report's catalogs (make translations)"
        )
    return ReportLanguage(
        code, locale, Translations.load(TRANSLATIONS_DIR, locales=[code], domain=DOMAIN)
    )


_current: ContextVar[ReportLanguage | None] = ContextVar("report_language", default=None)


def current() -> ReportLanguage:
    """The language of the report being rendered: English outside `writing_in`."""
    return _current.get() or report_language(DEFAULT_LANGUAGE)


@contextmanager
def writing_in(code: str) -> Iterator[ReportLanguage]:
    """Everything rendered inside speaks `code`."""
    token = _current.set(report_language(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, **variables: object) -> str:
    """The message in the current language, its %(name)s placeholders filled."""
    text = current().translations.gettext(message)
    return text % variables if variables else text


def raw_gettext(message: str) -> str:
    """The message in the current language as it stands, for Jinja's i18n extension (which
    fills the placeholders itself, escaping them)."""
    return current().translations.gettext(message)


def raw_ngettext(singular: str, plural: str, count: int) -> str:
    return current().translations.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks an English msgid kept in a constant, for gettext to translate where it is used."""
    return message


def ngettext(singular: str, plural: str, count: int, **variables: object) -> str:
    """The singular or plural form for `count` (as %(count)s too) in the current language."""
    text = current().translations.ngettext(singular, plural, count)
    return text % {"count": count, **variables}


def number(value: float, decimals: int = 2) -> str:
    """A score as the language writes it: "3.50", "3,50"."""
    pattern = "0." + "0" * decimals if decimals else "0"
    return format_decimal(value, pattern, locale=current().locale)


def signed(value: float) -> str:
    """A difference with its sign, a true minus sign for a fall: "+0.40", "−1,25"."""
    # Rounded first: a fall too small to show reads as no fall at all, as in "%+.2f".
    rounded = round(value, 2)
    sign = "\N{MINUS SIGN}" if rounded < 0 or math.copysign(1, rounded) < 0 else "+"
    return sign + number(abs(rounded))


def day(value: date | datetime) -> str:
    """A date in words: "11 December 2026", "11. Dezember 2026", "11 de diciembre de 2026"."""
    return format_date(value, "long", locale=current().locale)


def joined(words: Sequence[str]) -> str:
    """ "A, B and C", "A, B und C", "A, B et C": a list as a sentence of the language."""
    return format_list(list(words), locale=current().locale)
