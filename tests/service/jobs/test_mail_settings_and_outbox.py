"""SMTP_URL parsing, the mail settings, and the outbox folder HR reads without a mail server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from service import create_app
from service.config import ConfigurationError, load_settings
from service.jobs import housekeeping_due, init_jobs
from service.mail.transport import MailConfigError, parse_smtp_url
from tests.service.jobs.conftest import launch_round


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "plain", None, None)),
        ("smtp://u:p@127.0.0.1:2525", ("127.0.0.1", 2525, "plain", "u", "p")),
        (
            "smtp+starttls://me%40x.org:s%3Acret@mx:587",
            ("mx", 587, "starttls", "me@x.org", "s:cret"),
        ),
        ("smtp+starttls://mx", ("mx", 587, "starttls", None, None)),
        ("smtps://u:p@mx", ("mx", 465, "tls", "u", "p")),
    ],
)
def test_smtp_url_gives_host_port_security_and_credentials(url, expected):
    target = parse_smtp_url(url)
    assert (target.host, target.port, target.security, target.username, target.password) == (
        expected
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mx", "must start with"),
        ("smtp://", "names no host"),
        ("smtp://mx:port", "invalid port"),
    ],
)
def test_a_bad_smtp_url_says_why(url, message):
    with pytest.raises(MailConfigError, match=message):
        parse_smtp_url(url)


def test_mail_and_queue_settings_have_embedded_defaults(tmp_path):
    settings = load_settings(str(tmp_path), {}, testing=True)
    assert settings["SMTP_URL"] == "" and settings["REDIS_URL"] == ""
    assert settings["MAIL_FROM"] == "feedback360 <feedback360@localhost>"
    assert settings["REMINDER_DAYS"] == (3, 1)
    assert settings["HOUSEKEEPING_MINUTES"] == 5
    assert settings["JOBS_IMMEDIATE"] is False
    custom = load_settings(
        str(tmp_path), {"REMINDER_DAYS": "1, 7", "SMTP_URL": "smtps://mx"}, testing=True
    )
    assert custom["REMINDER_DAYS"] == (7, 1) and custom["SMTP_URL"] == "smtps://mx"
    assert load_settings(str(tmp_path), {"REMINDER_DAYS": ""}, testing=True)["REMINDER_DAYS"] == ()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SMTP_URL", "smtp+ssl://mx", "SMTP_URL must start with"),
        ("REMINDER_DAYS", "three", "REMINDER_DAYS must be whole numbers"),
        ("REMINDER_DAYS", "0", "between 1 and 60"),
        ("HOUSEKEEPING_MINUTES", "0", "HOUSEKEEPING_MINUTES must be between"),
    ],
)
def test_bad_mail_and_queue_settings_are_refused_at_start(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(str(tmp_path), {name: value}, testing=True)


def test_without_smtp_the_emails_land_in_the_outbox_that_hr_reads(app, api, people, tmp_path):
    hr, maya = people
    app.config["INSTANCE_PATH"], instance = str(tmp_path), app.config["INSTANCE_PATH"]
    try:
        launch_round(api, hr)
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 8
        listed = api.call("GET", "/api/v1/outbox", hr)
        assert listed.status_code == 200
        messages = listed.get_json()["messages"]
        assert len(messages) == 8
        first = messages[0]
        assert set(first) == {"id", "to", "subject", "date", "text"}
        assert "http://feedback360.test/s/" in first["text"]
        assert api.call("GET", "/api/v1/outbox", maya).status_code == 403
        assert api.call("GET", "/api/v1/outbox").status_code == 401
    finally:
        app.config["INSTANCE_PATH"] = instance


def test_an_app_with_redis_url_queues_in_redis_and_the_worker_refuses_immediate_mode(tmp_path):
    from service.jobs import huey

    queued = create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert type(huey.storage).__name__ == "RedisStorage" and not huey.immediate
    embedded = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert type(huey.storage).__name__ == "SqliteStorage"
    assert (tmp_path / "jobs.sqlite3").exists()
    immediate = create_app({"INSTANCE_PATH": str(tmp_path), "JOBS_IMMEDIATE": True})
    result = immediate.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1 and "JOBS_IMMEDIATE" in result.output
    assert queued.config["REDIS_URL"] and not embedded.config["REDIS_URL"]


def test_a_queue_taken_out_of_immediate_mode_by_hand_is_in_memory_after_a_queueing_app(
    app, tmp_path
):
    """Tests run tasks one by one by turning immediate mode off; after an app that queued in
    Redis, that must give a queue of their own in memory, never the Redis one a worker reads
    (and that their flush would empty)."""
    from service.jobs import huey

    create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    init_jobs(app)  # the test app again: jobs run at once
    huey.immediate = False
    try:
        assert type(huey.storage).__name__ == "MemoryStorage"
    finally:
        huey.immediate = True


def test_housekeeping_runs_every_housekeeping_minutes(app, monkeypatch):
    monkeypatch.setitem(app.config, "HOUSEKEEPING_MINUTES", 15)
    due = [
        minute
        for minute in range(120)
        if housekeeping_due(datetime(2026, 1, 1) + timedelta(minutes=minute))
    ]
    assert due == [0, 15, 30, 45, 60, 75, 90, 105]
