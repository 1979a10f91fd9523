"""Languages: each rater's (nullable: their browser decides at the first visit) and the
organisation's default

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('raters') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('org_settings') as batch_op:
        batch_op.add_column(
            sa.Column('default_language', sa.String(length=8), nullable=False, server_default='en')
        )


def downgrade():
    with op.batch_alter_table('org_settings') as batch_op:
        batch_op.drop_column('default_language')
    with op.batch_alter_table('raters') as batch_op:
        batch_op.drop_column('language')
