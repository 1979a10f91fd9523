"""The organisation's settings HR changes on the settings page (one row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from reports.anonymity import THRESHOLD_RANGE
from reports.heatmap import MIN_MEMBERS_RANGE
from service.extensions import db
from service.models.types import UTCDateTime, between, utcnow

SETTINGS_ROW = 1
# Retention is off, or this many days: a month at least, so a round can still be reopened
# for late answers; ten years at most.
RETENTION_DAYS = range(30, 3651)


class OrgSettings(db.Model):
    """Absent until HR first saves the settings page; until then the environment's
    defaults apply (DEFAULT_ANONYMITY_THRESHOLD, SUBJECT_SEES_REPORT, REMINDER_DAYS)."""

    __tablename__ = "org_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            between("anonymity_threshold", THRESHOLD_RANGE), name="anonymity_threshold"
        ),
        CheckConstraint(
            between("heatmap_min_members", MIN_MEMBERS_RANGE), name="heatmap_min_members"
        ),
        CheckConstraint(
            "retention_days IS NULL OR " + between("retention_days", RETENTION_DAYS),
            name="retention_days",
        ),
    )

    id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, default=SETTINGS_ROW
    )
    anonymity_threshold: Mapped[int] = mapped_column(SmallInteger)
    subject_sees_report: Mapped[bool] = mapped_column(Boolean)
    # Days before the deadline, comma-separated, e.g. "3,1"; empty: no scheduled reminders.
    reminder_days: Mapped[str] = mapped_column(String(100))
    # The language of raters' emails and pages until a rater's own is known.
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # The team heatmap shows a cell only when at least this many people contribute to it.
    heatmap_min_members: Mapped[int] = mapped_column(SmallInteger, default=3, server_default="3")
    # Raw answers and comments are deleted this many days after a round closes; None: kept.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[str | None] = mapped_column(String(36))
