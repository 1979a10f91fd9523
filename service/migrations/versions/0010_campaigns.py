"""Campaigns: HR's 360 cycles for many people, each round's nomination stage, people's
departments, and an index that covers the response counts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('instrument_id', sa.String(length=64), nullable=False),
    sa.Column('instrument_version', sa.String(length=16), nullable=False),
    sa.Column('anonymity_threshold', sa.SmallInteger(), nullable=False),
    sa.Column('nomination_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('manager_approval', sa.Boolean(), nullable=False),
    sa.Column('minimum_raters', sa.JSON(), nullable=False),
    sa.Column('maximum_raters', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('anonymity_threshold BETWEEN 2 AND 10', name=op.f('ck_campaigns_anonymity_threshold')),
    sa.CheckConstraint('nomination_deadline < deadline', name=op.f('ck_campaigns_deadlines_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_campaigns_created_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_nomination_deadline'), ['nomination_deadline'], unique=False)

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('nomination_stage', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('nominated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_rounds_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_rounds_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('raters', schema=None) as batch_op:
        batch_op.create_index('ix_raters_counts', ['round_id', 'relationship', 'response_status'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_department'), ['department'], unique=False)


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_department'))
        batch_op.drop_column('department')

    with op.batch_alter_table('raters', schema=None) as batch_op:
        batch_op.drop_index('ix_raters_counts')

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rounds_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rounds_campaign_id'))
        batch_op.drop_column('approved_at')
        batch_op.drop_column('nominated_at')
        batch_op.drop_column('nomination_stage')
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_nomination_deadline'))

    op.drop_table('campaigns')
