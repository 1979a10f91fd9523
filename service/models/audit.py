"""The audit log: who launched, closed, viewed or downloaded what, and when (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.types import UTCDateTime, utcnow

# What an erased person's name, email and the entries' details about them become.
ERASED = "an erased person"


class AuditEvent(db.Model):
    """One recorded action. No foreign keys: the log outlives what it talks about, and the
    names are copied in so an entry still reads the same later. Database triggers refuse
    DELETE and every UPDATE but one that only blanks personal fields to ERASED or NULL,
    which erasing a person does (migrations 0004 and 0015)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_label: Mapped[str] = mapped_column(String(600))
    action: Mapped[str] = mapped_column(String(40), index=True)
    round_id: Mapped[str | None] = mapped_column(String(36), index=True)
    subject_label: Mapped[str | None] = mapped_column(String(600))
    detail: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
