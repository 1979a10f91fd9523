"""`make run`, the README's first command: gunicorn as in production, links on the port served."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    finally:
        os.killpg(make.pid, signal.SIGINT)
        try:
            make.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
