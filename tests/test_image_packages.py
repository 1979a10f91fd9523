"""The Docker image installs every runtime system package the Makefile installs for `make run`,
so a report drawn in the image looks like one drawn from a checkout (its font, its charts)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In SYSTEM_PACKAGES for the test suite only, never needed by the running service:
TEST_ONLY = {
    "poppler-utils",  # pdftotext and pdffonts read the PDFs the report tests make
    "qpdf",  # checks that those PDFs are well formed
}


def _logical_lines(text: str) -> list[str]:
    """Lines with their backslash continuations joined, as make and the Dockerfile read them."""
    return re.sub(r"\\\n", " ", text).splitlines()


def makefile_system_packages() -> set[str]:
    for line in _logical_lines((ROOT / "Makefile").read_text()):
        if match := re.match(r"SYSTEM_PACKAGES\s*:?=\s*(.*)", line):
            return set(match.group(1).split())
    raise AssertionError("the Makefile sets no SYSTEM_PACKAGES")


def _stages(text: str) -> list[list[str]]:
    """The Dockerfile's instructions, one list per stage (FROM starts one)."""
    stages: list[list[str]] = []
    for line in _logical_lines(text):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def apt_installed(instructions: list[str]) -> set[str]:
    """The packages of every `apt-get install` in these RUN instructions (options dropped)."""
    packages: set[str] = set()
    for instruction in instructions:
        if not instruction.upper().startswith("RUN "):
            continue
        for command in re.split(r"&&|;", instruction[4:]):
            words = shlex.split(command)
            if words[:2] == ["apt-get", "install"]:
                packages |= {word for word in words[2:] if not word.startswith("-")}
    return packages


def test_the_parsers_read_what_the_files_say():
    # A stage's packages, continuations joined, options and other commands left out.
    dockerfile = (
        "ARG BASE_IMAGE=x\nFROM ${BASE_IMAGE} AS build\nRUN pip wheel .\n"
        "FROM ${BASE_IMAGE}\n# a comment\nRUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n        fonts-inter chromium \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    build, runtime = _stages(dockerfile)
    assert apt_installed(build) == set()
    assert apt_installed(runtime) == {"fonts-inter", "chromium"}
    assert {"chromium", "fonts-inter", "qpdf"} <= makefile_system_packages()


def test_the_image_installs_every_runtime_package_of_the_makefile():
    runtime = _stages((ROOT / "Dockerfile").read_text())[-1]
    wanted = makefile_system_packages() - TEST_ONLY
    missing = wanted - apt_installed(runtime)
    assert not missing, f"the Dockerfile's runtime stage does not install {sorted(missing)}"
    # Each exclusion is still a package of the Makefile (else it is stale here).
    assert makefile_system_packages() >= TEST_ONLY


def test_the_base_image_is_a_build_argument():
    text = (ROOT / "Dockerfile").read_text()
    assert text.splitlines()[0].startswith("#")
    first_instruction = next(
        line for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    assert first_instruction == "ARG BASE_IMAGE=python:3.11-slim-bookworm"
    froms = [line for line in text.splitlines() if line.upper().startswith("FROM ")]
    assert froms and all(line.split()[1] == "${BASE_IMAGE}" for line in froms)
