"""Each closed round's published all-others score per skill, beside its results document

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:30:00

The organisation norms read these few numbers of thousands of rounds at every close instead
of every results document, and find each person's latest round from the index
ix_rounds_norms alone. Upgrade copies them from the documents already stored; downgrade
drops the table (the documents still hold every number).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ROUNDS = sa.table('rounds', sa.column('id', sa.String), sa.column('results', sa.JSON))


def upgrade():
    scores = op.create_table('published_skill_scores',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('others', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_published_skill_scores_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'skill_id', name=op.f('pk_published_skill_scores')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_rounds_norms', 'rounds', ['instrument_id', 'instrument_version', 'status', 'subject_id', 'closed_at', 'id'], unique=False)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(ROUNDS.c.id, ROUNDS.c.results).where(ROUNDS.c.results.is_not(None))
    )
    batch = []
    for round_id, results in rows:
        # The value the document publishes, where it publishes one (absent when suppressed).
        batch.extend(
            {'round_id': round_id, 'skill_id': skill['id'], 'others': skill['scores']['others']}
            for skill in results['skills']
            if 'others' in skill['scores']
        )
        if len(batch) >= 5000:
            op.bulk_insert(scores, batch)
            batch = []
    if batch:
        op.bulk_insert(scores, batch)


def downgrade():
    op.drop_index('ix_rounds_norms', table_name='rounds')
    op.drop_table('published_skill_scores')
