"""Impact pulse answers unlinked from their raters, as a round's are (0013); only the day kept

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:30:00

Upgrade: each pulse rater's answers and comment become a pulse response under a random key,
written in a random order, with the pulse and the relationship only; the pulse rater keeps
the day they answered, not the time. Downgrade cannot give a response back to its rater, so
it is refused while any pulse response exists; restore the backup taken before the upgrade.
"""
import random
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

RELATIONSHIPS = "relationship IN ('self', 'manager', 'peer', 'direct_report', 'other')"


def upgrade():
    bind = op.get_bind()
    op.create_table('pulse_responses',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('pulse_id', sa.String(length=36), nullable=False),
    sa.Column('relationship', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint(RELATIONSHIPS, name=op.f('ck_pulse_responses_relationship')),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulses.id'], name=op.f('fk_pulse_responses_pulse_id_pulses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pulse_responses')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_pulse_responses_pulse_id'), 'pulse_responses', ['pulse_id'], unique=False)
    op.create_table('pulse_response_answers',
    sa.Column('response_key', sa.String(length=32), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN -3 AND 3', name=op.f('ck_pulse_response_answers_score')),
    sa.ForeignKeyConstraint(['response_key'], ['pulse_responses.key'], name=op.f('fk_pulse_response_answers_response_key_pulse_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_key', 'skill_id', name=op.f('pk_pulse_response_answers')),
    sqlite_with_rowid=False,
    )

    submitted = bind.execute(sa.text(
        "SELECT p.id, p.pulse_id, r.relationship, p.comment FROM pulse_raters p"
        " JOIN raters r ON r.id = p.rater_id WHERE p.submitted_at IS NOT NULL"
    )).all()
    random.SystemRandom().shuffle(submitted)
    # Which key each pulse rater's response got: a table of this transaction only.
    op.create_table('pulse_rater_response_keys',
    sa.Column('pulse_rater_id', sa.String(length=36), primary_key=True),
    sa.Column('response_key', sa.String(length=32), nullable=False),
    )
    keyed = [(row, secrets.token_hex(16)) for row in submitted]
    if keyed:
        responses = sa.table('pulse_responses', sa.column('key'), sa.column('pulse_id'),
                             sa.column('relationship'), sa.column('comment'))
        bind.execute(responses.insert(), [
            {'key': key, 'pulse_id': row[1], 'relationship': row[2], 'comment': row[3]}
            for row, key in keyed
        ])
        keys = sa.table('pulse_rater_response_keys', sa.column('pulse_rater_id'), sa.column('response_key'))
        bind.execute(keys.insert(), [{'pulse_rater_id': row[0], 'response_key': key} for row, key in keyed])
    op.execute(
        "INSERT INTO pulse_response_answers (response_key, skill_id, score) SELECT"
        " k.response_key, a.skill_id, a.score FROM pulse_answers a JOIN pulse_rater_response_keys k"
        " ON k.pulse_rater_id = a.pulse_rater_id ORDER BY k.response_key, a.skill_id"
    )
    op.drop_table('pulse_rater_response_keys')
    op.drop_table('pulse_answers')

    with op.batch_alter_table('pulse_raters') as batch_op:
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE pulse_raters SET submitted_on = CAST(submitted_at AT TIME ZONE 'UTC' AS DATE)"
        if bind.dialect.name == 'postgresql'
        else "UPDATE pulse_raters SET submitted_on = date(submitted_at)"
    )
    with op.batch_alter_table('pulse_raters') as batch_op:
        batch_op.drop_column('comment')
        batch_op.drop_column('submitted_at')


def downgrade():
    bind = op.get_bind()
    held = bind.execute(sa.text("SELECT count(*) FROM pulse_responses")).scalar()
    if held:
        raise RuntimeError(
            f"refusing to downgrade below 0017: {held} pulse responses are kept unlinked from"
            " their raters and cannot be linked back; restore the backup taken before the"
            " upgrade instead"
        )
    with op.batch_alter_table('pulse_raters') as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))
    op.execute(
        "UPDATE pulse_raters SET submitted_at = CAST(submitted_on AS TIMESTAMP) AT TIME ZONE 'UTC'"
        if bind.dialect.name == 'postgresql'
        else "UPDATE pulse_raters SET submitted_at = datetime(submitted_on)"
    )
    with op.batch_alter_table('pulse_raters') as batch_op:
        batch_op.drop_column('submitted_on')
    op.create_table('pulse_answers',
    sa.Column('pulse_rater_id', sa.String(length=36), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN -3 AND 3', name=op.f('ck_pulse_answers_score')),
    sa.ForeignKeyConstraint(['pulse_rater_id'], ['pulse_raters.id'], name=op.f('fk_pulse_answers_pulse_rater_id_pulse_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pulse_rater_id', 'skill_id', name=op.f('pk_pulse_answers'))
    )
    op.drop_table('pulse_response_answers')
    op.drop_index(op.f('ix_pulse_responses_pulse_id'), table_name='pulse_responses')
    op.drop_table('pulse_responses')
