"""GET /metrics: the counts move with requests, submissions and emails; only loopback (not
through a proxy) or the METRICS_TOKEN bearer may read them; under gunicorn the numbers are
every worker's together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import answer_all
from tests.service.jobs.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a scrape."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client) -> dict:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.status_code
    assert answer.mimetype == "text/plain"
    return samples(answer.get_data(as_text=True))


def test_request_counts_and_latencies_move_by_endpoint_and_status(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    after = scrape(client)
    healthz = {"endpoint": "health.healthz", "method": "GET", "status": "200"}
    missing = {"endpoint": "unmatched", "method": "GET", "status": "404"}
    name = "feedback360_http_requests_total"
    assert value(after, name, **healthz) - value(before, name, **healthz) == 2
    assert value(after, name, **missing) - value(before, name, **missing) == 1
    latency = "feedback360_http_request_duration_seconds_count"
    moved = value(after, latency, endpoint="health.healthz") - value(
        before, latency, endpoint="health.healthz"
    )
    assert moved == 2


def test_rounds_emails_and_submissions_move(api, client):
    before = scrape(client)
    _, hr = api.person("hr")
    api.person("member", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org")
    assert value(scrape(client), "feedback360_rounds", status="draft") == 1
    # Five invitations (four raters and Maya's self-assessment), written to the outbox: sent.
    tokens = api.launch(hr, created["id"])
    answer_all(api, tokens["pat@example.org"], 4)
    after = scrape(client)
    assert value(after, "feedback360_rounds", status="open") == 1
    assert value(after, "feedback360_rounds", status="draft") == 0
    sent = {"kind": "invitation", "outcome": "sent"}
    assert (
        value(after, "feedback360_emails_total", **sent)
        - value(before, "feedback360_emails_total", **sent)
        == 5
    )
    # Every invitation went out: no email job is waiting, running or failed.
    for state in ("queued", "running", "failed"):
        assert value(after, "feedback360_email_jobs", kind="invitation", state=state) == 0
    assert value(after, "feedback360_survey_submissions_total", survey="round") == 1
    assert value(after, "feedback360_database_up") == 1


def test_an_email_job_waiting_for_the_worker_is_counted_as_queued(app, api, client):
    from service.jobs import huey

    _, hr = api.person("hr")
    api.person("member", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org")
    huey.immediate = False  # nobody runs the queue: the jobs wait
    api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    after = scrape(client)
    assert (
        value(after, "feedback360_email_jobs", kind="invitation", state="queued") == 5
    )  # 4 raters + self


def test_outside_callers_get_nothing_without_the_token(app, client, monkeypatch):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    # Loopback, but forwarded by a proxy for someone else.
    forwarded = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "scrape-secret")
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    wrong = {"Authorization": "Bearer not-it"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=wrong).status_code == 403
    right = {"Authorization": "Bearer scrape-secret"}
    answer = client.get("/metrics", environ_base=OUTSIDE, headers=right)
    assert answer.status_code == 200
    assert b"feedback360_http_requests_total" in answer.data


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn as `make run` starts it (two sync workers, the project's config file)."""
    port = free_port()
    metrics_folder = tmp_path / "metrics"
    metrics_folder.mkdir()
    environment = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
    }
    environment.pop("DATABASE_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "python:service.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "service.wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield port
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    log.close()


def scrape_over_http(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as answer:  # noqa: S310
        return samples(answer.read().decode())


def test_gunicorn_workers_requests_add_up_in_one_scrape(gunicorn, tmp_path):
    port = gunicorn
    base = f"http://127.0.0.1:{port}"
    healthz = {"endpoint": "health.healthz", "method": "GET", "status": "200"}
    before = value(scrape_over_http(base), "feedback360_http_requests_total", **healthz)
    # One worker (sync: one request at a time) is held reading a request that has not
    # ended, so the next requests can only be answered by the other worker.
    held = socket.create_connection(("127.0.0.1", port), timeout=30)
    held.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    time.sleep(0.5)  # let a worker accept it; the count below does not depend on which
    for _ in range(5):
        with urllib.request.urlopen(f"{base}/healthz", timeout=30) as answer:  # noqa: S310
            assert answer.status == 200
    held.sendall(b"Connection: close\r\n\r\n")
    assert b" 200 " in held.recv(1024)
    held.close()
    after = value(scrape_over_http(base), "feedback360_http_requests_total", **healthz)
    assert after - before == 5 + 1  # the five and the held one, whichever worker scrapes
    # Both workers counted: each writes its own file, named by its process id.
    writers = {path.stem.rpartition("_")[2] for path in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(writers) == 2, writers
