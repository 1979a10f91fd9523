"""Development plans after a round (focus skills, check-ins, a manager's comments) and private
notes about people in one's network

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=False),
    sa.Column('about', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_notes_author_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_follow_up_on'), ['follow_up_on'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('shared_with_manager', sa.Boolean(), nullable=False),
    sa.Column('checkin_every_days', sa.SmallInteger(), nullable=False),
    sa.Column('reminders_paused', sa.Boolean(), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('checkin_every_days IN (7, 14, 30)', name=op.f('ck_plans_checkin_every_days')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_plans_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('round_id', name=op.f('uq_plans_round_id'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_next_reminder_at'), ['next_reminder_at'], unique=False)

    op.create_table('plan_checkins',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=True),
    sa.Column('progress', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('progress IS NULL OR progress BETWEEN 0 AND 100', name=op.f('ck_plan_checkins_progress')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_checkins_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_checkins'))
    )
    with op.batch_alter_table('plan_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_checkins_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_plan_comments_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_comments_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_comments'))
    )
    with op.batch_alter_table('plan_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_comments_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_focus',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('success_measure', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('exercises', sa.JSON(), nullable=False),
    sa.Column('support_name', sa.String(length=200), nullable=True),
    sa.Column('support_email', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_focus_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_focus')),
    sa.UniqueConstraint('plan_id', 'skill_id', name='uq_plan_focus_skill')
    )
    with op.batch_alter_table('plan_focus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_focus_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_focus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_focus_plan_id'))

    op.drop_table('plan_focus')
    with op.batch_alter_table('plan_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_comments_plan_id'))

    op.drop_table('plan_comments')
    with op.batch_alter_table('plan_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_checkins_plan_id'))

    op.drop_table('plan_checkins')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_next_reminder_at'))

    op.drop_table('plans')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_notes_author_id'))

    op.drop_table('notes')
