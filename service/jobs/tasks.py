"""Queue tasks: they take ids, run in the app context and call service functions."""

from __future__ import annotations

import threading
from datetime import timedelta

from service.jobs.huey_queue import huey
from service.services import (
    development_reports,
    exports,
    notes,
    notifications,
    plan_reminders,
    pulses,
    rounds,
)
from service.services.campaigns import launch, nominations
from service.services.privacy import retention
from service.services.queue import BUILD_EXPORT, RENDER_REPORT, SEND_EMAIL, SEND_EMAILS

# Mail server down: try again after 5 s, 10 s, 20 s … about 40 minutes in all.
RETRIES = notifications.MAX_ATTEMPTS - 1
# The startup sweep runs again once the claims of a worker that died just before are stale.
SWEEP_AGAIN_AFTER = notifications.STALE_AFTER + timedelta(seconds=10)


@huey.task(retries=RETRIES, retry_delay=5, retry_backoff=2, context=True)
@huey.in_app_context
def run_job_task(job_id: str, task=None) -> None:
    """Send one email job; RetryLater from it makes Huey try again with backoff."""
    if task is None:  # run directly, not by the queue: no retry follows
        notifications.run_job(job_id, last_attempt=True)
        return
    # Huey waits task.retry_delay seconds before the retry (then doubles it for the next).
    retry_in = timedelta(seconds=task.retry_delay)
    notifications.run_job(job_id, last_attempt=task.retries == 0, retry_in=retry_in)


@huey.task()
def fan_out_jobs_task(job_ids: list[str]) -> None:
    """One queued task per job, so each is retried on its own."""
    for job_id in job_ids:
        run_job_task(job_id)


@huey.task(retries=3, retry_delay=30)
@huey.in_app_context
def render_report_task(round_id: str) -> None:
    development_reports.render_stored_report(round_id)


# One retry: a report that failed to render once (Chromium busy) usually renders next time.
@huey.task(retries=1, retry_delay=30)
@huey.in_app_context
def build_export_task(export_id: str) -> None:
    exports.build_export(export_id)


@huey.task()
@huey.in_app_context
def requeue_lost_jobs_task() -> None:
    notifications.requeue_lost_jobs()


# The task that queues each kind of work the services name (service.services.queue).
QUEUED_WORK = {
    SEND_EMAIL: run_job_task,
    SEND_EMAILS: fan_out_jobs_task,
    RENDER_REPORT: render_report_task,
    BUILD_EXPORT: build_export_task,
}

# Taken by the first worker thread to start and never given back: one sweep per process.
_started = threading.Lock()


@huey.on_startup()
def requeue_lost_jobs_on_start() -> None:
    """A worker (re)starting picks up the emails a dead worker had taken off the queue: those
    already presumed lost at once, those it was sending once their claim is stale."""
    if not _started.acquire(blocking=False):
        return  # another thread of this worker queued the sweeps
    requeue_lost_jobs_task()
    requeue_lost_jobs_task.schedule(delay=SWEEP_AGAIN_AFTER.total_seconds())


@huey.periodic_task(huey.housekeeping_due)
@huey.in_app_context
def periodic_housekeeping() -> None:
    """Close rounds and impact pulses past their deadline, launch the approved rounds of
    campaigns past their nomination deadline, queue the reminders due (raters', nominations'
    and approvals', plans' check-ins, notes' follow-ups) and the emails lost by a dead
    worker, fail exports whose worker died, delete expired exports and the raw answers the
    retention setting no longer keeps."""
    rounds.close_overdue_rounds()
    launch.launch_due_campaigns()
    nominations.queue_nomination_reminders()
    pulses.close_overdue_pulses()
    notifications.queue_due_reminders()
    plan_reminders.queue_plan_reminders()
    notes.queue_note_follow_ups()
    notifications.requeue_lost_jobs()
    exports.fail_stalled_exports()
    exports.expire_exports()
    retention.delete_expired_raw_answers()
