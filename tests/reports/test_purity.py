"""reports/ stays pure: importing it pulls in neither Flask, nor SQLAlchemy, nor the service."""

import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "service")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["reports", "reports.aggregate", "reports.results"])
def test_importing_reports_loads_no_web_or_database_module(module):
    # A fresh interpreter: this test process has long imported Flask for other tests.
    code = (
        f"import sys, {module}\n"
        f"print(' '.join(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
