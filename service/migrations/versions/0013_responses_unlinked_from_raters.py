"""Submitted responses unlinked from their raters; drafts stay theirs; only the day of a submission

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 07:40:00

Upgrade: each submitted rater's answers and comments become a response (service/models/
responses.py) under a random key, written in a random order, carrying the round, the
relationship and the release block (0, or 1 for one submitted after its round's results were
released: a released round counts as released once, which is all the change between rounds
needs); drafts move to draft_answers and draft_comments, still the rater's; a rater keeps the
day they submitted, not the time; a decline reason is kept with the round only.

Downgrade cannot link a response to its rater again: nothing records who gave it. It is
therefore refused while any response or decline reason exists (it would lose them, or
attach them to the wrong rater); restore the backup taken before the upgrade instead.
On an empty round set (or one with drafts only) it goes back cleanly, and a submitted
rater gets back midnight (UTC) of their day as the time they submitted.
"""
import random
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

RELATIONSHIPS = "relationship IN ('self', 'manager', 'peer', 'direct_report', 'other')"


def _response_tables():
    op.create_table('responses',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('relationship', sa.String(length=16), nullable=False),
    sa.Column('release_block', sa.Integer(), nullable=False),
    sa.CheckConstraint(RELATIONSHIPS, name=op.f('ck_responses_relationship')),
    sa.CheckConstraint('release_block >= 0', name=op.f('ck_responses_release_block')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_responses_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_responses')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_responses_round_id'), 'responses', ['round_id'], unique=False)
    op.create_table('response_answers',
    sa.Column('response_key', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 5', name=op.f('ck_response_answers_score')),
    sa.ForeignKeyConstraint(['response_key'], ['responses.key'], name=op.f('fk_response_answers_response_key_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_key', 'item_id', name=op.f('pk_response_answers')),
    sqlite_with_rowid=False,
    )
    op.create_table('response_comments',
    sa.Column('response_key', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['response_key'], ['responses.key'], name=op.f('fk_response_comments_response_key_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_key', 'key', name=op.f('pk_response_comments')),
    sqlite_with_rowid=False,
    )
    op.create_table('decline_reasons',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_decline_reasons_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_decline_reasons')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_decline_reasons_round_id'), 'decline_reasons', ['round_id'], unique=False)


def _rater_tables(prefix):
    """The tables keyed by rater: `answers` and `comments` before, drafts after."""
    answers, comments = f'{prefix}answers', f'{prefix}comments'
    op.create_table(answers,
    sa.Column('rater_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 5', name=op.f(f'ck_{answers}_score')),
    sa.ForeignKeyConstraint(['rater_id'], ['raters.id'], name=op.f(f'fk_{answers}_rater_id_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rater_id', 'item_id', name=op.f(f'pk_{answers}'))
    )
    op.create_table(comments,
    sa.Column('rater_id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rater_id'], ['raters.id'], name=op.f(f'fk_{comments}_rater_id_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rater_id', 'key', name=op.f(f'pk_{comments}'))
    )


def _copy_rater_rows(source, target, statuses):
    for table, columns in (('answers', 'rater_id, item_id, score'), ('comments', 'rater_id, key, text')):
        op.execute(
            f"INSERT INTO {target}{table} ({columns}) SELECT {columns.replace('rater_id', 's.rater_id')} "
            f"FROM {source}{table} s JOIN raters r ON r.id = s.rater_id "
            f"WHERE r.response_status IN ({', '.join(repr(s) for s in statuses)})"
        )


def upgrade():
    bind = op.get_bind()
    shuffler = random.SystemRandom()
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.add_column(sa.Column('releases', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE rounds SET releases = 1 WHERE results_released_at IS NOT NULL")
    _response_tables()
    _rater_tables('draft_')
    _copy_rater_rows('', 'draft_', ('pending', 'draft'))

    submitted = bind.execute(sa.text(
        "SELECT r.id, r.round_id, r.relationship, CASE WHEN o.results_released_at IS NOT NULL"
        " AND r.submitted_at > o.results_released_at THEN 1 ELSE 0 END"
        " FROM raters r JOIN rounds o ON o.id = r.round_id WHERE r.response_status = 'submitted'"
    )).all()
    shuffler.shuffle(submitted)
    # Which key each rater's response got: a table of this transaction only, dropped below.
    keys = sa.table('rater_response_keys', sa.column('rater_id'), sa.column('response_key'))
    op.create_table('rater_response_keys',
    sa.Column('rater_id', sa.String(length=36), primary_key=True),
    sa.Column('response_key', sa.String(length=32), nullable=False),
    )
    pairs = [(row[0], secrets.token_hex(16), row) for row in submitted]
    if pairs:
        responses = sa.table('responses', sa.column('key'), sa.column('round_id'),
                             sa.column('relationship'), sa.column('release_block'))
        bind.execute(responses.insert(), [
            {'key': key, 'round_id': row[1], 'relationship': row[2], 'release_block': row[3]}
            for _, key, row in pairs
        ])
        bind.execute(keys.insert(), [{'rater_id': rater, 'response_key': key} for rater, key, _ in pairs])
    # Written in key order, a random one, not in the raters' order.
    op.execute(
        "INSERT INTO response_answers (response_key, item_id, score) SELECT k.response_key,"
        " a.item_id, a.score FROM answers a JOIN rater_response_keys k ON k.rater_id = a.rater_id"
        " ORDER BY k.response_key, a.item_id"
    )
    op.execute(
        "INSERT INTO response_comments (response_key, key, text) SELECT k.response_key, c.key,"
        " c.text FROM comments c JOIN rater_response_keys k ON k.rater_id = c.rater_id"
        " ORDER BY k.response_key, c.key"
    )
    op.drop_table('rater_response_keys')
    op.drop_table('comments')
    op.drop_table('answers')

    reasons = bind.execute(sa.text(
        "SELECT round_id, decline_reason FROM raters WHERE decline_reason IS NOT NULL"
    )).all()
    shuffler.shuffle(reasons)
    if reasons:
        table = sa.table('decline_reasons', sa.column('key'), sa.column('round_id'), sa.column('text'))
        bind.execute(table.insert(), [
            {'key': secrets.token_hex(16), 'round_id': round_id, 'text': text}
            for round_id, text in reasons
        ])

    with op.batch_alter_table('raters') as batch_op:
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
    # The day in UTC, the day every list of this service filters by.
    op.execute(
        "UPDATE raters SET submitted_on = CAST(submitted_at AT TIME ZONE 'UTC' AS DATE)"
        if bind.dialect.name == 'postgresql'
        else "UPDATE raters SET submitted_on = date(submitted_at)"
    )
    with op.batch_alter_table('raters') as batch_op:
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('submitted_at')


def downgrade():
    bind = op.get_bind()
    held = bind.execute(sa.text(
        "SELECT (SELECT count(*) FROM responses) + (SELECT count(*) FROM decline_reasons)"
    )).scalar()
    if held:
        raise RuntimeError(
            f"refusing to downgrade below 0013: {held} submitted responses and decline reasons"
            " are kept unlinked from their raters and cannot be linked back; restore the"
            " backup taken before the upgrade instead"
        )
    with op.batch_alter_table('raters') as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=True))
    op.execute(
        "UPDATE raters SET submitted_at = CAST(submitted_on AS TIMESTAMP) AT TIME ZONE 'UTC'"
        if bind.dialect.name == 'postgresql'
        else "UPDATE raters SET submitted_at = datetime(submitted_on)"
    )
    with op.batch_alter_table('raters') as batch_op:
        batch_op.drop_column('submitted_on')
    _rater_tables('')
    _copy_rater_rows('draft_', '', ('pending', 'draft', 'submitted', 'declined'))
    op.drop_table('draft_comments')
    op.drop_table('draft_answers')
    op.drop_index(op.f('ix_decline_reasons_round_id'), table_name='decline_reasons')
    op.drop_table('decline_reasons')
    op.drop_table('response_comments')
    op.drop_table('response_answers')
    op.drop_index(op.f('ix_responses_round_id'), table_name='responses')
    op.drop_table('responses')
    with op.batch_alter_table('rounds') as batch_op:
        batch_op.drop_column('releases')
