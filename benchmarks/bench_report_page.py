"""Prints what the report page of the demo's closed round weighs and how fast a warm request is.

    .venv/bin/python benchmarks/bench_report_page.py [--requests 30]

Builds the demo (a closed round about Maya Lind with 11 responses, as `make run` does) on a
fresh SQLite database, signs in as Maya with the Flask test client and asks for
/rounds/<id>/report: the first request renders the report's body (or reads the one the
worker stored at the close), every later one reads the stored body and wraps it in the site's
layout. Goals: a warm request <= 300 ms (median and p95 of 30); page + stylesheets + scripts
+ images <= 500 KB gzip-compressed. The test client does not compress: the gzip sizes are
computed here, gzip (level 6) of each response body, as a server compressing them would send.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from flask_migrate import upgrade

from service import create_app
from service.services.demo import load_demo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.machine_speed import describe

KB = 1024
GOAL_MS = 300
GOAL_GZIP_KB = 500
# What the page loads: stylesheets, scripts and images (charts inline are data: URLs, part of
# the page's own bytes).
ASSET = re.compile(r'<(?:link rel="stylesheet"|script\b|img\b)[^>]*?(?:href|src)="(/[^"]+)"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="warm requests timed")
    options = parser.parse_args(argv)
    print(describe(), flush=True)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
                "INSTANCE_PATH": instance,
                "BASE_URL": "http://127.0.0.1:5000",
                "JOBS_IMMEDIATE": True,  # the close renders the report, as the worker would
            }
        )
        with app.app_context():
            upgrade()
            demo = load_demo()
        client = app.test_client()
        _sign_in(client, urlparse(demo.member_sign_in_link).path)
        url = f"/rounds/{demo.closed_round_id}/report"

        started = time.perf_counter()
        page = _get(client, url)
        first_ms = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(options.requests):
            started = time.perf_counter()
            _get(client, url)
            times.append((time.perf_counter() - started) * 1000)

        rows = [(url, page)]
        rows += [
            (asset, _get(client, asset)) for asset in dict.fromkeys(ASSET.findall(page.decode()))
        ]

    median, p95 = statistics.median(times), _p95(times)
    raw = sum(len(body) for _, body in rows)
    packed = sum(len(gzip.compress(body, 6)) for _, body in rows)
    print("\nreport page of the demo's closed round (radar + 7 bar charts, inline SVG)")
    print(f"  {'what':<52} {'bytes':>9} {'gzip':>9}")
    for name, body in rows:
        shown = "the page (HTML, charts inline)" if name == url else name
        print(f"  {shown:<52} {len(body):>9,} {len(gzip.compress(body, 6)):>9,}")
    print(
        f"  {'total':<52} {raw:>9,} {packed:>9,}  "
        f"{_goal(packed <= GOAL_GZIP_KB * KB, f'{GOAL_GZIP_KB} KB gzip')}"
    )
    print("  (gzip: computed here from each response body; the test client compresses nothing)")
    print(f"  first request (body read from the file the close stored): {first_ms:.0f} ms")
    print(
        f"  warm request, median of {len(times)}: {median:.1f} ms  "
        f"{_goal(median <= GOAL_MS, f'{GOAL_MS} ms')}"
    )
    print(
        f"  warm request, p95 of {len(times)}: {p95:.1f} ms  "
        f"{_goal(p95 <= GOAL_MS, f'{GOAL_MS} ms')}"
    )


def _sign_in(client, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post(path, data={"csrf_token": csrf})
    if response.status_code != 303:
        raise SystemExit(f"signing in failed: {response.status_code}")


def _get(client, path: str) -> bytes:
    with client.get(path) as response:
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        return response.get_data()


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _goal(met: bool, goal: str) -> str:
    return f"{'met' if met else 'MISSED'} (goal {goal})"


if __name__ == "__main__":
    main()
