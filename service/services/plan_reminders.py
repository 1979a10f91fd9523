"""Check-in reminders for development plans: an email every N days (7, 14 or 30) until the
plan's last due date, unless the person paused them. Run by the worker's housekeeping."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.extensions import db
from service.models import Plan
from service.services.clock import now
from service.services.followup_emails import plan_reminder_wanted
from service.services.notifications import dispatch, new_job


def queue_plan_reminders() -> int:
    """Queue the reminders due now: one per plan and period (the job's key is the moment
    the period's reminder fell due), the next period starting after this moment. A worker
    that was down for several periods sends one reminder, not one for each."""
    current = now()
    due = db.session.scalars(
        select(Plan).where(
            Plan.next_reminder_at.is_not(None),
            Plan.next_reminder_at <= current,
            Plan.reminders_paused.is_(False),
        )
    ).all()
    queued = []
    for plan in due:
        if not plan_reminder_wanted(plan):
            plan.next_reminder_at = None  # past the last due date: the reminders are over
            continue
        key = f"plan_reminder:{plan.id}:{plan.next_reminder_at.isoformat()}"
        job = new_job("plan_reminder", key, plan.round_id, person_id=plan.round.subject_id)
        if job is not None:
            queued.append(job.id)
        period = timedelta(days=plan.checkin_every_days)
        while plan.next_reminder_at <= current:
            plan.next_reminder_at += period
    db.session.commit()
    dispatch(queued)
    return len(queued)
