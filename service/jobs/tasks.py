"""Queue tasks: they take ids, run in the app context and call service functions."""

from __future__ import annotations

from service.jobs import housekeeping_due, huey, with_app_context
from service.services import exports, notifications, reports, rounds

# Mail server down: try again after 5 s, 10 s, 20 s … about 40 minutes in all.
RETRIES = 9


@huey.task(retries=RETRIES, retry_delay=5, retry_backoff=2, context=True)
@with_app_context
def run_job_task(job_id: str, task=None) -> None:
    """Send one email job; RetryLater from it makes Huey try again with backoff."""
    notifications.run_job(job_id, last_attempt=task is None or task.retries == 0)


@huey.task()
def fan_out_jobs_task(job_ids: list[str]) -> None:
    """One queued task per job, so each is retried on its own."""
    for job_id in job_ids:
        run_job_task(job_id)


@huey.task(retries=3, retry_delay=30)
@with_app_context
def render_report_task(round_id: str) -> None:
    reports.render_stored_report(round_id)


# One retry: a report that failed to render once (Chromium busy) usually renders next time.
@huey.task(retries=1, retry_delay=30)
@with_app_context
def build_export_task(export_id: str) -> None:
    exports.build_export(export_id)


@huey.periodic_task(housekeeping_due)
@with_app_context
def periodic_housekeeping() -> None:
    """Close rounds past their deadline, queue the reminders due, fail exports whose worker
    died, delete expired exports."""
    rounds.close_overdue_rounds()
    notifications.queue_due_reminders()
    exports.fail_stalled_exports()
    exports.expire_exports()
