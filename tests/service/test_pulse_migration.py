"""Migration 0009 (follow-ups and pulses): it builds exactly the models' tables, and comes off
again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service import create_app
from service.extensions import db

TABLES = {"follow_ups", "pulses", "pulse_raters", "pulse_links", "pulse_answers"}


def test_0009_builds_what_the_models_describe_and_comes_off(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pulses.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        downgrade(revision="0008")
        assert TABLES & set(inspect(db.engine).get_table_names()) == set()
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        db.session.remove()
        db.engine.dispose()
