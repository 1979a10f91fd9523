"""The privacy tests read and delete the report the worker stores after a close; drawing a
real one takes Chromium seconds per round, so the worker's step stores a stand-in here."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.models import Round
from service.services import development_reports

STORED_REPORT = b"%PDF-1.7\n% a stored report\n%%EOF\n"


def _store_stand_in(round_id: str) -> None:
    round_ = db.session.get(Round, round_id)
    if round_ is not None and round_.results is not None:
        path = development_reports.report_path(round_)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(STORED_REPORT)


@pytest.fixture(autouse=True)
def _reports_stored_without_drawing(monkeypatch):
    monkeypatch.setattr(development_reports, "render_stored_report", _store_stand_in)
