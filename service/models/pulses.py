"""After the report: the thank-you to a round's raters and the impact pulse, a short follow-up
survey on the person's focus skills."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.responses import WITHOUT_ROWID, new_response_key
from service.models.rounds import Rater, Round
from service.models.types import UTCDateTime, new_id, utcnow
from surveys.relationships import RELATIONSHIPS

PULSE_STATUSES = ("open", "closed")


class FollowUp(db.Model):
    """A thank-you emailed to every rater of a round besides the person, whoever answered."""

    __tablename__ = "follow_ups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept until every email is composed from it: the emails are sent by the worker.
    message: Mapped[str] = mapped_column(Text)


class Pulse(db.Model):
    """A pulse on a closed round: its focus skills (fixed when it starts) and its deadline."""

    __tablename__ = "pulses"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in PULSE_STATUSES)})", name="status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    skill_ids: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Fixes the order in which the comments are shuffled, so every rendering agrees.
    comment_seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The results, frozen at the close like a round's: a rater removed later changes nothing.
    results: Mapped[dict | None] = mapped_column(JSON)

    round: Mapped[Round] = orm.relationship()
    raters: Mapped[list[PulseRater]] = orm.relationship(
        back_populates="pulse", cascade="all, delete-orphan", passive_deletes=True
    )


class PulseRater(db.Model):
    """One of the round's raters asked in a pulse, and whether they answered (their answer
    is a PulseResponse, which does not say whose it is)."""

    __tablename__ = "pulse_raters"
    __table_args__ = (UniqueConstraint("pulse_id", "rater_id", name="uq_pulse_raters_rater"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pulse_id: Mapped[str] = mapped_column(ForeignKey("pulses.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[str] = mapped_column(ForeignKey("raters.id", ondelete="CASCADE"), index=True)
    # Only the day (UTC), as for a round's raters (service/models/responses.py).
    submitted_on: Mapped[date | None] = mapped_column(Date)

    pulse: Mapped[Pulse] = orm.relationship(back_populates="raters")
    rater: Mapped[Rater] = orm.relationship()


class PulseLink(db.Model):
    """A pulse link sent to a rater: only its digest is kept."""

    __tablename__ = "pulse_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pulse_rater_id: Mapped[str] = mapped_column(
        ForeignKey("pulse_raters.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pulse_rater: Mapped[PulseRater] = orm.relationship()


class PulseResponse(db.Model):
    """One rater's answer to a pulse, without the rater: written under a random key with the
    relationship the groups need, like a round's responses (service/models/responses.py)."""

    __tablename__ = "pulse_responses"
    __table_args__ = (
        CheckConstraint(
            f"relationship IN ({', '.join(repr(r) for r in RELATIONSHIPS)})", name="relationship"
        ),
        WITHOUT_ROWID,
    )

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_key)
    pulse_id: Mapped[str] = mapped_column(ForeignKey("pulses.id", ondelete="CASCADE"), index=True)
    relationship: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)

    answers: Mapped[list[PulseResponseAnswer]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class PulseResponseAnswer(db.Model):
    """One skill's change as a rater saw it, -3 to +3; NULL is "not observed"."""

    __tablename__ = "pulse_response_answers"
    __table_args__ = (
        CheckConstraint("score IS NULL OR score BETWEEN -3 AND 3", name="score"),
        WITHOUT_ROWID,
    )

    response_key: Mapped[str] = mapped_column(
        ForeignKey("pulse_responses.key", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)
