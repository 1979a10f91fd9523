"""Every link in the README and docs/ leads somewhere: a file of this repository and, for a
`#anchor` into a Markdown file, one of its headings. The documents must stand alone, so a
relative link may not leave the repository either; links to other sites are not checked."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target) and ![alt](target), with an optional "title" after the target.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"  # the text, which may hold one level of brackets
    r"\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"""<a\s[^>]*(?:id|name)\s*=\s*["']([^"']+)["']""")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _prose_lines(text: str):
    """(line number, line) of the lines outside fenced code blocks."""
    fenced = None
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence:
            if fenced is None:
                fenced = fence.group(1)
            elif fence.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            yield number, line


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every Markdown link and image in the text."""
    found = []
    for number, line in _prose_lines(text):
        line = INLINE_CODE.sub("", line)  # a link shown as code is an example, not a link
        found += [(number, match.group(1)) for match in INLINE_LINK.finditer(line)]
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            found.append((number, definition.group(1)))
    return found


def slug(heading: str) -> str:
    """The anchor a heading gets where Markdown is usually read: lower case, punctuation
    dropped (hyphens and underscores kept), spaces turned into hyphens."""
    text = INLINE_CODE.sub(lambda match: match.group(0).strip("`"), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text stays
    text = re.sub(r"<[^>]+>", "", text).lower()
    kept = "".join(
        character
        for character in text
        if character in " -_" or unicodedata.category(character)[0] in "LN"
    )
    return kept.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a Markdown text offers: its headings' slugs (a repeated heading gets
    -1, -2 …) and explicit <a id=…> anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in _prose_lines(text):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def broken_links(document: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with each relative link of the document, as 'line N: target: why'."""
    text = document.read_text(encoding="utf-8")
    problems = []
    for number, target in links(text):
        if SCHEME.match(target) or target.startswith("//"):
            continue  # another site, or mailto: — outside what this test can vouch for
        parts = urlsplit(target)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        destination = (document.parent / path).resolve() if path else document
        if root.resolve() not in (destination, *destination.parents):
            problems.append(f"line {number}: {target}: leads outside the repository")
        elif not destination.exists():
            problems.append(f"line {number}: {target}: no such file")
        elif (
            fragment
            and destination.suffix == ".md"
            and fragment not in anchors(destination.read_text(encoding="utf-8"))
        ):
            problems.append(f"line {number}: {target}: no heading #{fragment} there")
    return problems


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document):
    problems = broken_links(document)
    assert not problems, "\n".join(problems)


def test_the_documentation_is_linked_from_the_readme():
    readme_targets = {target for _, target in links((ROOT / "README.md").read_text())}
    unlinked = [
        path.name
        for path in sorted((ROOT / "docs").glob("*.md"))
        if f"docs/{path.name}" not in readme_targets
    ]
    assert unlinked == []


def test_the_readmes_two_commands_are_the_makefiles():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    for command in ("run", "test"):
        assert f"make {command}" in readme
        assert command in targets


# The checker itself, on documents made for the purpose.


@pytest.fixture
def repository(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "picture.png").write_bytes(b"")
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\n## The rater's survey\n\n## Step 1: `make run`\n\n## Notes\n\n## Notes\n"
    )
    return tmp_path


def _problems(repository: Path, text: str) -> list[str]:
    readme = repository / "README.md"
    readme.write_text(text)
    return broken_links(readme, root=repository)


@pytest.mark.parametrize(
    "text",
    [
        "See [the guide](docs/guide.md) and ![a picture](docs/picture.png).",
        "[a heading](docs/guide.md#the-raters-survey)",
        "[code in a heading](docs/guide.md#step-1-make-run)",
        "[the second of two](docs/guide.md#notes-1)",
        "[this page](#a-title)\n\n# A title\n",
        "[another site](https://example.com/missing) and [mail](mailto:hr@example.com)",
        "[reference]: docs/guide.md",
        "```\n[inside a code block](docs/missing.md)\n```",
        "An example: `[shown as code](docs/missing.md)`.",
    ],
)
def test_the_checker_accepts_links_that_resolve(repository, text):
    assert _problems(repository, text) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[gone](docs/missing.md)", "line 1: docs/missing.md: no such file"),
        ("\n![gone](docs/missing.png)", "line 2: docs/missing.png: no such file"),
        ("[x](docs/guide.md#no-such-part)", "line 1: docs/guide.md#no-such-part: no heading"),
        ("[x](docs/guide.md#notes-2)", "line 1: docs/guide.md#notes-2: no heading"),
        ("[x](#nowhere)", "line 1: #nowhere: no heading"),
        ("[reference]: docs/missing.md", "line 1: docs/missing.md: no such file"),
        ("[x](../outside.md)", "line 1: ../outside.md: leads outside the repository"),
    ],
)
def test_the_checker_reports_a_link_that_leads_nowhere(repository, text, problem):
    (problems,) = _problems(repository, text)
    assert problems.startswith(problem)
