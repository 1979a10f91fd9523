"""Whether the parts the server leans on answer: the database (and its migration level), the
job queue, Chromium and the mail server. Each check says what is wrong and how to fix it,
and never shows a secret (a password in a URL)."""

from __future__ import annotations

import smtplib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from reports.kaleido_server import browser_path
from service.extensions import db
from service.jobs.huey_queue import QUEUE_FILE
from service.mail.transport import connect, parse_smtp_url
from service.services.browser import BROWSER_FIX, browser_problem, browser_version

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# A probe that hangs is a failure: a load balancer asks again in seconds.
PROBE_TIMEOUT_S = 3


@dataclass(frozen=True)
class Check:
    """One part's state: `detail` says what was found, `fix` what to do when it failed."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def as_dict(self) -> dict:
        answer = {"ok": self.ok, "detail": self.detail}
        if not self.ok and self.fix:
            answer["fix"] = self.fix
        return answer


def _failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


def database_url_shown() -> str:
    """The database URL without its password, for messages."""
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
        hide_password=True
    )


def migration_heads() -> set[str]:
    """The revisions the code's migrations end in."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def check_database() -> Check:
    """The database answers and is migrated to the code's latest revision."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # any driver's error: the message names the server, not secrets
        return _failed(
            "database",
            f"{database_url_shown()} does not answer ({type(error).__name__})",
            "Check DATABASE_URL and that the database server is running",
        )
    heads = migration_heads()
    if current != heads:
        found = ", ".join(sorted(current)) or "no migration"
        return _failed(
            "database",
            f"migrated to {found}, the code needs {', '.join(sorted(heads))}",
            "Run `feedback360 db upgrade`",
        )
    return Check("database", True, f"reachable, migrated to {', '.join(sorted(heads))}")


def check_queue() -> Check:
    """The job queue the workers read: Redis (REDIS_URL) or the SQLite file."""
    config = current_app.config
    if config["JOBS_IMMEDIATE"]:
        return Check("queue", True, "jobs run as they are queued (JOBS_IMMEDIATE)")
    if config["REDIS_URL"]:
        shown = url_without_password(config["REDIS_URL"])
        client = redis.Redis.from_url(
            config["REDIS_URL"],
            socket_connect_timeout=PROBE_TIMEOUT_S,
            socket_timeout=PROBE_TIMEOUT_S,
        )
        try:
            client.ping()
        except redis.RedisError as error:
            return _failed(
                "queue",
                f"Redis at {shown} does not answer ({type(error).__name__})",
                "Check REDIS_URL and that Redis is running",
            )
        finally:
            client.close()
        return Check("queue", True, f"Redis at {shown}")
    path = Path(config["INSTANCE_PATH"]) / QUEUE_FILE
    try:
        connection = sqlite3.connect(path, timeout=PROBE_TIMEOUT_S)
        try:
            connection.execute("SELECT 1")
        finally:
            connection.close()
    except sqlite3.Error as error:
        return _failed(
            "queue",
            f"the queue file {path} cannot be opened ({error})",
            "Make INSTANCE_PATH writable by the server and the worker",
        )
    return Check("queue", True, f"SQLite file {path}")


def url_without_password(url: str) -> str:
    """A Redis URL as it may be shown: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def check_browser() -> Check:
    """The Chromium reports draw their charts with starts (`--version`, cached a minute)."""
    problem = browser_problem()
    if problem:
        return _failed("chromium", problem, BROWSER_FIX)
    return Check("chromium", True, browser_version(browser_path())[0])


def check_smtp() -> Check | None:
    """The mail server answers EHLO and NOOP; None when emails go to the outbox folder."""
    url = current_app.config["SMTP_URL"]
    if not url:
        return None
    target = parse_smtp_url(url)
    where = f"{target.host}:{target.port}"
    try:
        # The same connection as a delivery makes: STARTTLS or TLS checked against
        # SMTP_CA_FILE when one is set, so a private mail server is not reported down.
        client = connect(
            target, timeout=PROBE_TIMEOUT_S, ca_file=current_app.config["SMTP_CA_FILE"]
        )
        with client:
            client.ehlo()
            code, _ = client.noop()
    except (OSError, smtplib.SMTPException) as error:
        return _failed(
            "smtp",
            f"the mail server at {where} does not answer ({type(error).__name__})",
            "Check SMTP_URL and that the mail server accepts connections from here",
        )
    if code != 250:
        return _failed(
            "smtp", f"the mail server at {where} answered NOOP with {code}", "Check SMTP_URL"
        )
    return Check("smtp", True, f"the mail server at {where} answers")


# Readiness: cheap enough to be asked every few seconds.
READINESS_CHECKS: tuple[Callable[[], Check | None], ...] = (
    check_database,
    check_queue,
    check_browser,
    check_smtp,
)


def run_checks(checks) -> list[Check]:
    """The checks that apply here, in order (SMTP only when configured)."""
    return [found for found in (check() for check in checks) if found is not None]


def readiness() -> tuple[bool, dict]:
    """Whether every part answers, and each part's state (what /readyz shows)."""
    checks = run_checks(READINESS_CHECKS)
    failing = [check.name for check in checks if not check.ok]
    document = {
        "status": "ready" if not failing else "unavailable",
        "failing": failing,
        "checks": {check.name: check.as_dict() for check in checks},
    }
    return not failing, document
