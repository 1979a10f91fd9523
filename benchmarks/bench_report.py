"""Prints the figures of the report goals: warm and first render, 100 reports, where time goes.

    .venv/bin/python benchmarks/bench_report.py [--quick] [--reports 600]

Goals (issue 5): a warm render of the demo report (radar, seven bar charts) in <= 0.8 s
(median); the first report of a fresh process in <= 5 s; 100 reports in one process at
<= 0.8 s each (median) with no growth of memory; the whole render within 1.5 x the time
WeasyPrint alone takes for the same final HTML.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reports import charts, svg
from reports.document import ReportContext, render_report_html, render_report_pdf
from reports.pdf import html_to_pdf
from reports.results import Results
from surveys.instrument import load_instrument

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.machine_speed import describe  # noqa: E402

DEMO = ROOT / "tests" / "reports" / "fixtures" / "demo_results.json"
CONTEXT = ReportContext(
    subject_name="Maya Lind",
    launched_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    closed_at=datetime(2026, 3, 17, 9, tzinfo=UTC),
    deadline=datetime(2026, 3, 16, 17, tzinfo=UTC),
    generated_at=datetime(2026, 3, 18, 8, tzinfo=UTC),
)
# Run in a fresh interpreter: from its start to the PDF's bytes, imports included.
FIRST_REPORT = """
import time
started = time.perf_counter()
import json
from benchmarks.bench_report import CONTEXT, DEMO
from reports.document import render_report_pdf
from reports.results import Results
from surveys.instrument import load_instrument
results = Results.from_dict(json.loads(DEMO.read_text()))
pdf = render_report_pdf(results, load_instrument("soft-skills", "1"), CONTEXT)
print(time.perf_counter() - started, len(pdf))
"""
KB_PER_MB = 1024
SAMPLES = 20  # memory is read this many times over the long run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="20 reports instead of 100, 3 fresh processes not 5"
    )
    parser.add_argument(
        "--reports", type=int, help="how many reports in one process (memory over a long run)"
    )
    options = parser.parse_args(argv)
    reports, processes, runs = (20, 3, 7) if options.quick else (100, 5, 15)
    reports = options.reports or reports
    results = Results.from_dict(json.loads(DEMO.read_text()))
    instrument = load_instrument("soft-skills", "1")
    print(describe(), flush=True)

    first = [_first_report() for _ in range(processes)]
    render_report_pdf(results, instrument, CONTEXT)  # starts the browser, warms every cache
    pdf = render_report_pdf(results, instrument, CONTEXT)
    pages = _pages(pdf)
    report_charts = charts.report_charts(results)
    final_html = render_report_html(results, instrument, CONTEXT)
    warm = _times(runs, lambda: render_report_pdf(results, instrument, CONTEXT))
    export = _times(runs, lambda: svg.export_svgs(report_charts))
    weasyprint = _times(runs, lambda: html_to_pdf(final_html))
    sequential = _times(
        runs,
        lambda: html_to_pdf(render_report_html(results, instrument, CONTEXT)),
    )

    # Memory before the run and after each twentieth of it: flat means no growth.
    many, python_mb, browser_mb = [], [_memory_mb(os.getpid())], [_browser_uss_mb()]
    for step in range(SAMPLES):
        count = reports * (step + 1) // SAMPLES - reports * step // SAMPLES
        many += _times(count, lambda: render_report_pdf(results, instrument, CONTEXT))
        python_mb.append(_memory_mb(os.getpid()))
        browser_mb.append(_browser_uss_mb())

    median = statistics.median
    ratio = median(warm) / median(weasyprint)
    rows = [
        (f"demo report: radar + {len(report_charts) - 1} bar charts, {pages} pages", "", ""),
        (f"  warm render, median of {runs}", _s(median(warm)), _goal(median(warm) <= 0.8, "0.8 s")),
        (
            f"  first report in a fresh process, median of {processes}",
            _s(median(first)),
            _goal(median(first) <= 5, "5 s"),
        ),
        (f"{reports} reports in one process", "", ""),
        ("  median each", _s(median(many)), _goal(median(many) <= 0.8, "0.8 s")),
        ("  95th percentile", _s(_p95(many)), ""),
        ("  Python RSS, start and each quarter", _mb(python_mb), _growth(python_mb, reports)),
        ("  Chromium USS, start and each quarter", _mb(browser_mb), _growth(browser_mb, reports)),
        ("where the time goes (medians)", "", ""),
        ("  chart export alone (8 SVGs, one browser call)", _s(median(export)), ""),
        ("  WeasyPrint alone on the final print HTML", _s(median(weasyprint)), ""),
        ("  export, then WeasyPrint (sequential)", _s(median(sequential)), ""),
        ("  render_report_pdf (export beside WeasyPrint)", _s(median(warm)), ""),
        ("  ratio to WeasyPrint alone", f"{ratio:.2f}", _goal(ratio <= 1.5, "1.5")),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'benchmark':<{width}}  {'measured':>24}  goal")
    for name, measured, goal in rows:
        print(f"{name:<{width}}  {measured:>24}  {goal}")


def _first_report() -> float:
    output = subprocess.run(  # noqa: S603 - this interpreter, running the script above
        [sys.executable, "-c", FIRST_REPORT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.split()[0])


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(  # noqa: S603 - poppler's pdfinfo on our own file
            [shutil.which("pdfinfo") or "pdfinfo", file.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


def _times(runs: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def _memory_mb(pid: int, file: str = "status", fields: tuple[str, ...] = ("VmRSS:",)) -> float:
    try:
        lines = Path(f"/proc/{pid}/{file}").read_text().splitlines()
    except OSError:
        return 0.0  # a process that ended meanwhile
    return sum(int(line.split()[1]) for line in lines if line.startswith(fields)) / KB_PER_MB


def _browser_uss_mb() -> float:
    """The memory of this process's descendants, the Chromium processes, that is theirs alone
    (unique set size): their RSS added up would count the pages they share once per process,
    and their PSS changes whenever another Chromium on the machine starts or stops."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid ...": the name may hold spaces and parentheses.
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, pending = 0.0, list(children.get(os.getpid(), []))
    while pending:
        pid = pending.pop()
        total += _memory_mb(pid, "smaps_rollup", ("Private_Clean:", "Private_Dirty:"))
        pending.extend(children.get(pid, []))
    return total


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _mb(values: list[float]) -> str:
    quarters = values[:: SAMPLES // 4]
    return " ".join(f"{value:.0f}" for value in quarters) + " MB"


def _growth(values: list[float], reports: int) -> str:
    """The trend over the second half of the run, per report (the first half fills caches):
    the least-squares slope of all its readings, which one noisy reading barely moves."""
    if reports < SAMPLES:
        return f"goal: no growth; too short a run for a trend (--reports {SAMPLES} or more)"
    half = values[SAMPLES // 2 :]
    done = [reports * step // SAMPLES for step in range(SAMPLES // 2, SAMPLES + 1)]
    slope = statistics.linear_regression(done, half).slope
    # Chromium's readings swing by megabytes as V8 collects garbage: over a short run such a
    # swing alone makes a steep slope, which the spread of the readings puts in proportion.
    return (
        f"goal: no growth; second half {slope * KB_PER_MB:+.1f} KB a report, "
        f"its readings within {max(half) - min(half):.1f} MB"
    )


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _goal(met: bool, goal: str) -> str:
    return f"<= {goal} {'ok' if met else 'MISSED'}"


if __name__ == "__main__":
    main()
