"""`feedback360 check`: the readiness checks, plus what a report needs drawn for real: a
chart through the same warm Chromium the reports use, and a PDF through WeasyPrint (Pango)
with the report's font, Inter."""

from __future__ import annotations

import shutil
import subprocess

from service.services.browser import BROWSER_FIX, browser_problem
from service.services.health import (
    Check,
    check_database,
    check_queue,
    check_smtp,
    run_checks,
)

REPORT_FONT = "Inter"
SMALL_CHART = ({"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}, 200, 120)
EXPORT_TIMEOUT_S = 90


def check_chart_export() -> Check:
    """Chromium starts and draws a small chart through kaleido, as a report's charts are."""
    # Imported when the check runs, inside it: a failure to load is what it reports.
    from reports import kaleido_server

    problem = browser_problem()
    if problem:
        return Check("chromium", False, problem, BROWSER_FIX)
    try:
        [svg] = kaleido_server.submit_svgs([SMALL_CHART]).result(EXPORT_TIMEOUT_S)
    except Exception as error:  # whatever the browser did: named, with the fix
        return Check("chromium", False, f"a chart could not be drawn: {error}", BROWSER_FIX)
    finally:
        kaleido_server.stop()
    if "<svg" not in svg:
        return Check("chromium", False, "the chart came back without SVG", BROWSER_FIX)
    return Check("chromium", True, f"drew a chart ({len(svg) // 1024} KB of SVG)")


def check_pdf() -> Check:
    """WeasyPrint (and so Pango) renders a one-line PDF, and the report's font is there."""
    fix = "Install Debian's libpango-1.0-0, libpangoft2-1.0-0 and fonts-inter packages"
    try:
        import weasyprint

        pdf = weasyprint.HTML(string="<p>feedback360</p>").write_pdf()
    except Exception as error:  # a missing native library fails at import or at render
        return Check("pdf", False, f"WeasyPrint cannot render a PDF: {error}", fix)
    if not pdf.startswith(b"%PDF"):
        return Check("pdf", False, "WeasyPrint returned something that is not a PDF", fix)
    font = _font_family(REPORT_FONT)
    if font is None or REPORT_FONT.lower() not in font.lower():
        return Check(
            "pdf", False, f"the report's font {REPORT_FONT} is not installed (found {font})", fix
        )
    return Check("pdf", True, f"rendered a PDF with Pango; font {font}")


def _font_family(name: str) -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    done = subprocess.run(  # noqa: S603 - fontconfig's own tool, a fixed argument list
        [fc_match, "--format=%{family}", name], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


PREFLIGHT_CHECKS = (check_chart_export, check_pdf, check_database, check_queue, check_smtp)


def preflight() -> list[Check]:
    """Every check of a sound set-up, in order (SMTP only when configured)."""
    return run_checks(PREFLIGHT_CHECKS)
