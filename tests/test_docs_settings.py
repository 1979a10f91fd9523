"""Every environment variable the app's settings are read from has its row in the settings
table of docs/operations.md. The variables are those `load_settings` actually asks its
environment for, recorded by handing it a mapping that notes every name looked up."""

from __future__ import annotations

import re
from pathlib import Path

from service.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ROOT / "docs" / "operations.md"
CODE_SPAN = re.compile(r"`([A-Z][A-Z0-9_]*)`")


class RecordingEnviron(dict):
    """A plain mapping of environment variables that remembers every name asked for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.asked.add(key)
        return super().__contains__(key)


def variables_read(tmp_path: Path) -> set[str]:
    """The names `load_settings` looks up, with nothing set and with an external database,
    a secret key and single sign-on set (the branches those open)."""
    embedded = RecordingEnviron()
    load_settings(str(tmp_path / "embedded"), embedded, testing=True)
    external = RecordingEnviron(
        DATABASE_URL=f"sqlite:///{tmp_path / 'external.sqlite3'}",
        SECRET_KEY="x" * 64,
        OIDC_ISSUER="https://login.example.org/realms/staff",
        OIDC_CLIENT_ID="feedback360",
        OIDC_CLIENT_SECRET="secret",
    )
    load_settings(str(tmp_path / "external"), external)
    return embedded.asked | external.asked


def documented_variables(text: str) -> set[str]:
    """The variables named in the first column of the table under `## Settings`."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names |= set(CODE_SPAN.findall(first_cell))
    return names


def test_the_settings_table_parser_reads_each_row():
    table = "\n## Settings\n\n| Variable | Default |\n|---|---|\n| `A_B` / `C` | `D` |\n"
    assert documented_variables(table) == {"A_B", "C"}


def test_every_variable_the_settings_are_read_from_has_a_row_in_the_operations_guide(
    tmp_path,
):
    read = variables_read(tmp_path)
    assert {"DATABASE_URL", "SECRET_KEY", "REMINDER_DAYS"} <= read  # the recording works
    missing = read - documented_variables(OPERATIONS.read_text(encoding="utf-8"))
    assert not missing, f"not in the settings table of docs/operations.md: {sorted(missing)}"
