"""GET /metrics in Prometheus' text format: requests, emails and report renders counted as
they happen; rounds, email jobs and submitted responses read from the database at each
scrape, so they are the whole deployment's whatever process answers.

Counted values are per process unless PROMETHEUS_MULTIPROC_DIR names a folder every process
writes to (gunicorn's workers, and the worker on the same machine): service/gunicorn_conf.py
sets one up, and a scrape then sums every process's files. Only loopback callers that came
through no proxy may read the metrics, or any caller with METRICS_TOKEN as a Bearer token.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, event, func, select

from service.extensions import db
from service.models import Job, Rater, Round
from service.models.jobs import JOB_KINDS
from service.models.pulses import PulseRater
from service.models.rounds import ROUND_STATUSES
from service.request_ids import request_seconds

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# A proxy in front forwards outside callers from loopback: they carry one of these headers.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
UNMATCHED = "unmatched"  # requests no route answered: one label, not one per address tried
JOB_STATES = ("queued", "running", "failed")

REQUESTS = Counter(
    "feedback360_http_requests_total",
    "Requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "feedback360_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EMAILS = Counter(
    "feedback360_emails_total",
    "Emails whose delivery was recorded, by kind and outcome (sent, failed, bounced).",
    ["kind", "outcome"],
)
REPORT_RENDER_SECONDS = Histogram(
    "feedback360_report_render_seconds",
    "Time to draw a round's report, by format (pdf, html).",
    ["format"],
    buckets=(0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60),
)
EMAIL_OUTCOMES = ("sent", "failed", "bounced")

metrics = Blueprint("metrics", __name__)


@event.listens_for(Job.status, "set")
def _count_email_outcome(job: Job, value: str, previous, _initiator) -> None:
    """Counted where the sending records its outcome (the job's status)."""
    if value in EMAIL_OUTCOMES and value != previous:
        EMAILS.labels(kind=job.kind, outcome=value).inc()


class DatabaseCollector(Collector):
    """Rounds by status, email jobs by kind and state, responses submitted: asked of the
    database at each scrape."""

    def collect(self):
        try:
            yield from self._families()
        except Exception:  # a scrape still shows the process's own numbers
            log.warning("metrics: the database did not answer", exc_info=True)
            yield GaugeMetricFamily(
                "feedback360_database_up", "Whether the scrape could read the database.", 0
            )
            return
        yield GaugeMetricFamily(
            "feedback360_database_up", "Whether the scrape could read the database.", 1
        )

    def _families(self) -> list:
        rounds = GaugeMetricFamily("feedback360_rounds", "Rounds by status.", labels=["status"])
        counted = dict(
            db.session.execute(select(Round.status, func.count()).group_by(Round.status)).all()
        )
        for status in ROUND_STATUSES:
            rounds.add_metric([status], counted.get(status, 0))

        jobs = GaugeMetricFamily(
            "feedback360_email_jobs",
            "Email jobs queued, running (claimed by a worker) and failed, by kind.",
            labels=["kind", "state"],
        )
        state = case(
            (Job.status.in_(("failed", "bounced")), "failed"),
            (Job.claimed_at.is_not(None), "running"),
            else_="queued",
        )
        unfinished_or_failed = Job.status.in_(("queued", "retrying", "failed", "bounced"))
        found = {
            (kind, job_state): count
            for kind, job_state, count in db.session.execute(
                select(Job.kind, state, func.count())
                .where(unfinished_or_failed)
                .group_by(Job.kind, state)
            ).all()
        }
        for kind in sorted(set(JOB_KINDS) | {kind for kind, _ in found}):
            for job_state in JOB_STATES:
                jobs.add_metric([kind, job_state], found.get((kind, job_state), 0))

        submitted = CounterMetricFamily(
            "feedback360_survey_submissions",
            "Responses submitted: to rounds' surveys and to impact pulses.",
            labels=["survey"],
        )
        submitted.add_metric(
            ["round"],
            db.session.scalar(select(func.count()).where(Rater.response_status == "submitted")),
        )
        submitted.add_metric(
            ["pulse"],
            db.session.scalar(select(func.count()).where(PulseRater.submitted_on.is_not(None))),
        )
        return [rounds, jobs, submitted]


def _registry() -> CollectorRegistry:
    """Every process's counts in multiprocess mode, else this process's."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _may_read_metrics() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), token):
            return True
    if any(header in request.headers for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@metrics.get("/metrics")
def scrape():
    """Prometheus' text format, for loopback callers or the METRICS_TOKEN bearer."""
    if not _may_read_metrics():
        abort(403 if current_app.config["METRICS_TOKEN"] else 404)
    from_database = CollectorRegistry()
    from_database.register(DatabaseCollector())
    output = generate_latest(_registry()) + generate_latest(from_database)
    return Response(output, mimetype=CONTENT_TYPE_LATEST)


def _count_request(response):
    endpoint = request.endpoint or UNMATCHED
    REQUESTS.labels(endpoint=endpoint, method=request.method, status=response.status_code).inc()
    REQUEST_SECONDS.labels(endpoint=endpoint).observe(request_seconds())
    return response


def init_metrics(app: Flask) -> None:
    app.config.setdefault("METRICS_TOKEN", (os.environ.get("METRICS_TOKEN") or "").strip())
    app.register_blueprint(metrics)
    app.after_request(_count_request)
