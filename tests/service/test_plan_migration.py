"""Migration 0008 (plans and notes): it builds exactly the models' tables, and comes off again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service import create_app
from service.extensions import db

TABLES = {"plans", "plan_focus", "plan_checkins", "plan_comments", "notes"}


def test_the_migrations_build_what_the_models_describe_and_0008_comes_off(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plans.sqlite3'}",
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
        downgrade(revision="0007")
        assert TABLES & set(inspect(db.engine).get_table_names()) == set()
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        db.session.remove()
        db.engine.dispose()
