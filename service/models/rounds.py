"""A 360 round, its raters and their drafts (submitted responses: service/models/responses.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from reports.anonymity import THRESHOLD_RANGE
from service.extensions import db
from service.models.people import Person
from service.models.types import UTCDateTime, between, new_id, utcnow
from surveys.instrument import Instrument, load_instrument
from surveys.relationships import RELATIONSHIPS

ROUND_STATUSES = ("draft", "open", "closed")
# A rater's response: nothing yet, a saved draft, final, or declined.
RESPONSE_STATUSES = ("pending", "draft", "submitted", "declined")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(_in("status", ROUND_STATUSES), name="status"),
        CheckConstraint(
            between("anonymity_threshold", THRESHOLD_RANGE), name="anonymity_threshold"
        ),
        CheckConstraint("gap_threshold > 0", name="gap_threshold"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    # Empty once the person who created it is erased; the round, about someone else, stays.
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    instrument_id: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    anonymity_threshold: Mapped[int] = mapped_column(SmallInteger)
    # |self - others| from which a skill can be flagged as a blind spot or hidden strength.
    gap_threshold: Mapped[float] = mapped_column(Float, default=1.0, server_default="1.0")
    # Fixes the order in which comments are shuffled, so every rendering agrees.
    comment_seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The released results document, frozen at the first close (docs/scoring.md).
    results: Mapped[dict | None] = mapped_column(JSON)
    results_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many times results were released: the release block a response arrives in.
    releases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The relationships counted together in the response counts the subject sees, fixed at
    # launch (reports.response_counts.launch_partition); None before launch.
    count_sets: Mapped[list | None] = mapped_column(JSON)
    # A campaign's round: the campaign, and where its nomination is (models/campaigns.py).
    campaign_id: Mapped[str | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    nomination_stage: Mapped[str | None] = mapped_column(String(24))
    nominated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When retention deleted the raw answers and comments; the results document stays.
    raw_answers_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subject: Mapped[Person] = orm.relationship(foreign_keys=[subject_id])
    created_by: Mapped[Person | None] = orm.relationship(foreign_keys=[created_by_id])
    raters: Mapped[list[Rater]] = orm.relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="Rater.created_at",
    )

    @property
    def instrument(self) -> Instrument:
        """The instrument at the version pinned when the round was created: a later
        version of its file never changes what this round's raters answer or are scored on."""
        return load_instrument(self.instrument_id, self.instrument_version)


class Rater(db.Model):
    """Someone asked to give feedback in a round, with the state of their response.

    The `relationship` column shadows sqlalchemy.orm.relationship in this class body,
    hence `orm.relationship` throughout this module.
    """

    __tablename__ = "raters"
    __table_args__ = (
        UniqueConstraint("round_id", "email", name="uq_raters_round_email"),
        CheckConstraint(_in("relationship", RELATIONSHIPS), name="relationship"),
        CheckConstraint(_in("response_status", RESPONSE_STATUSES), name="response_status"),
        # Covers the response counts, grouped by round, relationship and status, so that a
        # campaign's thousands of rounds are counted from the index alone.
        Index("ix_raters_counts", "round_id", "relationship", "response_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    relationship: Mapped[str] = mapped_column(String(16))
    # The fate of the last email to this rater: sent, failed or bounced (HR sees it).
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_error: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[str] = mapped_column(String(16), default="pending")
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Only the day (UTC): a time of day could be matched with a response's arrival.
    submitted_on: Mapped[date | None] = mapped_column(Date)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language of their survey and emails (service/i18n.py); None until whoever named
    # them chose one or their browser asked for one of ours.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[Round] = orm.relationship(back_populates="raters")
    draft_answers: Mapped[list[DraftAnswer]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    draft_comments: Mapped[list[DraftComment]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    links: Mapped[list[SurveyLink]] = orm.relationship(
        back_populates="rater", cascade="all, delete-orphan", passive_deletes=True
    )


class SurveyLink(db.Model):
    """One survey link a rater was sent: only its digest is kept; revoking ends it.

    A rater may hold several at once (the invitation, each reminder), since a link is
    minted when its email is sent and never stored in plain.
    """

    __tablename__ = "survey_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rater_id: Mapped[str] = mapped_column(ForeignKey("raters.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rater: Mapped[Rater] = orm.relationship(back_populates="links")


class DraftAnswer(db.Model):
    """One item's score in a rater's saved draft; NULL is "don't know / not observed"."""

    __tablename__ = "draft_answers"
    __table_args__ = (CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score"),)

    rater_id: Mapped[str] = mapped_column(
        ForeignKey("raters.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)


class DraftComment(db.Model):
    """A rater's draft free text on a skill or an open question."""

    __tablename__ = "draft_comments"

    rater_id: Mapped[str] = mapped_column(
        ForeignKey("raters.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
