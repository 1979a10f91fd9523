"""A 360 cycle HR runs for many people at once: its rules, and the nomination stage of each
of its rounds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports.anonymity import THRESHOLD_RANGE
from service.extensions import db
from service.models.people import Person
from service.models.types import UTCDateTime, between, new_id, utcnow

# Where a campaign's draft round is before launch: its person names raters, their manager (or
# HR) approves the list, then it waits for the launch. Rounds outside campaigns have none.
NOMINATION_STAGES = ("nominating", "awaiting_approval", "approved")


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(
            between("anonymity_threshold", THRESHOLD_RANGE), name="anonymity_threshold"
        ),
        CheckConstraint("nomination_deadline < deadline", name="deadlines_in_order"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    instrument_id: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(16))
    anonymity_threshold: Mapped[int] = mapped_column(SmallInteger)
    nomination_deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    manager_approval: Mapped[bool] = mapped_column(Boolean, default=True)
    # The fewest raters each person should name per relationship, e.g. {"peer": 3}.
    minimum_raters: Mapped[dict] = mapped_column(JSON, default=dict)
    # The most raters in all (self not counted); None: no limit.
    maximum_raters: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the rounds approved by then were launched (at the nomination deadline, or by HR).
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[Person | None] = relationship()
