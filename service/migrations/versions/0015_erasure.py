"""Erasure: a round outlives the person who created it; the audit log lets an erasure blank
personal fields, and nothing else

A round's creator may be erased while the round, about someone else, stays: created_by_id
becomes nullable (SET NULL).

The audit log stays append-only (no DELETE; migration 0004), with one kind of UPDATE let
through: one that keeps an entry's id, time, action and round and only blanks personal
fields — actor_id to NULL, actor_label, subject_label and detail to the placeholder
ERASED, data to NULL. That is what erasing a person does (service/services/privacy/
erasure.py); any other change is refused by the database as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit log is append-only"
# The same words as service.models.audit.ERASED; copied, so this migration never changes.
ERASED = "an erased person"


def _only_blanked(same: str) -> str:
    """The condition of an UPDATE that only blanks personal fields; `same` is the dialect's
    null-safe equality ('IS' on SQLite, 'IS NOT DISTINCT FROM' on PostgreSQL)."""
    data_same = (
        f"NEW.data::text {same} OLD.data::text"
        if same != "IS"
        else f"NEW.data {same} OLD.data"
    )
    return (
        f"NEW.id = OLD.id AND NEW.at {same} OLD.at AND NEW.action {same} OLD.action "
        f"AND NEW.round_id {same} OLD.round_id "
        f"AND (NEW.actor_id {same} OLD.actor_id OR NEW.actor_id IS NULL) "
        f"AND (NEW.actor_label {same} OLD.actor_label OR NEW.actor_label = '{ERASED}') "
        f"AND (NEW.subject_label {same} OLD.subject_label OR NEW.subject_label = '{ERASED}') "
        f"AND (NEW.detail {same} OLD.detail OR NEW.detail = '{ERASED}') "
        f"AND ({data_same} OR NEW.data IS NULL)"
    )


def _postgresql_function(condition: str | None) -> None:
    allowed = (
        "" if condition is None
        else f"IF TG_OP = 'UPDATE' AND {condition} THEN RETURN NEW; END IF; "
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {allowed}RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
    )


def _sqlite_update_trigger(condition: str | None) -> None:
    op.execute("DROP TRIGGER audit_events_no_update")
    when = "" if condition is None else f"WHEN NOT ({condition}) "
    op.execute(
        f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events {when}"
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
    )


def _audit_rule(condition_for) -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_function(condition_for("IS NOT DISTINCT FROM"))
    else:
        _sqlite_update_trigger(condition_for("IS"))


def upgrade():
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.drop_constraint(op.f('fk_rounds_created_by_id_people'), type_='foreignkey')
        batch_op.alter_column('created_by_id', existing_type=sa.String(length=36), nullable=True)
        batch_op.create_foreign_key(
            op.f('fk_rounds_created_by_id_people'), 'people', ['created_by_id'], ['id'],
            ondelete='SET NULL',
        )
    _audit_rule(_only_blanked)


def downgrade():
    _audit_rule(lambda same: None)
    # A round whose creator was erased keeps no creator; its subject is named instead.
    op.execute("UPDATE rounds SET created_by_id = subject_id WHERE created_by_id IS NULL")
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.drop_constraint(op.f('fk_rounds_created_by_id_people'), type_='foreignkey')
        batch_op.alter_column('created_by_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_foreign_key(
            op.f('fk_rounds_created_by_id_people'), 'people', ['created_by_id'], ['id']
        )
