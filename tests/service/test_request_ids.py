"""X-Request-ID: echoed when plain, replaced when not, generated when absent; written on the
request's JSON log line and carried into the job the request queued and its log line."""

from __future__ import annotations

import json
import logging

import pytest

from service.logging_setup import JOB_LOGGER, REQUEST_LOGGER, JsonFormatter
from tests.conftest import in_days

PLAIN_ID = "req-2024.05_ab"


def json_lines(caplog, logger: str) -> list[dict]:
    """The records of `logger` as the app's JSON log lines."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


def test_a_plain_request_id_is_echoed(client):
    answer = client.get("/healthz", headers={"X-Request-ID": PLAIN_ID})
    assert answer.headers["X-Request-ID"] == PLAIN_ID


@pytest.mark.parametrize(
    "sent", ["x" * 65, "has space", "semi;colon", "tab\there", "ümlaut", "a/b", ""]
)
def test_a_request_id_that_is_not_plain_is_replaced(client, sent):
    answer = client.get("/healthz", headers={"X-Request-ID": sent})
    given = answer.headers["X-Request-ID"]
    assert given != sent
    assert len(given) == 32 and all(c in "0123456789abcdef" for c in given)


def test_the_longest_plain_id_is_kept(client):
    longest = "a" * 64
    assert (
        client.get("/healthz", headers={"X-Request-ID": longest}).headers["X-Request-ID"] == longest
    )


def test_each_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first != second


def test_the_request_line_is_json_with_the_id_and_no_body_or_secrets(api, caplog):
    person_id, token = api.person("hr")
    caplog.set_level(logging.INFO)
    caplog.clear()
    api.person("member", email="maya@example.org")
    answer = api.call(
        "POST",
        "/api/v1/rounds",
        token,
        json={
            "deadline": in_days(14),
            "subject_email": "maya@example.org",
            "raters": [{"name": "Body Only", "email": "body@example.org", "relationship": "peer"}],
        },
        headers={"X-Request-ID": PLAIN_ID, "Cookie": "session=cookie-secret"},
    )
    assert answer.status_code == 201
    [line] = json_lines(caplog, REQUEST_LOGGER)
    assert line["request_id"] == PLAIN_ID
    assert line["method"] == "POST" and line["path"] == "/api/v1/rounds"
    assert line["status"] == 201 and line["user"] == person_id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    written = caplog.text + json.dumps(line)
    assert token not in written and "cookie-secret" not in written
    assert "Body Only" not in written and "body@example.org" not in written  # no body


def test_a_rater_is_logged_as_rater(api, caplog):
    _, hr = api.person("hr")
    api.person("member", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org")
    tokens = api.launch(hr, created["id"])
    caplog.set_level(logging.INFO)
    caplog.clear()
    survey_token = next(iter(tokens.values()))
    api.survey(survey_token)
    [line] = json_lines(caplog, REQUEST_LOGGER)
    assert line["user"] == "rater"
    assert survey_token not in caplog.text


def test_the_job_a_request_queued_carries_its_id(api, caplog, app):
    _, hr = api.person("hr")
    api.person("member", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org")
    caplog.set_level(logging.INFO)
    caplog.clear()
    answer = api.call(
        "POST", f"/api/v1/rounds/{created['id']}/launch", hr, headers={"X-Request-ID": PLAIN_ID}
    )
    assert answer.status_code == 200
    jobs = json_lines(caplog, JOB_LOGGER)
    # Launching queues one message with every invitation (split by the task into one task
    # per email): four raters and Maya's self-assessment, so the fan-out and five email runs.
    assert [job["kind"] for job in jobs].count("run_job_task") == 5
    assert {job["kind"] for job in jobs} == {"fan_out_jobs_task", "run_job_task"}
    assert all(job["request_id"] == PLAIN_ID for job in jobs), jobs
    assert all(job["status"] == "done" for job in jobs)
    assert all(isinstance(job["duration_ms"], float) for job in jobs)
    [request_line] = json_lines(caplog, REQUEST_LOGGER)
    assert request_line["request_id"] == PLAIN_ID


def test_a_job_queued_for_a_worker_carries_the_id_in_its_task(app, api):
    """Queued rather than run at once: the id travels in the serialised task and comes back
    off it before the task's function runs."""
    from service.jobs import huey
    from service.request_ids import REQUEST_ID_KWARG

    _, hr = api.person("hr")
    api.person("member", email="maya@example.org")
    created = api.create_round(hr, subject_email="maya@example.org")
    huey.immediate = False  # a private memory queue; the next test's set-up restores it
    api.call(
        "POST", f"/api/v1/rounds/{created['id']}/launch", hr, headers={"X-Request-ID": PLAIN_ID}
    )
    queued = [huey.deserialize_task(message) for message in huey.storage.enqueued_items()]
    assert queued, "launching queued nothing"
    assert all(task.kwargs[REQUEST_ID_KWARG] == PLAIN_ID for task in queued)
