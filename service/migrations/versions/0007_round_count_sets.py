"""Rounds: the sets their response counts are shown in, fixed at launch, so that adding a
rater never splits a set

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: SQLite needs no table rebuild for it, so no constraint is touched.
    # Rounds launched before this release keep forming their sets from today's invitations.
    op.add_column('rounds', sa.Column('count_sets', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('count_sets')
