"""The translation catalogs: every marked word translated in every language, nothing fuzzy,
nothing marked in the code that the catalogs lack, and every catalog compiles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CompileCatalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from service.services.languages import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "service" / "translations"
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
# What `pybabel extract -F babel.cfg -k lazy_gettext` takes (see babel.cfg).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def read_mapping() -> list[tuple[str, str]]:
    """babel.cfg's sections as (pattern, method), as `pybabel extract` reads them."""
    sections = re.findall(r"^\[(\w+): ([^\]]+)\]", (ROOT / "babel.cfg").read_text(), re.M)
    return [(pattern, method) for method, pattern in sections]


def extracted() -> set[str | tuple[str, str]]:
    """Every msgid the code marks, extracted as `pybabel extract` does."""
    options = {pattern: {"trimmed": "true"} for pattern, method in read_mapping()}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map=read_mapping(), options_map=options, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def test_the_extraction_finds_the_raters_words():
    words = extracted()
    # A template's block, a Python message and an email's subject line.
    assert "Save and finish later" in words
    assert "some answers are missing or invalid" in words
    assert "%(subject_name)s would value your feedback" in words
    assert len(words) > 150


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_word_is_in_the_catalog_translated_and_not_fuzzy(language):
    po = catalog(language)
    ids = {message.id if isinstance(message.id, str) else tuple(message.id) for message in po}
    missing = extracted() - ids
    assert not missing, f"pybabel extract finds words {language} lacks: {sorted(map(str, missing))}"
    for message in po:
        if not message.id:
            continue
        assert not message.fuzzy, f"{language}: fuzzy translation of {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: no translation of {message.id!r}"
        # Each placeholder of the English is in the translation, and no other.
        english = message.id if isinstance(message.id, str) else message.id[-1]
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(english)), (
                language,
                message.id,
            )
            assert set(PLACEHOLDER.findall(text)) >= set(PLACEHOLDER.findall(english)) - {
                "%(count)s"
            }, (language, message.id)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalog_keeps_words_the_code_no_longer_has(language):
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog(language) if m.id}
    assert not ids - extracted()


def test_every_catalog_compiles(tmp_path):
    """What `make` and the Dockerfile run (`pybabel compile -d service/translations`), into
    a directory of its own: a catalog that does not compile fails here, not on a server."""
    for language in TRANSLATED:
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(
            (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").read_bytes()
        )
    command = CompileCatalog()
    command.initialize_options()
    command.directory = str(tmp_path)
    command.statistics = False
    command.finalize_options()
    assert command.run() == 0
    for language in TRANSLATED:
        with open(tmp_path / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
            compiled = read_mo(mo)
        assert (
            compiled.get("Save and finish later").string
            == {
                "de": "Speichern und später fertigstellen",
                "fr": "Enregistrer et terminer plus tard",
                "es": "Guardar y terminar más tarde",
            }[language]
        )
