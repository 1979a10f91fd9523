"""A person's language, the heatmap's members rule, the retention of raw answers

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('org_settings') as batch_op:
        batch_op.add_column(
            sa.Column(
                'heatmap_min_members', sa.SmallInteger(), nullable=False, server_default='3'
            )
        )
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_org_settings_heatmap_min_members'), 'heatmap_min_members BETWEEN 2 AND 10'
        )
        batch_op.create_check_constraint(
            op.f('ck_org_settings_retention_days'), 'retention_days IS NULL OR retention_days BETWEEN 30 AND 3650'
        )
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.add_column(sa.Column('raw_answers_deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.drop_column('raw_answers_deleted_at')
    with op.batch_alter_table('org_settings') as batch_op:
        batch_op.drop_constraint(op.f('ck_org_settings_retention_days'), type_='check')
        batch_op.drop_constraint(op.f('ck_org_settings_heatmap_min_members'), type_='check')
        batch_op.drop_column('retention_days')
        batch_op.drop_column('heatmap_min_members')
    with op.batch_alter_table('people') as batch_op:
        batch_op.drop_column('language')
