"""Prints req/s and p99 of the survey page and of full submissions, served as in production.

    .venv/bin/python benchmarks/bench_survey.py [--duration 20] [--workers 2] [--no-sqlite]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]  (--postgres "" skips it)

gunicorn with the Dockerfile's 2 sync workers on 127.0.0.1, loaded by wrk (Debian's `wrk`)
on the same machine with 8 connections for 20 s. Goals: the survey page GET >= 300 req/s
with p99 <= 80 ms on SQLite; full submissions (every item answered, comments included, a
fresh rater each time) >= 160/s with p99 <= 200 ms on SQLite (WAL) and >= 300/s on
PostgreSQL. PostgreSQL runs in a database created for the run and dropped afterwards.

On Linux it also prints the CPU time each request cost the gunicorn workers and, on
PostgreSQL, the server processes serving them: unlike req/s, those figures barely move
when other work shares the machine, and 2 cores / (their sum + wrk's) bounds the rate.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.machine_speed import describe

CONNECTIONS, THREADS = 8, 2
WORKERS, THREADS_PER_WORKER = 2, 1  # as in the Dockerfile's gunicorn command
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
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    cpu: str = ""  # CPU time per request, where it could be read


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far; 0 once it is gone or off Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
    return children


class CpuMeter:
    """CPU time of gunicorn's workers and of the PostgreSQL backends serving this database."""

    def __init__(self, server: Gunicorn, database_url: str):
        self.server = server
        self.engine = None
        if database_url.startswith("postgres"):
            self.engine = create_engine(
                with_postgres_driver(database_url), isolation_level="AUTOCOMMIT"
            )

    def _backends(self) -> list[int]:
        if self.engine is None:
            return []
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    )
                ).scalars()
            )

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        workers = {pid: cpu_seconds(pid) for pid in child_pids(self.server.process.pid)}
        return workers, {pid: cpu_seconds(pid) for pid in self._backends()}

    def per_request(self, before, after, requests: int) -> str:
        if not Path("/proc/self/stat").exists() or not requests:
            return ""
        parts = []
        for name, start, end in zip(("gunicorn", "PostgreSQL"), before, after, strict=True):
            if end:
                spent = sum(cpu - start.get(pid, 0.0) for pid, cpu in end.items())
                parts.append(f"{name} {1000 * spent / requests:.1f}")
        return "CPU ms/request: " + ", ".join(parts)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


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
    # Links handed to HR at launch (as an organisation that sends them itself would have
    # them), so each rater's session can be prepared without reading emails.
    app = create_app({"TESTING": False, "SURVEY_LINKS_IN_API": True, **environ_config(environ)})
    with app.app_context():
        upgrade()
        hr = create_person("hr@bench.example", "Hana Reyes", "hr")
        deadline = datetime.now(UTC) + timedelta(days=7)
        signed_in = []
        for round_number in range((raters + RATERS_PER_ROUND - 1) // RATERS_PER_ROUND):
            # A round about someone else: on a round about themselves HR is its subject, and
            # a subject is never handed a rater's link.
            subject = create_person(
                f"s{round_number}@bench.example", f"Subject {round_number}", "member"
            )
            round_ = create_round(
                hr.id,
                deadline=deadline,
                subject_email=subject.email,
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

    def __init__(self, environ: dict[str, str], workers: int, threads: int = 1):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                *(sys.executable, "-m", "gunicorn"),
                *("--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"),
                *(("--threads", str(threads)) if threads > 1 else ()),
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


def _latency_ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, duration: int, *options: str, script_args: tuple[str, ...] = ()):
    """(requests/s, p50 ms, p99 ms, requests, non-2xx/3xx responses) from one wrk run."""
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
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*", output)
    if errors:
        print(f"   wrk: {errors.group(0)}")
    failures = int(failed.group(1)) if failed else 0
    return rate, _latency_ms(output, "50"), _latency_ms(output, "99"), requests, failures


def run(
    label: str,
    database_url: str,
    duration: int,
    raters: int,
    *,
    page: bool,
    workers: int,
    threads: int = 1,
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
        server = Gunicorn(environ, workers, threads)
        meter = CpuMeter(server, environ["DATABASE_URL"])
        results = []
        try:
            if page:
                before = meter.sample()
                rate, p50, p99, count, failed = wrk(
                    f"{server.url}/survey", duration, "-H", f"Cookie: session={page_cookie}"
                )
                cpu = meter.per_request(before, meter.sample(), count)
                results.append(
                    Result(f"survey page GET, {label}", rate, p50, p99, count, failed, cpu)
                )
            before = meter.sample()
            rate, p50, p99, count, failed = wrk(
                f"{server.url}/survey",
                duration,
                *("-s", str(script)),
                script_args=(str(requests_file), str(THREADS)),
            )
            cpu = meter.per_request(before, meter.sample(), count)
            results.append(Result(f"full submissions, {label}", rate, p50, p99, count, failed, cpu))
        finally:
            meter.close()
            server.stop()
        submitted = count_submitted(environ["DATABASE_URL"])
        print(f"   {submitted:,} submissions stored for {count - failed:,} successful requests")
        if count > len(lines):
            print(
                f"   INVALID: only {len(lines):,} raters were prepared, so raters were reused "
                "(409s); raise their number"
            )
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
    parser.add_argument("--threads", type=int, default=THREADS_PER_WORKER, help="per worker")
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
    raters = 1500 * args.duration
    results = []
    if args.sqlite:
        results += run(
            "SQLite",
            "",
            args.duration,
            raters,
            page=True,
            workers=args.workers,
            threads=args.threads,
        )
    if args.postgres:
        try:
            url, drop = postgres_database(args.postgres)
        except OperationalError as error:
            print(f"-- PostgreSQL skipped: {args.postgres} is not reachable ({error})")
        else:
            try:
                results += run(
                    "PostgreSQL",
                    url,
                    args.duration,
                    raters,
                    page=False,
                    workers=args.workers,
                    threads=args.threads,
                )
            finally:
                drop()
    threads = f" x {args.threads} threads" if args.threads > 1 else ""
    print(f"\n{describe()}")
    print(
        f"gunicorn {args.workers} workers{threads}, wrk {CONNECTIONS} connections, "
        f"{args.duration} s each:"
    )
    for result in results:
        failures = f", {result.failures} failed" if result.failures else ""
        print(
            f"  {result.name:<32} {result.requests_per_s:8.1f} req/s   "
            f"p50 {result.p50_ms:6.1f} ms   p99 {result.p99_ms:6.1f} ms   "
            f"({result.requests:,} requests{failures})"
        )
        if result.cpu:
            print(f"  {'':<32} {result.cpu}")


if __name__ == "__main__":
    main()
