"""A bulk download: many rounds' report PDFs in one ZIP, built by a background job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.types import UTCDateTime, new_id, utcnow

EXPORT_STATUSES = ("queued", "running", "done", "failed", "expired")


class Export(db.Model):
    __tablename__ = "exports"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in EXPORT_STATUSES)})", name="status"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    requested_by_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    round_ids: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when it is queued, starts and after each report: a queued or running export that
    # has not moved for a long time lost its worker, and the housekeeping fails it.
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ZIP is deleted by the housekeeping after this moment (24 hours after it is built).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
