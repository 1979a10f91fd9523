"""The development report of a closed round: rendered once per results version, then served."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from flask import current_app

from reports.document import ReportContext, render_report_html, render_report_pdf
from reports.results import Results
from service.extensions import db
from service.models import Round
from service.services import audit
from service.services.access import load_actor
from service.services.clock import now
from service.services.errors import Conflict, NotFound
from service.services.results import load_released_round

log = logging.getLogger(__name__)
REPORTS_FOLDER = "reports"


def results_digest(document: dict) -> str:
    """Identifies one version of a round's results; a new version means a new report."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _context(round_: Round) -> ReportContext:
    return ReportContext(
        subject_name=round_.subject.name,
        launched_at=round_.launched_at,
        # A reopened round has no closed_at; its released results still have a date.
        closed_at=round_.closed_at or round_.results_released_at,
        deadline=round_.deadline,
        generated_at=now(),
    )


def _inputs(round_: Round):
    return (
        Results.from_dict(round_.results),
        round_.instrument,
        _context(round_),
    )


def report_path(round_: Round) -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / REPORTS_FOLDER
    return folder / f"{round_.id}-{results_digest(round_.results)}.pdf"


def ensure_report_pdf(round_: Round) -> Path:
    """The stored PDF of the round's current results, rendered now if it is not there yet."""
    path = report_path(round_)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    log.info("rendering the report of round %s", round_.id)
    pdf = render_report_pdf(*_inputs(round_))
    # Write then rename: a reader never sees half a file, and two renderers agree.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
        handle.write(pdf)
    os.replace(handle.name, path)
    for stale in path.parent.glob(f"{round_.id}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def render_stored_report(round_id: str) -> None:
    """For the worker after a close: the report is ready before anyone asks for it."""
    round_ = db.session.get(Round, round_id)
    if round_ is not None and round_.results is not None:
        ensure_report_pdf(round_)


def report_filename(round_: Round) -> str:
    slug = "-".join(round_.subject.name.lower().split()) or "report"
    safe = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
    return f"feedback360-{safe}-{round_.results_released_at:%Y-%m-%d}.pdf"


def get_report_pdf(actor_id: str, round_id: str) -> tuple[Path, str]:
    """The report PDF's stored path and a download name; the download is audited."""
    actor = load_actor(actor_id)
    round_ = load_released_round(actor_id, round_id)
    path = ensure_report_pdf(round_)
    audit.record("report_downloaded", actor, round_, detail="PDF")
    db.session.commit()
    return path, report_filename(round_)


def get_report_html(actor_id: str, round_id: str, *, plotly_js_url: str, static_url: str) -> str:
    actor = load_actor(actor_id)
    round_ = load_released_round(actor_id, round_id)
    html = render_report_html(
        *_inputs(round_), interactive=True, plotly_js_url=plotly_js_url, static_url=static_url
    )
    audit.record("report_viewed", actor, round_, detail="web page")
    db.session.commit()
    return html


def export_report_pdf(round_id: str) -> tuple[bytes, str]:
    """For the command line: the report of any closed round, whoever asks."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"no round with id {round_id}")
    if round_.results is None:
        raise Conflict(f"round {round_id} is {round_.status}; reports exist once it closes")
    return ensure_report_pdf(round_).read_bytes(), report_filename(round_)
