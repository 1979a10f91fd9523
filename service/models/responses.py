"""Submitted responses: a round's answers and comments, kept apart from the raters who gave them.

A rater's draft is theirs (service/models/rounds.py) so they can come back to it. Submitting
moves it here, in one transaction, under a random key, with only what scoring needs: the
round, the relationship and the release block. Nothing here names, points to or shares a
value with a rater row beyond round and relationship, and the rows sort by their random key,
not by when they arrived: on SQLite the tables are WITHOUT ROWID (a table stored in its
primary key's order), so a dump lists them by key. docs/security.md says what this protects
and what it does not.
"""

from __future__ import annotations

import secrets

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text, orm
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from surveys.relationships import RELATIONSHIPS

# SQLite stores a WITHOUT ROWID table in its primary key's order; an ordinary table keeps a
# hidden rowid that grows with each insert, which would give the submission order away.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


def new_response_key() -> str:
    """128 random bits: unlike a uuid1, a ULID or a sequence, it says nothing of when."""
    return secrets.token_hex(16)


class Response(db.Model):
    """One rater's submitted response, without the rater."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(
            f"relationship IN ({', '.join(repr(r) for r in RELATIONSHIPS)})", name="relationship"
        ),
        CheckConstraint("release_block >= 0", name="release_block"),
        WITHOUT_ROWID,
    )

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_key)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    relationship: Mapped[str] = mapped_column(String(16))
    # How many times the round's results had been released when this arrived (Round.releases
    # then): the late-response rule and the change between rounds tell the responses a
    # release held from later ones by it, a count, not a time.
    release_block: Mapped[int] = mapped_column(Integer)

    answers: Mapped[list[ResponseAnswer]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    comments: Mapped[list[ResponseComment]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ResponseAnswer(db.Model):
    """One item's score in a submitted response; NULL is "don't know / not observed"."""

    __tablename__ = "response_answers"
    __table_args__ = (
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score"),
        WITHOUT_ROWID,
    )

    response_key: Mapped[str] = mapped_column(
        ForeignKey("responses.key", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)


class ResponseComment(db.Model):
    """A submitted response's free text on a skill or an open question."""

    __tablename__ = "response_comments"
    __table_args__ = (WITHOUT_ROWID,)

    response_key: Mapped[str] = mapped_column(
        ForeignKey("responses.key", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class DeclineReason(db.Model):
    """The reason a rater gave for declining, kept with the round only (shown nowhere)."""

    __tablename__ = "decline_reasons"
    __table_args__ = (WITHOUT_ROWID,)

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_key)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
