"""The translation catalogs, the service's (messages) and the report's own (report): every
marked word translated in every language, nothing fuzzy, nothing marked in the code that the
catalogs lack, and every catalog compiles."""

from __future__ import annotations

import functools
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CompileCatalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from reports import language as report_language
from service.services.languages import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@dataclass(frozen=True)
class Domain:
    """One catalog: where its .po files are, and how `pybabel extract` finds its words."""

    name: str
    translations: Path
    mapping: Path  # the extract configuration (-F)
    # What `pybabel extract` takes: its defaults and the -k additions.
    keywords: dict = field(compare=False)

    def po(self, language: str) -> Path:
        return self.translations / language / "LC_MESSAGES" / f"{self.name}.po"


GETTEXT = {"_": None, "gettext": None, "ngettext": (1, 2)}
# `pybabel extract -F babel.cfg -k lazy_gettext` (see babel.cfg); and for the report's
# catalog `pybabel extract -F reports/babel.cfg -k N_` (see reports/babel.cfg).
MESSAGES = Domain(
    "messages",
    ROOT / "service" / "translations",
    ROOT / "babel.cfg",
    GETTEXT | {"lazy_gettext": None},
)
REPORT = Domain(
    report_language.DOMAIN,
    report_language.TRANSLATIONS_DIR,
    ROOT / "reports" / "babel.cfg",
    GETTEXT | {"N_": None},
)
DOMAINS = [MESSAGES, REPORT]
BY_DOMAIN = pytest.mark.parametrize("domain", DOMAINS, ids=lambda domain: domain.name)


def read_mapping(domain: Domain = MESSAGES) -> list[tuple[str, str]]:
    """The extract configuration's sections as (pattern, method), as `pybabel extract` reads
    them."""
    sections = re.findall(r"^\[(\w+): ([^\]]+)\]", domain.mapping.read_text(), re.M)
    return [(pattern, method) for method, pattern in sections]


def read_options(domain: Domain) -> dict[str, dict[str, str]]:
    """Each section's options (trimmed = true ...), by pattern."""
    options: dict[str, dict[str, str]] = {}
    pattern = None
    for line in domain.mapping.read_text().splitlines():
        if section := re.match(r"^\[\w+: ([^\]]+)\]", line):
            pattern = section[1]
            options[pattern] = {}
        elif pattern and (option := re.match(r"^(\w+) = (.+)$", line)):
            options[pattern][option[1]] = option[2]
    return options


@functools.cache
def extracted(domain: Domain = MESSAGES) -> frozenset[str | tuple[str, str]]:
    """Every msgid the code marks, extracted as `pybabel extract` does."""
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT),
        method_map=read_mapping(domain),
        options_map=read_options(domain),
        keywords=domain.keywords,
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return frozenset(found)


def catalog(language: str, domain: Domain = MESSAGES):
    with open(domain.po(language), "rb") as po:
        return read_po(po, locale=language)


def test_the_extraction_finds_the_raters_words():
    words = extracted()
    # A template's block, a Python message and an email's subject line.
    assert "Save and finish later" in words
    assert "some answers are missing or invalid" in words
    assert "%(subject_name)s would value your feedback" in words
    assert len(words) > 150


def test_the_extraction_finds_the_reports_words():
    words = extracted(REPORT)
    # A template's block, a sentence built in Python and a constant marked with N_().
    assert "Development plan" in words
    assert "Others see your greatest strengths in %(skills)s." in words
    assert "not shown to protect anonymity" in words
    assert len(words) > 150
    # The report's words stay out of the service's catalog, and the other way round.
    assert "Save and finish later" not in words
    assert "Others see your greatest strengths in %(skills)s." not in extracted()


@BY_DOMAIN
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_word_is_in_the_catalog_translated_and_not_fuzzy(domain, language):
    po = catalog(language, domain)
    ids = {message.id if isinstance(message.id, str) else tuple(message.id) for message in po}
    missing = extracted(domain) - ids
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


@BY_DOMAIN
@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalog_keeps_words_the_code_no_longer_has(domain, language):
    ids = {
        m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog(language, domain) if m.id
    }
    assert not ids - extracted(domain)


# One word per catalog, as each language's compiled catalog must give it.
COMPILED = {
    "messages": (
        "Save and finish later",
        {
            "de": "Speichern und später fertigstellen",
            "fr": "Enregistrer et terminer plus tard",
            "es": "Guardar y terminar más tarde",
        },
    ),
    "report": (
        "Development plan",
        {"de": "Entwicklungsplan", "fr": "Plan de développement", "es": "Plan de desarrollo"},
    ),
}


@BY_DOMAIN
def test_every_catalog_compiles(tmp_path, domain):
    """What `make` and the Dockerfile run (`pybabel compile -d service/translations`, and
    `-D report -d reports/translations`), into a directory of its own: a catalog that does
    not compile fails here, not on a server."""
    for language in TRANSLATED:
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / f"{domain.name}.po").write_bytes(domain.po(language).read_bytes())
    command = CompileCatalog()
    command.initialize_options()
    command.directory = str(tmp_path)
    command.domain = domain.name
    command.statistics = False
    command.finalize_options()
    assert command.run() == 0
    word, translations = COMPILED[domain.name]
    for language in TRANSLATED:
        with open(tmp_path / language / "LC_MESSAGES" / f"{domain.name}.mo", "rb") as mo:
            compiled = read_mo(mo)
        assert compiled.get(word).string == translations[language]


# What a header keeps when nobody filled it in: Babel's and gettext's placeholders.
PLACEHOLDERS = ("PROJECT", "VERSION", "ORGANIZATION", "FIRST AUTHOR", "FULL NAME", "EMAIL@ADDRESS")
PER_CATALOG = ("YEAR-MO-DA", "LL@li.org")  # a template's, filled in by each language's catalog
CATALOGS = [domain.po(language) for domain in DOMAINS for language in TRANSLATED]


def header_of(text: str) -> str:
    """The comment and msgid "" entry before a catalog's first real entry."""
    return text.split("\n\n", 1)[0]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_catalogs_header_is_filled_in(path):
    header = header_of(path.read_text(encoding="utf-8"))
    left = [word for word in (*PLACEHOLDERS, *PER_CATALOG) if word in header]
    assert not left, f"{path.relative_to(ROOT)} still has {left} in its header"


def test_make_messages_writes_a_template_with_a_filled_in_header(tmp_path):
    """`make messages`'s extract command, with its own options, run over an empty folder:
    the header is the same whatever the words are."""
    make = shutil.which("make")
    assert make, "make is not installed"
    dry_run = subprocess.run(
        [make, "-s", "-n", "messages"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    extract = next(line for line in dry_run.stdout.splitlines() if " extract " in line)
    arguments = shlex.split(extract)[1:]
    assert arguments[0] == "extract" and arguments[-3:] == ["-o", "messages.pot", "."]
    template = tmp_path / "messages.pot"
    arguments[-2:] = [str(template), str(tmp_path)]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *arguments],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    header = header_of(template.read_text(encoding="utf-8"))
    left = [word for word in PLACEHOLDERS if word in header]
    assert not left, f"`make messages` leaves {left} in the template's header:\n{header}"
    version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert f'"Project-Id-Version: feedback360 {version.group(1)}\\n"' in header
