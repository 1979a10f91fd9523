"""The development report of a closed round: rendered once per results version and language,
then served.

Its language: the subject's own (their choice, else the organisation's default language);
whoever else may read it (HR) may ask for another one."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext

from reports.document import (
    ReportContext,
    render_report_body,
    render_report_pdf,
    render_standalone_report,
)
from reports.kaleido_server import ChartExportError
from reports.results import Results
from service.extensions import db
from service.metrics import REPORT_RENDER_SECONDS
from service.models import Round
from service.services import audit
from service.services.access import load_actor
from service.services.browser import BROWSER_FIX, browser_problem
from service.services.change import previous_round_of, pulse_change
from service.services.clock import now
from service.services.errors import Conflict, Invalid, NotFound, Unavailable
from service.services.languages import LANGUAGES, supported, unknown_language_message
from service.services.results import load_released_round
from service.services.settings import current_settings

log = logging.getLogger(__name__)
REPORTS_FOLDER = "reports"


def results_digest(document: dict) -> str:
    """Identifies one version of a round's results; a new version means a new report."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _context(round_: Round) -> ReportContext:
    previous = previous_round_of(round_.results)
    return ReportContext(
        subject_name=round_.subject.name,
        launched_at=round_.launched_at,
        # A reopened round has no closed_at; its released results still have a date.
        closed_at=round_.closed_at or round_.results_released_at,
        deadline=round_.deadline,
        generated_at=now(),
        previous_closed_at=None if previous is None else previous.closed_at,
        previous_pulse=None if previous is None else pulse_change(previous),
    )


def _inputs(round_: Round):
    return (
        Results.from_dict(round_.results),
        round_.instrument,
        _context(round_),
    )


def report_language(round_: Round, requested: str | None = None) -> str:
    """The language a report of the round is written in: `requested` (a reader's ?lang=),
    else the subject's own, else the organisation's default. An unknown code is refused."""
    if requested is not None:
        if requested not in LANGUAGES:
            message = lazy_gettext(
                "the report has no language %(requested)s; must be one of %(codes)s",
                requested=repr(requested),
                codes=", ".join(LANGUAGES),
            )
            raise Invalid(message, {"lang": [unknown_language_message()]})
        return requested
    return supported(round_.subject.language) or current_settings().default_language


def report_path(round_: Round, suffix: str = ".pdf", language: str | None = None) -> Path:
    """Where the report of the round's current results in `language` (None: the subject's)
    is stored: the PDF, or (".html") the web page's body."""
    folder = Path(current_app.config["INSTANCE_PATH"]) / REPORTS_FOLDER
    return folder / f"{_version_prefix(round_)}{language or report_language(round_)}{suffix}"


def _version_prefix(round_: Round) -> str:
    """The start of the names of every stored file of the round's current results, whatever
    their language."""
    return f"{round_.id}-{results_digest(round_.results)}-"


def _ensure_stored(
    round_: Round, language: str, suffix: str, render: Callable[[str], bytes]
) -> Path:
    """The stored file of the round's current results in `language`, rendered now if it is
    not there yet; the files of earlier versions go (in every language), those of this
    version in other languages stay."""
    path = report_path(round_, suffix, language)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    log.info("rendering the report of round %s (%s)", round_.id, suffix)
    try:
        with REPORT_RENDER_SECONDS.labels(format=suffix.lstrip(".")).time():
            content = render(language)
    except ChartExportError as error:
        # A missing or broken Chromium is the server's to fix, not the reader's: a 503.
        problem = browser_problem() or str(error)
        raise Unavailable(f"Reports cannot be drawn: {problem}. {BROWSER_FIX}") from error
    # Write then rename: a reader never sees half a file, and two renderers agree.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
        handle.write(content)
    os.replace(handle.name, path)
    # Files named before reports had a language (<round>-<digest>.pdf) are stale too.
    current = _version_prefix(round_)
    for stale in path.parent.glob(f"{round_.id}-*{suffix}"):
        if not stale.name.startswith(current):
            stale.unlink(missing_ok=True)
    return path


def ensure_report_pdf(round_: Round, language: str | None = None) -> Path:
    """The stored PDF of the round's current results in `language` (None: the subject's),
    rendered now if it is not there yet."""
    return _ensure_stored(
        round_,
        language or report_language(round_),
        ".pdf",
        lambda code: render_report_pdf(*_inputs(round_), code),
    )


def ensure_report_body(round_: Round, language: str | None = None) -> str:
    """The web report's body (HTML, charts inline) of the round's current results in
    `language` (None: the subject's): rendered once per version like the PDF, then read from
    its file."""
    path = _ensure_stored(
        round_,
        language or report_language(round_),
        ".html",
        lambda code: render_report_body(*_inputs(round_), code).encode("utf-8"),
    )
    return path.read_text(encoding="utf-8")


def render_stored_report(round_id: str) -> None:
    """For the worker after a close: the report is ready before anyone asks for it, as a PDF
    and as the web page's body, in the subject's language."""
    round_ = db.session.get(Round, round_id)
    if round_ is not None and round_.results is not None:
        ensure_report_pdf(round_)
        ensure_report_body(round_)


def report_filename(round_: Round) -> str:
    slug = "-".join(round_.subject.name.lower().split()) or "report"
    safe = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
    return f"feedback360-{safe}-{round_.results_released_at:%Y-%m-%d}.pdf"


def get_report_pdf(actor_id: str, round_id: str, language: str | None = None) -> tuple[Path, str]:
    """The report PDF's stored path and a download name; the download is audited.
    `language`: the reader's choice (?lang=), else the subject's."""
    actor = load_actor(actor_id)
    round_ = load_released_round(actor_id, round_id)
    path = ensure_report_pdf(round_, report_language(round_, language))
    audit.record("report_downloaded", actor, round_, detail="PDF")
    db.session.commit()
    return path, report_filename(round_)


@dataclass(frozen=True)
class ReportPage:
    """What a page needs to show a round's report: whose it is, its stored body and the
    language that body is written in."""

    round_id: str
    subject_id: str
    subject_name: str
    body: str
    language: str


def get_report_page(actor_id: str, round_id: str, language: str | None = None) -> ReportPage:
    """The web report of a round for whoever may read it, in `language` (the reader's
    choice, ?lang=) or the subject's; the view is audited."""
    actor = load_actor(actor_id)
    round_ = load_released_round(actor_id, round_id)
    language = report_language(round_, language)
    body = ensure_report_body(round_, language)
    audit.record("report_viewed", actor, round_, detail="web page")
    db.session.commit()
    return ReportPage(round_.id, round_.subject.id, round_.subject.name, body, language)


def get_report_document(
    actor_id: str, round_id: str, stylesheet_url: str, language: str | None = None
) -> str:
    """The web report as a document of its own (for the API), with one stylesheet."""
    page = get_report_page(actor_id, round_id, language)
    return render_standalone_report(page.body, page.subject_name, stylesheet_url, page.language)


def export_report_pdf(round_id: str, language: str | None = None) -> tuple[bytes, str]:
    """For the command line: the report of any closed round, whoever asks, in `language`
    (None: the subject's)."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"no round with id {round_id}")
    if round_.results is None:
        raise Conflict(f"round {round_id} is {round_.status}; reports exist once it closes")
    path = ensure_report_pdf(round_, report_language(round_, language))
    return path.read_bytes(), report_filename(round_)
