"""`feedback360 check`: 0 on a sound set-up, each part on its own line; 1 naming Chromium
and its fix when BROWSER_PATH points nowhere."""

from __future__ import annotations

import pytest

from reports import kaleido_server
from service.services.browser import forget_browser_checks


@pytest.fixture(autouse=True)
def _fresh_browser():
    forget_browser_checks()
    yield
    forget_browser_checks()
    kaleido_server.stop()


def test_a_sound_set_up_passes_every_check(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok   chromium",
        "ok   pdf",
        "ok   database",
        "ok   queue",
    ]
    assert "drew a chart" in lines[0]
    assert "Inter" in lines[1]


def test_a_missing_chromium_fails_naming_it_and_the_fix(runner, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    kaleido_server.stop()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    [chromium] = [line for line in result.output.splitlines() if "chromium:" in line]
    assert chromium == (
        "FAIL chromium: Chromium was not found at /nonexistent/chromium — "
        "Install Debian's chromium package or set BROWSER_PATH"
    )
    # The other parts are still checked and reported.
    assert "ok   database" in result.output and "ok   pdf" in result.output
