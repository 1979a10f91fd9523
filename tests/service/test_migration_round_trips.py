"""Each migration that adds tables or columns builds exactly what the models describe, comes
off again with its downgrade, and goes back on (SQLite: its batch mode rebuilds tables, the
risky case). Migrations that move data have their own tests."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from service import create_app
from service.extensions import db

# revision: (its previous revision, the tables it adds, the columns it adds per table)
ADDED = {
    "0008": ("0007", {"plans", "plan_focus", "plan_checkins", "plan_comments", "notes"}, {}),
    # 0009's pulse_answers became pulse_responses in 0017 (test_response_migration.py).
    "0009": ("0008", {"follow_ups", "pulses", "pulse_raters", "pulse_links"}, {}),
    "0010": (
        "0009",
        {"campaigns"},
        {"rounds": {"campaign_id", "nomination_stage"}, "people": {"department"}},
    ),
    "0012": (
        "0011",
        set(),
        {
            "people": {"language"},
            "org_settings": {"heatmap_min_members", "retention_days"},
            "rounds": {"raw_answers_deleted_at"},
        },
    ),
}


def _schema() -> tuple[set[str], dict[str, set[str]]]:
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    return tables, {t: {c["name"] for c in inspector.get_columns(t)} for t in tables}


def _has(schema, tables: set[str], columns: dict[str, set[str]]) -> bool:
    present, present_columns = schema
    return tables <= present and all(cols <= present_columns[t] for t, cols in columns.items())


def _has_none(schema, tables: set[str], columns: dict[str, set[str]]) -> bool:
    present, present_columns = schema
    return not (tables & present) and all(
        not (cols & present_columns.get(t, set())) for t, cols in columns.items()
    )


@pytest.mark.parametrize("revision", sorted(ADDED))
def test_migration_builds_what_the_models_describe_and_comes_off(tmp_path, revision):
    previous, tables, columns = ADDED[revision]
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'round-trip.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        assert _has(_schema(), tables, columns)
        downgrade(revision=previous)
        assert _has_none(_schema(), tables, columns)
        upgrade()
        assert _has(_schema(), tables, columns)
        db.session.remove()
        db.engine.dispose()
