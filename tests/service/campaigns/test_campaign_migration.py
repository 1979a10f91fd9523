"""Migration 0010 (campaigns, rounds' nomination stage, people's departments): it builds exactly
what the models describe, and comes off again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service import create_app
from service.extensions import db


def _columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_0010_builds_what_the_models_describe_and_comes_off(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'campaigns.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        assert "campaigns" in inspect(db.engine).get_table_names()
        downgrade(revision="0009")
        assert "campaigns" not in inspect(db.engine).get_table_names()
        assert "campaign_id" not in _columns("rounds")
        assert "department" not in _columns("people")
        upgrade()
        assert {"campaign_id", "nomination_stage"} <= _columns("rounds")
        db.session.remove()
        db.engine.dispose()
