"""Bulk exports as the worker builds them: progress per report, idempotent, expiring."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from service.extensions import db
from service.jobs.tasks import build_export_task, periodic_housekeeping
from service.models import Export
from service.services import exports
from service.services.errors import Forbidden, Invalid

FAKE_PDF = b"%PDF-1.4\n% a stand-in report\n%%EOF\n"


@pytest.fixture
def fake_reports(monkeypatch):
    """Reports render instantly: what is tested here is the ZIP around them."""
    monkeypatch.setattr(
        "service.services.development_reports.render_report_pdf", lambda *args, **kwargs: FAKE_PDF
    )


@pytest.fixture
def closed_rounds(api, fake_reports):
    """HR's id and token, and two closed rounds about one person (their file names clash)."""
    hr_id, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    api.person("member", name="Maya Lind", email="maya@example.org")
    round_ids = []
    for _ in range(2):
        created = api.create_round(hr, subject_email="maya@example.org")
        api.launch(hr, created["id"])
        assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", hr).status_code == 200
        round_ids.append(created["id"])
    return hr_id, hr, round_ids


def zip_path(app, export_id: str) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "exports" / f"{export_id}.zip"


def committed_done(export_id: str) -> int:
    """What another connection (the page's request) sees of the export's progress."""
    with db.engine.connect() as connection:
        return connection.scalar(select(Export.done).where(Export.id == export_id))


def test_progress_is_committed_after_each_report(app, closed_rounds, monkeypatch):
    hr_id, _, round_ids = closed_rounds
    seen = []
    real = exports.ensure_report_pdf

    def watching(round_):
        export_id = db.session.scalar(select(Export.id))
        seen.append(committed_done(export_id))
        return real(round_)

    monkeypatch.setattr(exports, "ensure_report_pdf", watching)
    with app.app_context():
        export_id = exports.start_export(hr_id, round_ids).id
    assert seen == [0, 1]
    with app.app_context():
        export = db.session.get(Export, export_id)
        assert (export.status, export.done, export.total) == ("done", 2, 2)
        assert export.expires_at - export.finished_at == exports.LIFETIME
    with zipfile.ZipFile(zip_path(app, export_id)) as archive:
        names = archive.namelist()
        assert all(archive.read(name) == FAKE_PDF for name in names)
    # The same person and day twice: the second name gets a number instead of overwriting.
    assert len(names) == 2 and names[1] == names[0].replace(".pdf", "-2.pdf")


def test_running_the_task_again_leaves_the_zip_whole(app, closed_rounds):
    hr_id, _, round_ids = closed_rounds
    with app.app_context():
        export_id = exports.start_export(hr_id, round_ids).id
    built = zip_path(app, export_id).read_bytes()
    build_export_task(export_id)  # a duplicate delivery of the finished task
    assert zip_path(app, export_id).read_bytes() == built

    # A worker that died half-way: the retry builds the whole ZIP again, from the start.
    with app.app_context():
        export = db.session.get(Export, export_id)
        export.status, export.done = "running", 1
        db.session.commit()
    build_export_task(export_id)
    with zipfile.ZipFile(zip_path(app, export_id)) as archive:
        assert len(archive.namelist()) == 2 and archive.testzip() is None
    with app.app_context():
        assert db.session.get(Export, export_id).status == "done"
    assert not list(zip_path(app, export_id).parent.glob("*.part"))


def test_a_report_that_cannot_render_fails_the_export_cleanly(app, closed_rounds, monkeypatch):
    hr_id, _, round_ids = closed_rounds

    def broken(round_):
        raise RuntimeError("Chromium crashed")

    monkeypatch.setattr(exports, "ensure_report_pdf", broken)
    with app.app_context():
        export_id = exports.start_export(hr_id, round_ids).id
        export = db.session.get(Export, export_id)
        assert export.status == "failed" and export.error == "a report could not be rendered"
    assert not zip_path(app, export_id).exists()
    assert not list(zip_path(app, export_id).parent.glob("*.part"))


def test_only_hr_may_export(app, api, closed_rounds):
    _, _, round_ids = closed_rounds
    member_id, _ = api.person("member")
    with app.app_context(), pytest.raises(Forbidden):
        exports.start_export(member_id, round_ids)
    with app.app_context():
        assert db.session.scalars(select(Export)).all() == []


def test_a_reopened_round_has_no_report_to_export(app, api, closed_rounds):
    hr_id, hr_token, round_ids = closed_rounds
    reopened = api.call(
        "POST",
        f"/api/v1/rounds/{round_ids[0]}/reopen",
        hr_token,
        json={"deadline": "2099-01-01T00:00:00Z"},
    )
    assert reopened.status_code == 200
    with app.app_context(), pytest.raises(Invalid, match="about Maya Lind is still open"):
        exports.start_export(hr_id, round_ids)


def test_housekeeping_deletes_expired_zips(app, closed_rounds, clock):
    hr_id, _, round_ids = closed_rounds
    with app.app_context():
        export_id = exports.start_export(hr_id, round_ids[:1]).id
    left_behind = zip_path(app, export_id).with_name("killed-worker.part")
    left_behind.write_bytes(b"PK")
    clock.advance(hours=23)
    periodic_housekeeping()
    assert zip_path(app, export_id).is_file() and left_behind.exists()
    clock.advance(hours=1, seconds=1)
    periodic_housekeeping()
    assert not zip_path(app, export_id).exists() and not left_behind.exists()
    with app.app_context():
        assert db.session.get(Export, export_id).status == "expired"
    periodic_housekeeping()  # nothing left to do, nothing breaks


def test_housekeeping_fails_an_export_whose_worker_died(app, closed_rounds, clock):
    hr_id, _, round_ids = closed_rounds
    with app.app_context():
        export_id = exports.start_export(hr_id, round_ids).id
        # The worker was killed after the first report: nothing will move this export again.
        export = db.session.get(Export, export_id)
        export.status, export.done, export.finished_at, export.expires_at = "running", 1, None, None
        export.progress_at = exports.now()
        db.session.commit()
    clock.advance(minutes=29)
    periodic_housekeeping()
    with app.app_context():
        assert db.session.get(Export, export_id).status == "running"  # slow is not dead
    clock.advance(minutes=1, seconds=1)
    periodic_housekeeping()
    with app.app_context():
        export = db.session.get(Export, export_id)
        assert (export.status, export.error) == ("failed", exports.STALLED)
        assert exports.describe_export(hr_id, export_id)["status"] == "failed"
    # A failed export can be built again: the task, if it ever runs, makes a whole ZIP.
    build_export_task(export_id)
    with app.app_context():
        assert db.session.get(Export, export_id).status == "done"
