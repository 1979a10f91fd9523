"""The one seam between the use cases and the queue: each kind of work a use case names has its
task, a round's close queues its own report, and a task finds its app without a context."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import select

from service.extensions import db
from service.jobs import huey, tasks
from service.jobs.tasks import periodic_housekeeping
from service.models import Job
from service.services.queue import EXTENSION, WORK, enqueue, plug_in
from tests.conftest import in_days, outbox_files
from tests.service.jobs.conftest import SEVEN_RATERS, run_queue

ONE_RATER = SEVEN_RATERS[:1]


def _launched_round(app, api, hr, days: float = 14) -> str:
    """A launched round about Maya, its invitations sent (to the outbox): the queue is empty."""
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=ONE_RATER, deadline=in_days(days)
    )
    launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    assert launched.status_code == 200, launched.get_json()
    run_queue(app)
    return created["id"]


def _pending() -> list[tuple[str, tuple]]:
    return [(task.name, task.args) for task in huey.pending()]


def _after_close_jobs(app) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(Job.id).where(Job.kind.in_(("report_ready", "round_closed")))
            ).all()
        )


def test_closing_a_round_queues_its_report_then_the_emails_that_announce_it(
    app, api, people, queued_by_hand
):
    hr, _ = people
    round_id = _launched_round(app, api, hr)

    assert api.call("POST", f"/api/v1/rounds/{round_id}/close", hr).status_code == 200

    # Two emails follow a close: "your report is ready" to Maya and "round closed" to Hana,
    # the one HR person; two jobs travel in one fan-out message.
    jobs = _after_close_jobs(app)
    assert len(jobs) == 2
    [(render, render_args), (emails, email_args)] = _pending()
    assert (render, render_args) == ("render_report_task", (round_id,))
    assert emails == "fan_out_jobs_task" and sorted(email_args[0]) == jobs


def test_a_round_closed_by_its_deadline_queues_its_report_the_same_way(
    app, api, people, clock, queued_by_hand
):
    hr, _ = people
    round_id = _launched_round(app, api, hr, days=2)
    clock.advance(days=2, minutes=1)

    with app.app_context():
        periodic_housekeeping.call_local()

    [(render, render_args), (emails, email_args)] = _pending()
    assert (render, render_args) == ("render_report_task", (round_id,))
    assert emails == "fan_out_jobs_task" and sorted(email_args[0]) == _after_close_jobs(app)


def test_a_task_run_outside_any_app_context_runs_in_the_app_the_queue_serves(
    app, api, people, queued_by_hand
):
    """As in a worker's threads, which Huey starts with no Flask app context."""
    hr, _ = people
    created = api.create_round(hr, subject_email="maya@example.org", raters=ONE_RATER)
    api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    failures = []

    def worker_thread():
        try:
            while huey.pending_count():
                huey.execute(huey.dequeue())
        except Exception as error:  # reported to the test's thread below
            failures.append(error)

    thread = threading.Thread(target=worker_thread)
    thread.start()
    thread.join()

    assert failures == []
    # Maya's self-assessment and the one rater's invitation, written to the app's outbox.
    assert len(outbox_files(app)) == 2
    with app.app_context():
        assert set(db.session.scalars(select(Job.status))) == {"sent"}


def test_every_kind_of_work_has_its_task_in_the_app(app, api, people, queued_by_hand):
    assert set(app.extensions[EXTENSION]) == WORK
    hr, _ = people
    round_id = _launched_round(app, api, hr)
    with app.app_context():
        enqueue("render_report", round_id)
    assert _pending() == [("render_report_task", (round_id,))]
    run_queue(app)  # a round not closed yet has no report to render: nothing to do


def test_the_set_up_refuses_a_queue_without_a_task_for_some_work():
    bare = Flask(__name__)
    incomplete = {name: task for name, task in tasks.QUEUED_WORK.items() if name != "build_export"}
    with pytest.raises(RuntimeError, match=r"missing \['build_export'\]"):
        plug_in(bare, incomplete)
    with pytest.raises(RuntimeError, match=r"unknown \['send_fax'\]"):
        plug_in(bare, {**tasks.QUEUED_WORK, "send_fax": tasks.run_job_task})
    assert EXTENSION not in bare.extensions
    with bare.app_context(), pytest.raises(RuntimeError, match="no queue is plugged"):
        enqueue("build_export", "an-export-id")


def test_tasks_keep_the_names_their_queued_messages_carry():
    """A message waiting in Redis or the SQLite queue names its task by module and function:
    a worker of the next version must still find it."""
    names = {
        f"{wrapper.task_class.__module__}.{wrapper.task_class.__name__}"
        for wrapper in (
            tasks.run_job_task,
            tasks.fan_out_jobs_task,
            tasks.render_report_task,
            tasks.build_export_task,
            tasks.requeue_lost_jobs_task,
            tasks.periodic_housekeeping,
        )
    }
    assert names == {
        "service.jobs.tasks.run_job_task",
        "service.jobs.tasks.fan_out_jobs_task",
        "service.jobs.tasks.render_report_task",
        "service.jobs.tasks.build_export_task",
        "service.jobs.tasks.requeue_lost_jobs_task",
        "service.jobs.tasks.periodic_housekeeping",
    }
