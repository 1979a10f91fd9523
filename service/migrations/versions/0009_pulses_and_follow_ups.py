"""The thank-you to a round's raters and the impact pulse (its raters, links and answers)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follow_ups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('sent_by_id', sa.String(length=36), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_follow_ups_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['people.id'], name=op.f('fk_follow_ups_sent_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_round_id'), ['round_id'], unique=False)

    op.create_table('pulses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('skill_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comment_seed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_pulses_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_pulses_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_pulses_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulses'))
    )
    with op.batch_alter_table('pulses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulses_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulses_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulses_status'), ['status'], unique=False)

    op.create_table('pulse_raters',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pulse_id', sa.String(length=36), nullable=False),
    sa.Column('rater_id', sa.String(length=36), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulses.id'], name=op.f('fk_pulse_raters_pulse_id_pulses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['raters.id'], name=op.f('fk_pulse_raters_rater_id_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_raters')),
    sa.UniqueConstraint('pulse_id', 'rater_id', name='uq_pulse_raters_rater')
    )
    with op.batch_alter_table('pulse_raters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_raters_pulse_id'), ['pulse_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_raters_rater_id'), ['rater_id'], unique=False)

    op.create_table('pulse_answers',
    sa.Column('pulse_rater_id', sa.String(length=36), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN -3 AND 3', name=op.f('ck_pulse_answers_score')),
    sa.ForeignKeyConstraint(['pulse_rater_id'], ['pulse_raters.id'], name=op.f('fk_pulse_answers_pulse_rater_id_pulse_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pulse_rater_id', 'skill_id', name=op.f('pk_pulse_answers'))
    )
    op.create_table('pulse_links',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pulse_rater_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pulse_rater_id'], ['pulse_raters.id'], name=op.f('fk_pulse_links_pulse_rater_id_pulse_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pulse_links_token_hash'))
    )
    with op.batch_alter_table('pulse_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_links_pulse_rater_id'), ['pulse_rater_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pulse_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_links_pulse_rater_id'))

    op.drop_table('pulse_links')
    op.drop_table('pulse_answers')
    with op.batch_alter_table('pulse_raters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_raters_rater_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_raters_pulse_id'))

    op.drop_table('pulse_raters')
    with op.batch_alter_table('pulses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulses_status'))
        batch_op.drop_index(batch_op.f('ix_pulses_round_id'))
        batch_op.drop_index(batch_op.f('ix_pulses_deadline'))

    op.drop_table('pulses')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_round_id'))

    op.drop_table('follow_ups')
