"""The report modules stay pure too: charts and documents pull in no web or database module."""

import subprocess
import sys

from tests.reports.test_purity import FORBIDDEN, ROOT

# Every stage of the report: its content, charts, SVG, HTML and PDF, and what ties them.
REPORT_MODULES = (
    "reports.document",
    "reports.content",
    "reports.plan",
    "reports.charts",
    "reports.svg",
    "reports.kaleido_server",
    "reports.html",
    "reports.pdf",
    "reports.weasyprint_fonts",
    "reports.timing",
)


def test_importing_the_report_modules_loads_no_web_or_database_module():
    # A fresh interpreter: this test process has long imported Flask for other tests.
    code = (
        f"import sys, {', '.join(REPORT_MODULES)}\n"
        f"print(' '.join(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
