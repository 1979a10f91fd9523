"""`make run`, the README's first command: gunicorn as in production, links on the port served."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Made-up link tokens, shaped like real ones (43 URL-safe characters).
SURVEY_TOKEN = "madeUpSurveyToken_a1b2c3d4e5f6a7b8c9d0e1f2a3b4"
SIGN_IN_TOKEN = "madeUpSignInToken-f6e5d4c3b2a1f0e9d8c7b6a5f4e3"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_run_serves_the_demo_with_gunicorn_and_prints_links_on_its_port(tmp_path):
    port = _free_port()
    log = tmp_path / "make-run.log"
    environment = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance")}
    environment.pop("BASE_URL", None)
    with log.open("w") as output:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],  # noqa: S607
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and worker stop with it
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in") as page:
                    assert page.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError(f"nothing served on {port}:\n{log.read_text()}")
        printed = log.read_text()
        assert re.search(rf"Listening at: http://127\.0\.0\.1:{port}", printed)  # gunicorn
        links = re.findall(r"http://[\w.]+:\d+/\S*", printed)
        assert any("/sign-in/" in link for link in links) and any("/s/" in link for link in links)
        assert all(link.startswith(f"http://127.0.0.1:{port}/") for link in links), links
        _assert_link_tokens_are_not_logged(port, log)
        _assert_metrics_count_the_workers_emails(port)
    finally:
        os.killpg(make.pid, signal.SIGINT)
        try:
            make.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()


def _assert_metrics_count_the_workers_emails(port: int) -> None:
    """The demo's invitations are sent by the background worker, a process of its own: the web
    server's /metrics counts them only when both write to the same metrics folder."""
    sent = re.compile(
        r'^feedback360_emails_total\{[^}]*outcome="sent"[^}]*\} ([1-9][\d.e+]*)$', re.MULTILINE
    )
    deadline = time.monotonic() + 60
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as answer:
            text = answer.read().decode()
        if sent.search(text) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert sent.search(text), text


def _assert_link_tokens_are_not_logged(port: int, log: Path) -> None:
    """Whoever reads the access log must not be able to open a survey or sign in."""
    base = f"http://127.0.0.1:{port}"
    for path in (f"/s/{SURVEY_TOKEN}", f"/sign-in/{SIGN_IN_TOKEN}"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            # The page a sign-in link shows posts to its own address: the Referer holds it.
            connection.request("GET", path, headers={"Referer": f"{base}{path}"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 404  # no such link
        finally:
            connection.close()
    # gunicorn writes the access line once the answer is sent: wait for both lines.
    request_line = re.compile(r'"GET /(?:s|sign-in)/\S+ HTTP/1\.1" 404')
    deadline = time.monotonic() + 30
    while len(request_line.findall(log.read_text())) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    printed = log.read_text()
    assert len(request_line.findall(printed)) == 2, printed
    assert SURVEY_TOKEN not in printed and SIGN_IN_TOKEN not in printed, printed
    assert '"GET /s/[hidden] HTTP/1.1" 404 ' in printed
    assert '"GET /sign-in/[hidden] HTTP/1.1" 404 ' in printed
    assert f'"{base}/sign-in/[hidden]"' in printed  # the Referer
