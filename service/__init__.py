"""feedback360's web service: create_app wires settings, database, error handling, API,
pages, jobs and commands."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from service.config import load_settings
from service.extensions import db, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on each connection.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    # WAL lets raters' pages read while another rater's submission is being written.
    dbapi_connection.execute("PRAGMA journal_mode = WAL")
    dbapi_connection.execute("PRAGMA busy_timeout = 10000")
    # A deleted row's bytes are overwritten, not left in a free page: a submitted draft
    # (still keyed by its rater) must not be readable from the file afterwards.
    dbapi_connection.execute("PRAGMA secure_delete = ON")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides the settings read from the environment."""
    # Imported here, not at the top: the models, migrations and the worker import this
    # package, and should not pull in every blueprint, the API and the commands with it.
    from service import commands
    from service.api import init_api
    from service.check_command import check
    from service.health import init_health
    from service.http_errors import init_errors
    from service.i18n import init_i18n
    from service.jobs import init_jobs
    from service.logging_setup import init_logging
    from service.metrics import init_metrics
    from service.request_ids import init_request_ids
    from service.web import init_web

    config = config or {}
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    environ = {**os.environ, **{k: str(config[k]) for k in ("INSTANCE_PATH",) if k in config}}
    settings = load_settings(app.instance_path, environ, testing=bool(config.get("TESTING")))
    app.instance_path = settings["INSTANCE_PATH"]
    app.config.update(settings)
    app.config.update(config)
    app.json.sort_keys = False

    # The request's id and clock first: every later hook may log or time the request.
    init_request_ids(app)
    init_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    init_i18n(app)
    init_errors(app)
    init_health(app)
    init_metrics(app)
    init_api(app)
    init_web(app)
    init_jobs(app)
    commands.register(app)
    app.cli.add_command(check)
    return app
