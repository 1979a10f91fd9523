"""Bulk exports: the report PDFs of many closed rounds in one ZIP, built by the worker."""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext, ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from service.extensions import db
from service.models import Export, Person, Round
from service.models.types import new_id
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.development_reports import ensure_report_pdf, report_filename
from service.services.errors import Conflict, Invalid, NotFound, worded_later
from service.services.queue import BUILD_EXPORT, enqueue

log = logging.getLogger(__name__)
ONLY_HR = lazy_gettext("only HR can export reports")
EXPORTS_FOLDER = "exports"
LIFETIME = timedelta(hours=24)
# More than any page offers at once; a bound so one request cannot ask for everything twice.
MAX_ROUNDS = 500
# An export that is still being built (or has just failed) can be built again.
FINISHED = ("done", "expired")
# One report takes seconds to render: an export with no progress for this long lost its
# worker (killed, or the machine restarted), and its task will not come back by itself.
STALLED_AFTER = timedelta(minutes=30)
STALLED = "the worker stopped before the ZIP was finished"


def _zip_path(export_id: str) -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / EXPORTS_FOLDER / f"{export_id}.zip"


def chosen_round_ids(round_ids: list[str]) -> list[str]:
    """The ids HR ticked, once each in the order given; Invalid when none or too many."""
    ids = list(dict.fromkeys(str(round_id).strip() for round_id in round_ids if round_id))
    if not ids:
        raise Invalid(
            lazy_gettext("choose at least one closed round"),
            {"round_id": [lazy_gettext("choose a round")]},
        )
    if len(ids) > MAX_ROUNDS:
        raise Invalid(
            lazy_gettext("at most %(max)s rounds can be exported at once", max=MAX_ROUNDS),
            {"round_id": [lazy_gettext("at most %(max)s", max=MAX_ROUNDS)]},
        )
    return ids


def _why_no_report(round_: Round):
    name = round_.subject.name
    if round_.status == "draft":
        return lazy_gettext("the round about %(name)s is not launched yet", name=name)
    if round_.status == "open":
        return lazy_gettext("the round about %(name)s is still open", name=name)
    return lazy_gettext("the round about %(name)s has no results", name=name)


def _rounds_to_export(round_ids: list[str]) -> list[Round]:
    """The chosen rounds in the order given; Invalid names every one that has no report."""
    ids = chosen_round_ids(round_ids)
    found = {r.id: r for r in db.session.scalars(select(Round).where(Round.id.in_(ids)))}
    problems = []
    unknown = [round_id for round_id in ids if round_id not in found]
    if unknown:
        problems.append(
            LazyString(
                lambda: ngettext(
                    "%(num)s of the chosen rounds does not exist",
                    "%(num)s of the chosen rounds do not exist",
                    len(unknown),
                )
            )
        )
    for round_id in ids:
        round_ = found.get(round_id)
        if round_ is not None and (round_.status != "closed" or round_.results is None):
            problems.append(_why_no_report(round_))
    if problems:
        raise Invalid(
            lazy_gettext(
                "only closed rounds have reports to export: %(problems)s",
                problems=worded_later("; ", problems),
            ),
            {"round_id": problems},
        )
    return [found[round_id] for round_id in ids]


def start_export(actor_id: str, round_ids: list[str]) -> Export:
    """HR asks for the reports of closed rounds as one ZIP; the worker builds it."""
    actor = load_hr(actor_id, ONLY_HR)
    rounds = _rounds_to_export(round_ids)
    export = Export(
        id=new_id(),
        requested_by_id=actor.id,
        round_ids=[round_.id for round_ in rounds],
        status="queued",
        done=0,
        total=len(rounds),
        progress_at=now(),
    )
    db.session.add(export)
    audit.record(
        "reports_exported",
        actor,
        detail=f"{len(rounds)} report{'' if len(rounds) == 1 else 's'}",
        data={"export_id": export.id, "round_ids": export.round_ids},
    )
    export_id = export.id
    db.session.commit()
    enqueue(BUILD_EXPORT, export_id)
    return db.session.get(Export, export_id)


def _unique(name: str, taken: set[str]) -> str:
    """report-2030-01-31.pdf, then report-2030-01-31-2.pdf, … for the same person and day."""
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate)
    return candidate


def _write_reports(export: Export, handle) -> None:
    """Each round's stored report into the ZIP, the count committed after each one."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        taken: set[str] = set()
        for number, round_id in enumerate(export.round_ids, start=1):
            round_ = db.session.get(Round, round_id)
            if round_ is None or round_.results is None:
                raise Conflict(lazy_gettext("a round of this export has no report any more"))
            archive.write(ensure_report_pdf(round_), _unique(report_filename(round_), taken))
            export.done, export.progress_at = number, now()
            db.session.commit()


def build_export(export_id: str) -> None:
    """For the worker: write each round's stored report into the ZIP, committing the count
    after each one so the page can show progress. A finished export is left alone, so the
    task may run twice; the ZIP appears by rename, so nobody downloads half of one."""
    export = db.session.get(Export, export_id)
    if export is None or export.status in FINISHED:
        return
    export.status, export.done, export.error = "running", 0, None
    export.progress_at = now()
    db.session.commit()
    target = _zip_path(export_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, part = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write_reports(export, handle)
        os.replace(part, target)
    except Exception as error:
        Path(part).unlink(missing_ok=True)
        db.session.rollback()
        log.exception("export %s failed", export_id)
        export = db.session.get(Export, export_id)
        export.status = "failed"
        export.error = (
            error.message if isinstance(error, Conflict) else "a report could not be rendered"
        )
        db.session.commit()
        raise
    export.status, export.finished_at = "done", now()
    export.expires_at = export.finished_at + LIFETIME
    db.session.commit()


def _is_expired(export: Export) -> bool:
    return export.status == "expired" or (
        export.expires_at is not None and export.expires_at <= now()
    )


def describe_export(actor_id: str, export_id: str) -> dict:
    """The export's progress as its page and the page's script show it."""
    load_hr(actor_id, ONLY_HR)
    export = db.session.get(Export, export_id)
    if export is None:
        raise NotFound(lazy_gettext("export not found"))
    subjects = db.session.scalars(
        select(Person.name)
        .join(Round, Round.subject_id == Person.id)
        .where(Round.id.in_(export.round_ids))
    ).all()
    return {
        "id": export.id,
        "status": "expired" if _is_expired(export) else export.status,
        "done": export.done,
        "total": export.total,
        "percent": round(100 * export.done / export.total) if export.total else 100,
        "error": export.error,
        "created_at": export.created_at,
        "expires_at": export.expires_at,
        "subjects": sorted(subjects),
    }


def download_export(actor_id: str, export_id: str) -> tuple[Path, str]:
    """The finished ZIP and a download name; each report in it is audited as downloaded."""
    actor = load_hr(actor_id, ONLY_HR)
    export = db.session.get(Export, export_id)
    if export is None:
        raise NotFound(lazy_gettext("export not found"))
    if _is_expired(export):
        raise NotFound(lazy_gettext("this export has expired; start a new one from the dashboard"))
    if export.status != "done":
        raise Conflict(
            lazy_gettext("this export failed; start a new one from the dashboard")
            if export.status == "failed"
            else lazy_gettext(
                "the ZIP is not ready yet (%(done)s of %(total)s reports)",
                done=export.done,
                total=export.total,
            )
        )
    path = _zip_path(export.id)
    if not path.is_file():
        raise NotFound(
            lazy_gettext("this export's file is gone; start a new one from the dashboard")
        )
    rounds = db.session.scalars(select(Round).where(Round.id.in_(export.round_ids))).all()
    for round_ in rounds:
        audit.record("report_downloaded", actor, round_, detail="ZIP export")
    db.session.commit()
    return path, f"feedback360-reports-{export.created_at:%Y-%m-%d}.zip"


def fail_stalled_exports() -> int:
    """The periodic housekeeping: an export that has not moved for STALLED_AFTER is failed,
    so its page says so instead of showing a progress bar that never moves again."""
    stalled = db.session.scalars(
        select(Export).where(
            Export.status.in_(("queued", "running")),
            func.coalesce(Export.progress_at, Export.created_at) <= now() - STALLED_AFTER,
        )
    ).all()
    for export in stalled:
        log.warning("export %s stalled at %d of %d reports", export.id, export.done, export.total)
        export.status, export.error = "failed", STALLED
    db.session.commit()
    return len(stalled)


def expire_exports() -> int:
    """The periodic housekeeping: delete the ZIPs past their time and mark them expired."""
    expired = db.session.scalars(
        select(Export).where(Export.status == "done", Export.expires_at <= now())
    ).all()
    for export in expired:
        _zip_path(export.id).unlink(missing_ok=True)
        export.status = "expired"
    db.session.commit()
    # Half-written ZIPs of a worker that was killed mid-way are never renamed; drop them.
    folder = Path(current_app.config["INSTANCE_PATH"]) / EXPORTS_FOLDER
    cutoff = (now() - LIFETIME).timestamp()
    for part in folder.glob("*.part"):
        if part.stat().st_mtime < cutoff:
            part.unlink(missing_ok=True)
    return len(expired)
