"""feedback360's web service: create_app wires settings, database, API and commands."""

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
def _sqlite_enforces_foreign_keys(dbapi_connection, _record):
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on each connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides the settings read from the environment."""
    from service import cli
    from service.api import init_api

    config = config or {}
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    environ = {**os.environ, **{k: str(config[k]) for k in ("INSTANCE_PATH",) if k in config}}
    settings = load_settings(app.instance_path, environ, testing=bool(config.get("TESTING")))
    app.instance_path = settings["INSTANCE_PATH"]
    app.config.update(settings)
    app.config.update(config)
    app.json.sort_keys = False

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    init_api(app)
    cli.register(app)
    return app
