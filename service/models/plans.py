"""A person's development plan after a round: focus skills, check-ins, their manager's comments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db
from service.models.rounds import Round
from service.models.types import UTCDateTime, new_id, utcnow

# How often a person is reminded to check in, in days.
CHECKIN_INTERVALS = (7, 14, 30)


class Plan(db.Model):
    """One plan per round, the round's subject's own."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(
            f"checkin_every_days IN ({', '.join(str(days) for days in CHECKIN_INTERVALS)})",
            name="checkin_every_days",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    shared_with_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_every_days: Mapped[int] = mapped_column(SmallInteger, default=14)
    reminders_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the next check-in reminder is due; empty once the last due date has passed.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[Round] = orm.relationship()
    focus: Mapped[list[PlanFocus]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PlanFocus.position"
    )
    checkins: Mapped[list[PlanCheckin]] = orm.relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PlanCheckin.at.desc()",
    )
    comments: Mapped[list[PlanComment]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PlanComment.at"
    )


class PlanFocus(db.Model):
    """One skill the person works on: their goal, how they will know, by when, with what."""

    __tablename__ = "plan_focus"
    __table_args__ = (UniqueConstraint("plan_id", "skill_id", name="uq_plan_focus_skill"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    skill_id: Mapped[str] = mapped_column(String(64))
    goal: Mapped[str] = mapped_column(Text)
    success_measure: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    # The ids of the instrument's exercises of this skill the person chose.
    exercises: Mapped[list] = mapped_column(JSON)
    support_name: Mapped[str | None] = mapped_column(String(200))
    support_email: Mapped[str | None] = mapped_column(String(320))


class PlanCheckin(db.Model):
    """A dated note of practice: what was tried, what happened, what was learned."""

    __tablename__ = "plan_checkins"
    __table_args__ = (
        CheckConstraint("progress IS NULL OR progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    exercise_id: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[int | None] = mapped_column(SmallInteger)


class PlanComment(db.Model):
    """A comment by the manager the plan is shared with."""

    __tablename__ = "plan_comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Copied in, so the comment still reads the same if its author leaves.
    author_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)
