"""Background work whose state people may ask about: one row per email to send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.types import UTCDateTime, new_id, utcnow

JOB_KINDS = (
    "invitation",
    "reminder",
    "report_ready",
    "round_closed",
    "sign_in",
    "welcome",
    "nomination_request",
    "nomination_reminder",
    "approval_request",
    "approval_reminder",
)
JOB_STATUSES = ("queued", "retrying", "sent", "skipped", "failed", "bounced")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in JOB_STATUSES)})", name="status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(32))
    # What makes the job once-only, e.g. "reminder:<rater>:before-3d".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # Empty for the emails about a person rather than a round (sign-in link, welcome).
    round_id: Mapped[str | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )
    rater_id: Mapped[str | None] = mapped_column(
        ForeignKey("raters.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # Indexed: the housekeeping looks for the unfinished jobs among every email ever sent.
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the queue should run the job next: when it was queued (or queued again), or when
    # its retry is due. Unfinished, unclaimed and long past this, its task was lost.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    # When a worker began the attempt under way; empty between attempts. An attempt still
    # claimed long after this belongs to a worker that died.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
