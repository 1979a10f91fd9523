"""An index that gives the organisation norms the published scores per skill and value in
order

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_published_skill_scores_norms', 'published_skill_scores', ['skill_id', 'others', 'round_id'], unique=False)


def downgrade():
    op.drop_index('ix_published_skill_scores_norms', table_name='published_skill_scores')
