"""Prints req/s and p99 of the survey page and of full submissions, served as in production.

    .venv/bin/python benchmarks/bench_survey.py [--duration 20] [--workers 2] [--no-sqlite]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]  (--postgres "" skips it)

gunicorn with the Dockerfile's 2 sync workers on 127.0.0.1, loaded by wrk (Debian's `wrk`)
on the same machine with 8 connections for 20 s. Goals: the survey page GET >= 300 req/s
with p99 <= 80 ms on SQLite; full submissions (every item answered, comments included, a
fresh rater each time) >= 160/s with p99 <= 200 ms on SQLite (WAL) and >= 300/s on
PostgreSQL. PostgreSQL runs in a database created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from flask import session
from flask_migrate import upgrade
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from service import create_app
from service.config import with_postgres_driver
from service.extensions import db
from service.models import Rater
from service.services.people import create_person
from service.services.rounds import create_round, launch_round
from service.services.survey import save_draft
from service.web.survey.session import sign_in
from surveys.instrument import load_instrument

CONNECTIONS, THREADS = 8, 2
WORKERS = 2  # as in the Dockerfile's gunicorn command
RATERS_PER_ROUND = 500
INSTRUMENT = load_instrument("soft-skills")
COMMENT = (
    "In the March planning meeting she stopped the discussion to ask the quietest person "
    "what they thought, and it changed the plan for the better. More of that, please. "
)
# Each wrk thread posts its own share of the prepared submissions: one rater per request.
SUBMIT_LUA = """
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local path, threads = args[1], tonumber(args[2])
  requests = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % threads == id then
      local cookie, body = line:match("([^\\t]*)\\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/survey", {
        ["Cookie"] = "session=" .. cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body)
    end
    line_number = line_number + 1
  end
  sent = 0
end
function request()
  sent = sent + 1
  return requests[(sent - 1) % #requests + 1]
end
"""


@dataclass
class Result:
    name: str
    requests_per_s: float
    p99_ms: float
    requests: int
    failures: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def full_answers() -> dict[str, str]:
    form = {f"answer-{item}": str(1 + n % 5) for n, item in enumerate(INSTRUMENT.item_ids)}
    form |= {f"comment-{key}": COMMENT for key in INSTRUMENT.comment_keys}
    return form


def prepare(environ: dict[str, str], raters: int) -> tuple[str, list[str]]:
    """Migrate, add open rounds with `raters` raters; return (page cookie, submit lines)."""
    app = create_app({"TESTING": False, **environ_config(environ)})
    with app.app_context():
        upgrade()
        hr = create_person("hr@bench.example", "Hana Reyes", "hr")
        deadline = datetime.now(UTC) + timedelta(days=7)
        signed_in = []
        for round_number in range((raters + RATERS_PER_ROUND - 1) // RATERS_PER_ROUND):
            round_ = create_round(
                hr.id,
                deadline=deadline,
                raters=[
                    {
                        "name": f"Rater {round_number}-{n}",
                        "email": f"r{round_number}-{n}@bench.example",
                        "relationship": "peer",
                    }
                    for n in range(RATERS_PER_ROUND)
                ],
            )
            links = launch_round(hr.id, round_.id)
            signed_in += [SimpleNamespace(id=r.id, token=token) for r, token in links]
        # The last rater, with a half-finished draft, is the one whose page is measured.
        half = INSTRUMENT.item_ids[: len(INSTRUMENT.item_ids) // 2]
        save_draft(signed_in[-1].id, dict.fromkeys(half, 4), {"empathy": COMMENT})
        db.engine.dispose()
    serializer = app.session_interface.get_signing_serializer(app)
    lines = []
    for rater in signed_in:
        # The cookie and CSRF token a browser gets from opening the link, made by the app's
        # own code; each request context brings a fresh app context, so no token is reused.
        with app.test_request_context():
            sign_in(rater, rater.token)
            form = {"csrf_token": generate_csrf(), "action": "submit", **full_answers()}
            lines.append(f"{serializer.dumps(dict(session))}\t{urlencode(form)}")
    page_cookie = lines.pop().split("\t", 1)[0]
    return page_cookie, lines


def environ_config(environ: dict[str, str]) -> dict[str, str]:
    return {
        "SQLALCHEMY_DATABASE_URI": with_postgres_driver(environ["DATABASE_URL"]),
        "SECRET_KEY": environ["SECRET_KEY"],
        "INSTANCE_PATH": environ["INSTANCE_PATH"],
    }


def settle(database_url: str) -> None:
    """Let PostgreSQL write out the prepared data, so the measured run does not pay for it.

    No ANALYZE: statistics taken while the answer tables are still empty make SQLite plan
    a full scan for every later DELETE of a rater's answers, which halves the rate.
    """
    engine = create_engine(with_postgres_driver(database_url), isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("CHECKPOINT"))
    engine.dispose()


def count_submitted(database_url: str) -> int:
    engine = create_engine(with_postgres_driver(database_url))
    with engine.connect() as connection:
        submitted = connection.execute(
            select(func.count()).select_from(Rater).where(Rater.response_status == "submitted")
        ).scalar_one()
    engine.dispose()
    return submitted


class Gunicorn:
    """The Dockerfile's server command, on a free local port."""

    def __init__(self, environ: dict[str, str], workers: int):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                *(sys.executable, "-m", "gunicorn"),
                *("--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"),
                *("--access-logfile", "-", "service.wsgi:app"),
            ],
            env={**os.environ, **environ},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/openapi.json", timeout=5).close()  # noqa: S310
                return
            except OSError:  # not listening yet, or still starting its workers
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start within 30 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url: str, duration: int, *options: str, script_args: tuple[str, ...] = ()):
    """(requests/s, p99 ms, requests, non-2xx/3xx responses) from one wrk run."""
    output = subprocess.run(  # noqa: S603 - a fixed command line
        [
            *("wrk", "--latency", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s"),
            *("--timeout", "10s", *options, url),
            *(("--", *script_args) if script_args else ()),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*", output)
    if errors:
        print(f"   wrk: {errors.group(0)}")
    return rate, p99_ms, requests, int(failed.group(1)) if failed else 0


def run(
    label: str, database_url: str, duration: int, raters: int, *, page: bool, workers: int
) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-survey-") as instance:
        environ = {
            "DATABASE_URL": database_url or f"sqlite:///{instance}/bench.sqlite3",
            "SECRET_KEY": secrets.token_hex(32),
            "INSTANCE_PATH": instance,
        }
        print(f"-- {label}: preparing {raters:,} raters …", flush=True)
        page_cookie, lines = prepare(environ, raters)
        settle(environ["DATABASE_URL"])
        requests_file = Path(instance) / "submissions.tsv"
        requests_file.write_text("\n".join(lines) + "\n")
        script = Path(instance) / "submit.lua"
        script.write_text(SUBMIT_LUA)
        server = Gunicorn(environ, workers)
        results = []
        try:
            if page:
                rate, p99, count, failed = wrk(
                    f"{server.url}/survey", duration, "-H", f"Cookie: session={page_cookie}"
                )
                results.append(Result(f"survey page GET, {label}", rate, p99, count, failed))
            rate, p99, count, failed = wrk(
                f"{server.url}/survey",
                duration,
                *("-s", str(script)),
                script_args=(str(requests_file), str(THREADS)),
            )
            results.append(Result(f"full submissions, {label}", rate, p99, count, failed))
        finally:
            server.stop()
        submitted = count_submitted(environ["DATABASE_URL"])
        print(f"   {submitted:,} submissions stored for {count - failed:,} successful requests")
        if count > len(lines):
            print(f"   warning: only {len(lines):,} raters were prepared; raise their number")
        return results


def postgres_database(server_url: str):
    """Create a database for the run on the server; return (its URL, a drop function)."""
    name = f"feedback360_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(with_postgres_driver(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return server_url.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument(
        "--sqlite", action=argparse.BooleanOptionalAction, default=True, help="measure SQLite"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="PostgreSQL server to create the run's database on ('' to skip)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is missing: install it with `apt-get install -y wrk` (make bench does)"
        )
    # Enough fresh raters for a rate well past the goals; a reused rater would get 409.
    raters = 600 * args.duration
    results = []
    if args.sqlite:
        results += run("SQLite", "", args.duration, raters, page=True, workers=args.workers)
    if args.postgres:
        try:
            url, drop = postgres_database(args.postgres)
        except OperationalError as error:
            print(f"-- PostgreSQL skipped: {args.postgres} is not reachable ({error})")
        else:
            try:
                results += run(
                    "PostgreSQL", url, args.duration, raters, page=False, workers=args.workers
                )
            finally:
                drop()
    print(
        f"\ngunicorn {args.workers} workers, wrk {CONNECTIONS} connections, {args.duration} s each:"
    )
    for result in results:
        failures = f", {result.failures} failed" if result.failures else ""
        print(
            f"  {result.name:<32} {result.requests_per_s:8.1f} req/s   "
            f"p99 {result.p99_ms:6.1f} ms   ({result.requests:,} requests{failures})"
        )


if __name__ == "__main__":
    main()
