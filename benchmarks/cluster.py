"""Several processes on PostgreSQL and Redis, under load and failure, on this one machine.

    .venv/bin/python benchmarks/cluster.py [--duration 180] [--quick]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
        [--redis redis://127.0.0.1:6379/15]

Two gunicorn instances (2 workers each, the Dockerfile's) on two loopback ports behind
HAProxy (health-checking /healthz), two `feedback360 worker` processes on Redis, PostgreSQL,
and an aiosmtpd server that records every message. Locust (headless, benchmarks/
cluster_locustfile.py) drives 300 raters (open the link, read the page, save a draft,
submit, once each, their starts spread over the run) and 20 HR people (dashboard, rounds,
a round's page, the report page and PDF) through the proxy for `--duration` seconds. At
the middle the script launches 10 more rounds (300 invitations), SIGKILLs one web instance
(its whole process group) and one worker while those invitations are being sent, and
starts both again a few seconds later.

Afterwards it prints: whether every submission Locust saw acknowledged (303) is stored
exactly once; whether every invitation of the launched rounds reached the mail server,
with duplicates; the error rate outside the kill window; p50/p99 per request type; and
the rate of a rater's page read and autosave with both web instances, then with one
(a short second phase with HAProxy sending nothing to the other).

Everything binds to 127.0.0.1. The database `feedback360_cluster` is created for the run
and dropped afterwards, the Redis database (15 by default) is emptied before and after,
and every process started is stopped, on failure and Ctrl-C too. Needs HAProxy (Debian's
`haproxy`; `make bench` installs it) and the `bench` extra (Locust).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import bindparam, create_engine, inspect, text

# This checkout's code, in this process and every process it starts, whatever else the
# environment has installed.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_survey import free_port  # noqa: E402
from benchmarks.machine_speed import describe  # noqa: E402
from service import create_app  # noqa: E402
from service.config import with_postgres_driver  # noqa: E402
from service.extensions import db  # noqa: E402
from service.services.demo import load_demo  # noqa: E402
from service.services.people import create_person, issue_api_token  # noqa: E402
from service.services.rounds import create_round, launch_round  # noqa: E402
from service.services.sign_in import set_password  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE = "feedback360_cluster"
RATERS_PER_ROUND = 30  # the subject's self-assessment and 29 others
WEB_WORKERS = 2  # per gunicorn instance, as in the Dockerfile
# The mail server takes this long to accept each message, as a real one does, so the
# invitations launched at the middle are still being sent when a worker is killed.
SMTP_DELAY = 0.1
ERROR_GOAL = 0.01


# --- processes ---------------------------------------------------------------------------


class Processes:
    """Every process the run starts, each in its own process group, so a kill or the final
    stop reaches its children too (gunicorn's workers)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - fixed command lines
            command,
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the whole group, as a crash of the machine's process would."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name: str, grace: float = 15.0) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=grace)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def wait_for(url: str, seconds: float = 60.0) -> None:
    """Until the address answers 200; the last answer is in the message otherwise."""
    deadline = time.monotonic() + seconds
    last = "nothing"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read()[:500]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s; last: {last}")


# --- the mail server ---------------------------------------------------------------------


class Mailbox:
    """When each address received each of its messages."""

    def __init__(self):
        self.arrivals: defaultdict[str, list[float]] = defaultdict(list)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY)
        for address in envelope.rcpt_tos:
            self.arrivals[address.lower()].append(time.time())
        return "250 Message accepted"

    def received(self, address: str) -> int:
        return len(self.arrivals.get(address, ()))


# --- HAProxy -----------------------------------------------------------------------------

HAPROXY_CONFIG = """\
global
    maxconn 2000
    stats socket {socket} mode 600 level admin
    log stdout format raw local0


defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # gunicorn's sync workers serve one request each: HAProxy holds the rest in its queue
    # (maxconn below), so a health check never waits behind a backlog in gunicorn.
    timeout queue 60s
    timeout check 5s
    # A connection refused by a dead instance is tried again on the other one (at every
    # retry); a request already sent is never repeated.
    retries 3
    option redispatch 1

frontend cluster
    bind 127.0.0.1:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /healthz
    default-server {server_options}
{servers}
"""


SERVER_OPTIONS = (
    *("inter 1s", "fall 2", "rise 2", f"maxconn {WEB_WORKERS}"),
    # A refused connection marks the instance down at once, from live traffic, so the
    # retries go elsewhere instead of to the dead instance until its checks fail.
    *("observe layer4", "error-limit 1", "on-error mark-down"),
)


class Proxy:
    def __init__(self, folder: Path, web_ports: dict[str, int]):
        self.port = free_port()
        self.socket = folder / "haproxy.sock"
        self.config = folder / "haproxy.cfg"
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check" for name, port in web_ports.items()
        )
        self.config.write_text(
            HAPROXY_CONFIG.format(
                socket=self.socket,
                port=self.port,
                servers=servers,
                server_options=" ".join(SERVER_OPTIONS),
            )
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *words: str) -> str:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.socket))
            connection.sendall((" ".join(words) + "\n").encode())
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_status(self) -> dict[str, str]:
        rows = csv.reader(self.command("show", "stat").lstrip("# ").splitlines())
        header = next(rows)
        name, status = header.index("svname"), header.index("status")
        return {row[name]: row[status] for row in rows if len(row) > status}

    def wait_until(self, server: str, status: str, seconds: float = 60.0) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.server_status().get(server) == status:
                return time.time()
            time.sleep(0.1)
        raise SystemExit(f"HAProxy did not see {server} {status} within {seconds:.0f} s")


# --- the cluster -------------------------------------------------------------------------


@dataclass
class Cluster:
    folder: Path
    environ: dict[str, str]
    processes: Processes
    web_ports: dict[str, int] = field(default_factory=dict)
    starts: Counter[str] = field(default_factory=Counter)

    def start_web(self, name: str) -> None:
        # Each start gets an empty metrics folder, as gunicorn_conf asks of a given one.
        self.starts[name] += 1
        metrics = self.folder / f"metrics-{name}-{self.starts[name]}"
        metrics.mkdir()
        self.processes.start(
            name,
            [
                str(BIN / "gunicorn"),
                *("-c", "python:service.gunicorn_conf"),
                *("--bind", f"127.0.0.1:{self.web_ports[name]}"),
                *("--workers", str(WEB_WORKERS), "service.wsgi:app"),
            ],
            {**self.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
        )

    def start_worker(self, name: str) -> None:
        self.processes.start(name, [str(BIN / "feedback360"), "worker"], self.environ)

    def web_ready(self, name: str) -> None:
        wait_for(f"http://127.0.0.1:{self.web_ports[name]}/healthz")


def create_database(server_url: str) -> str:
    admin = create_engine(with_postgres_driver(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + DATABASE


def drop_database(server_url: str) -> None:
    admin = create_engine(with_postgres_driver(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def _rater_specs(tag: str) -> list[dict[str, str]]:
    return [
        {"name": f"Rater {tag}-{n}", "email": f"r{tag}-{n}@cluster.example", "relationship": r}
        for n, r in enumerate(["manager"] + ["peer"] * 14 + ["direct_report"] * 14)
    ]


def seed(environ: dict[str, str], raters: int, hr_users: int) -> dict:
    """Migrate; the demo (a closed round with its report), HR people with passwords, open
    rounds for `raters` raters (their links, as HR receives them with SURVEY_LINKS_IN_API),
    and draft rounds to launch at the middle of the run."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": with_postgres_driver(environ["DATABASE_URL"]),
            "SECRET_KEY": environ["SECRET_KEY"],
            "INSTANCE_PATH": environ["INSTANCE_PATH"],
            "REDIS_URL": environ["REDIS_URL"],
            "BASE_URL": environ["BASE_URL"],
            "SURVEY_LINKS_IN_API": True,
        }
    )
    rounds = -(-raters // RATERS_PER_ROUND)
    with app.app_context():
        upgrade()
        demo = load_demo()
        hr_people = []
        for n in range(hr_users):
            person = create_person(f"hr{n}@cluster.example", f"Hana Reyes {n}", "hr")
            password = secrets.token_urlsafe(12)
            set_password(person.id, password)
            hr_people.append({"email": person.email, "password": password})
        launcher = create_person("launcher@cluster.example", "Lena Launcher", "hr")
        deadline = datetime.now(UTC) + timedelta(days=14)
        open_rounds, links, expected, drafts = [], [], [], []
        for n in range(2 * rounds):
            subject = create_person(f"subject{n}@cluster.example", f"Sam Subject {n}", "member")
            round_ = create_round(
                launcher.id,
                deadline=deadline,
                subject_email=subject.email,
                raters=_rater_specs(str(n)),
            )
            if n >= rounds:  # launched at the middle of the run
                drafts.append(round_.id)
                continue
            open_rounds.append(round_.id)
            for rater, token in launch_round(launcher.id, round_.id):
                links.append({"id": rater.id, "round": round_.id, "path": f"/s/{token}"})
                expected.append(rater.email)
        token = issue_api_token(launcher.id)
        db.engine.dispose()
    return {
        "raters": links[:raters],
        "hr_users": hr_people,
        "open_rounds": open_rounds,
        "closed_round": demo.closed_round_id,
        "draft_rounds": drafts,
        "launcher_token": token,
        "expected_invitations": expected,
    }


class Launcher(threading.Thread):
    """Launches the draft rounds as HR does, through the proxy, while the kill happens."""

    def __init__(self, proxy: Proxy, token: str, round_ids: list[str]):
        super().__init__(daemon=True)
        self.proxy, self.token, self.round_ids = proxy, token, round_ids
        self.paths: list[str] = []  # the raters' links, from the launches that answered
        self.failures: list[str] = []
        self.first_answer = threading.Event()

    def run(self) -> None:
        for round_id in self.round_ids:
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"{self.proxy.url}/api/v1/rounds/{round_id}/launch",
                method="POST",
                headers={"Authorization": f"Bearer {self.token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                    launched = json.load(answer)
                self.paths += [
                    "/s/" + rater["survey_url"].rsplit("/s/", 1)[1] for rater in launched["raters"]
                ]
            except OSError as error:  # HTTPError included: the check counts what was launched
                self.failures.append(f"{round_id}: {error}")
            self.first_answer.set()


# --- Locust ------------------------------------------------------------------------------


@dataclass
class Request:
    start: float
    end: float
    name: str
    status: int
    ms: float
    error: str

    @property
    def failed(self) -> bool:
        return bool(self.error)


def run_locust(
    processes: Processes,
    name: str,
    plan: dict,
    proxy: Proxy,
    users: int,
    seconds: int,
    classes: list[str],
) -> None:
    plan_file = processes.logs / f"plan-{name}.json"
    plan_file.write_text(json.dumps(plan))
    processes.start(
        f"locust-{name}",
        [
            str(BIN / "locust"),
            *("-f", str(ROOT / "benchmarks" / "cluster_locustfile.py")),
            *("--headless", "--only-summary", "--loglevel", "WARNING"),
            # Users finish the journey in hand when the time is up, so a submission is
            # cut off only by the kill.
            *("--stop-timeout", "60"),
            *("--users", str(users), "--spawn-rate", "100", "--run-time", f"{seconds}s"),
            *("--host", proxy.url, *classes),
        ],
        {
            **os.environ,
            "CLUSTER_PLAN": str(plan_file),
            "CLUSTER_OUT": str(processes.logs / f"out-{name}"),
        },
    )


def finish_locust(processes: Processes, name: str, seconds: int):
    """Wait for the Locust run to end; (every request it made, the raters acknowledged)."""
    folder = processes.logs
    try:
        processes.running[f"locust-{name}"].wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"Locust ({name}) did not stop; see {folder}/locust-{name}.log") from None
    processes.running.pop(f"locust-{name}")
    out = folder / f"out-{name}"
    if not (out / "requests.csv").exists():
        log = (folder / f"locust-{name}.log").read_text()[-3000:]
        raise SystemExit(f"Locust ({name}) wrote no results:\n{log}")
    with (out / "requests.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    requests = [
        Request(
            float(r["start"]),
            float(r["end"]),
            r["name"],
            int(r["status"]),
            float(r["ms"]),
            r["error"],
        )
        for r in rows
    ]
    return requests, json.loads((out / "acknowledged.json").read_text())


# --- checks ------------------------------------------------------------------------------


def stored_submissions(database_url: str) -> tuple[dict[str, set[str]], dict[str, int], str]:
    """(submitted raters per round, stored responses per round, how they were counted).

    A response is counted where it is stored: in a table of responses with a round (answers
    kept apart from raters), else as the raters whose answers are stored."""
    engine = create_engine(with_postgres_driver(database_url))
    tables = inspect(engine)
    with engine.connect() as connection:
        submitted: dict[str, set[str]] = defaultdict(set)
        for rater_id, round_id in connection.execute(
            text("SELECT id, round_id FROM raters WHERE response_status = 'submitted'")
        ):
            submitted[round_id].add(rater_id)
        responses_table = "responses" in tables.get_table_names() and "round_id" in {
            column["name"] for column in tables.get_columns("responses")
        }
        if responses_table:
            query = "SELECT round_id, count(*) FROM responses GROUP BY round_id"
            how = "rows of the responses table per round"
        else:
            query = (
                "SELECT r.round_id, count(DISTINCT a.rater_id) FROM answers a "
                "JOIN raters r ON r.id = a.rater_id WHERE r.response_status = 'submitted' "
                "GROUP BY r.round_id"
            )
            how = "submitted raters with stored answers per round"
        stored = dict(connection.execute(text(query)).all())
        jobs = dict(
            connection.execute(text("SELECT status, count(*) FROM jobs GROUP BY status")).all()
        )
    engine.dispose()
    print(f"   jobs by status: {jobs}")
    return submitted, stored, how


# client:port [date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes cookies state …
PROXY_LINE = re.compile(
    r" \S+/(\S+) [-\d]+/[-\d]+/[-\d]+/[-\d]+/[-\d]+ (\d{3}) \S+ \S+ \S+ (\S{4}) "
)


def proxy_errors(log: Path) -> tuple[Counter[str], list[str]]:
    """HAProxy's answers of 500 or more, by server, status and termination state (the
    first letters say who ended the request and how: see HAProxy's manual, 8.5), and their
    log lines (with the timers, Tq/Tw/Tc/Tr/Ta in ms)."""
    errors: Counter[str] = Counter()
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        if (found := PROXY_LINE.search(line)) and found.group(2) >= "500":
            server, status, state = found.groups()
            errors[f"{server} {status} {state}"] += 1
            lines.append(line)
    return errors, lines


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_requests(requests: list[Request], window: tuple[float, float]) -> bool:
    inside = [r for r in requests if r.end >= window[0] and r.start <= window[1]]
    outside = [r for r in requests if not (r.end >= window[0] and r.start <= window[1])]
    failed_out = [r for r in outside if r.failed]
    failed_in = [r for r in inside if r.failed]
    rate = len(failed_out) / len(outside) if outside else 0.0
    print(f"\nRequests: {len(requests):,} in all")
    print(
        f"  outside the kill window: {len(outside):,}, failed {len(failed_out)} "
        f"({100 * rate:.2f} %; goal < {100 * ERROR_GOAL:.0f} %)"
    )
    print(
        f"  inside the kill window ({window[1] - window[0]:.1f} s): {len(inside):,}, "
        f"failed {len(failed_in)}"
    )
    for label, failures in (("outside", failed_out), ("inside", failed_in)):
        kinds = Counter(f"{r.name}: {r.status} {r.error[:90]}" for r in failures)
        for kind, count in kinds.most_common(6):
            print(f"    {label}: {count} x {kind}")
    print(f"\n  {'request':<16} {'count':>6} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8}")
    by_name = defaultdict(list)
    for r in requests:
        by_name[r.name].append(r)
    for name, group in sorted(by_name.items()):
        times = [r.ms for r in group if not r.failed] or [0.0]
        print(
            f"  {name:<16} {len(group):>6} {sum(r.failed for r in group):>6} "
            f"{percentile(times, 0.5):>8.0f} {percentile(times, 0.99):>8.0f}"
        )
    return rate < ERROR_GOAL


def check_submissions(database_url: str, acknowledged: list[str], raters: list[dict]) -> bool:
    submitted, stored, how = stored_submissions(database_url)
    round_of = {r["id"]: r["round"] for r in raters}
    ours = {r["round"] for r in raters}
    all_submitted = set().union(*(submitted[round_id] for round_id in ours))
    lost = [rater for rater in acknowledged if rater not in all_submitted]
    twice = len(acknowledged) - len(set(acknowledged))
    mismatched = {
        round_id: (len(submitted[round_id]), stored.get(round_id, 0))
        for round_id in ours
        if len(submitted[round_id]) != stored.get(round_id, 0)
    }
    unacknowledged = len(all_submitted - set(acknowledged))
    print(
        f"\nSubmissions: {len(acknowledged)} acknowledged (303) of {len(raters)} raters; "
        f"{len(all_submitted)} stored as submitted; counted as {how}"
    )
    print(
        f"  acknowledged but not stored: {len(lost)}; acknowledged twice: {twice}; rounds "
        f"whose submitted raters and stored responses differ: {len(mismatched)} {mismatched or ''}"
    )
    print(f"  stored but never acknowledged (answer lost on the way back): {unacknowledged}")
    by_round = Counter(round_of[rater] for rater in acknowledged)
    short = {r: n for r, n in by_round.items() if stored.get(r, 0) < n}
    if short:
        print(f"  rounds storing fewer responses than acknowledged: {short}")
    return not lost and not twice and not mismatched and not short


def invitations_at(mailbox: Mailbox, expected: list[str], deadline: float) -> float:
    """Wait until each address has a message, or the deadline; the seconds waited."""
    wanted = {email.lower() for email in expected}
    started = time.monotonic()
    while time.time() < deadline and any(mailbox.received(e) == 0 for e in wanted):
        time.sleep(0.5)
    return time.monotonic() - started


def launched_invitations(database_url: str, round_ids: list[str]) -> list[str]:
    """The raters of those rounds that were launched (a launch cut off by the kill may have
    opened its round or not: the database says which)."""
    engine = create_engine(with_postgres_driver(database_url))
    with engine.connect() as connection:
        emails = connection.execute(
            text(
                "SELECT raters.email FROM raters JOIN rounds ON rounds.id = raters.round_id "
                "WHERE rounds.status <> 'draft' AND rounds.id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": round_ids},
        ).scalars()
        emails = list(emails)
    engine.dispose()
    return emails


def check_invitations(
    mailbox: Mailbox, expected: list[str], deadline: float, killed_at: float
) -> bool:
    wanted = {email.lower() for email in expected}
    waited = invitations_at(mailbox, expected, deadline)
    missing = sorted(e for e in wanted if mailbox.received(e) == 0)
    duplicates = {e: mailbox.arrivals[e] for e in wanted if mailbox.received(e) > 1}
    print(
        f"\nInvitations: {len(wanted)} expected, {len(wanted) - len(missing)} received, "
        f"{len(missing)} missing, {sum(len(t) - 1 for t in duplicates.values())} duplicates "
        f"(waited {waited:.0f} s after the load for the last ones)"
    )
    for address, arrivals in duplicates.items():
        times = ", ".join(f"{at - killed_at:+.2f} s" for at in arrivals)
        print(f"  {address} received at {times} from the kill")
    if missing:
        print(f"  missing, e.g.: {missing[:5]}")
    return not missing


def throughput(requests: list[Request], seconds: int) -> tuple[float, float, int]:
    """Successful requests per second after the first 3 s (users signing in), and p99."""
    if not requests:
        return 0.0, 0.0, 0
    begin = min(r.start for r in requests) + 3
    counted = [r for r in requests if r.start >= begin and not r.failed]
    failed = sum(r.failed for r in requests)
    return (
        len(counted) / max(1.0, seconds - 3),
        percentile([r.ms for r in counted] or [0], 0.99),
        failed,
    )


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load: other work on its 2 cores moves every figure."""
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


# --- the run -----------------------------------------------------------------------------


def run(args, folder: Path, processes: Processes) -> bool:
    database_url = create_database(args.postgres)
    queue = redis.Redis.from_url(args.redis)
    queue.flushdb()
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        web_ports = {"web1": free_port(), "web2": free_port()}
        proxy = Proxy(folder, web_ports)
        environ = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "INSTANCE_PATH": str(folder / "instance"),
            "REDIS_URL": args.redis,
            "RATELIMIT_STORAGE_URI": args.redis,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "BASE_URL": proxy.url,
            "SURVEY_LINKS_IN_API": "true",
            # The housekeeping picks up the emails of a killed worker; every minute here.
            "HOUSEKEEPING_MINUTES": "1",
        }
        print(f"-- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}")
        print(
            f"-- seeding {DATABASE}: {args.raters} raters, {args.hr_users} HR people …", flush=True
        )
        plan = seed(environ, args.raters, args.hr_users)
        cluster = Cluster(folder, environ, processes, web_ports)
        print("-- starting HAProxy, 2 web instances, 2 workers …", flush=True)
        for name in web_ports:
            cluster.start_web(name)
        for name in ("worker1", "worker2"):
            cluster.start_worker(name)
        for name in web_ports:
            cluster.web_ready(name)
        processes.start("haproxy", ["haproxy", "-db", "-f", str(proxy.config)], os.environ)
        wait_for(f"{proxy.url}/healthz")
        for name in web_ports:
            proxy.wait_until(name, "UP")
        wait_for(f"{proxy.url}/readyz", seconds=120)
        # Raters open the links of invitations they received: the load starts once every
        # invitation of the open rounds is at the mail server (an invitation still queued
        # when its rater submits is skipped, rightly, and would not arrive).
        invitations_at(mailbox, plan["expected_invitations"], time.time() + args.mail_wait)

        duration = args.duration
        plan |= {
            "started_at": time.time() + 3,  # Locust's start-up
            "spread": max(1.0, duration - 20 - 3 * min(5.0, duration / 30)),
            "think": min(5.0, duration / 30),
            "draft_raters": [],
        }
        print(
            f"-- Locust: {len(plan['raters'])} raters, {args.hr_users} HR people, {duration} s …",
            flush=True,
        )
        run_locust(
            processes,
            "main",
            plan,
            proxy,
            len(plan["raters"]) + args.hr_users,
            duration,
            ["RaterUser", "HRUser"],
        )
        started = time.time()
        time.sleep(max(0.0, started + duration / 2 - time.time()))
        # More rounds launched at the middle, so invitations are being sent at the kill.
        launcher = Launcher(proxy, plan["launcher_token"], plan["draft_rounds"])
        launcher.start()
        launcher.first_answer.wait(timeout=3)
        killed_at = time.time()
        processes.kill("web2")
        processes.kill("worker2")
        print(
            f"-- {killed_at - started:.0f} s: launching {len(plan['draft_rounds'])} more rounds; "
            "SIGKILLed web2 and worker2",
            flush=True,
        )
        time.sleep(args.down)
        cluster.start_web("web2")
        cluster.start_worker("worker2")
        cluster.web_ready("web2")
        back_at = proxy.wait_until("web2", "UP")
        print(f"-- web2 back in HAProxy {back_at - killed_at:.1f} s after the kill", flush=True)
        requests, acknowledged = finish_locust(processes, "main", duration)
        launcher.join(timeout=300)
        paths = launcher.paths
        print(
            f"-- launches at the middle: {len(paths)} links answered, failed: {launcher.failures}"
        )
        window = (killed_at, back_at)

        print(f"-- load average after the load: {load_average()}")
        ok_errors = report_requests(requests, window)
        errors, lines = proxy_errors(folder / "haproxy.log")
        for kind, count in errors.most_common():
            print(f"    HAProxy answered: {count} x {kind} (server, status, termination state)")
        for line in lines[:10]:
            print(f"      {line}")
        ok_submissions = check_submissions(database_url, acknowledged, plan["raters"])
        expected = launched_invitations(database_url, plan["open_rounds"] + plan["draft_rounds"])
        # A job a killed worker held is queued again 2 minutes after it was claimed, by the
        # next housekeeping (every minute here).
        ok_invitations = check_invitations(mailbox, expected, killed_at + args.mail_wait, killed_at)
        stored_submissions(database_url)

        print(
            f"\n-- throughput: raters reading the page and autosaving, {args.phase} s each …",
            flush=True,
        )
        rates = {}
        for servers in (2, 1):
            if servers == 1:
                proxy.command("disable", "server", "web/web2")
                proxy.wait_until("web2", "MAINT")
            run_locust(
                processes,
                f"phase{servers}",
                plan | {"draft_raters": paths},
                proxy,
                args.phase_users,
                args.phase,
                ["DraftUser"],
            )
            phase_requests, _ = finish_locust(processes, f"phase{servers}", args.phase)
            rates[servers] = throughput(phase_requests, args.phase)
        print(f"\n{describe()}; load average {load_average()}")
        for servers, (rate, p99, failed) in rates.items():
            print(
                f"  {servers} web instance{'s' if servers > 1 else ''}: {rate:.0f} req/s, "
                f"p99 {p99:.0f} ms, {failed} failed ({args.phase_users} Locust users, no pause)"
            )
        verdict = ok_errors and ok_submissions and ok_invitations
        print(
            f"\nGoals: no acknowledged submission lost {'met' if ok_submissions else 'MISSED'}; "
            f"no invitation lost {'met' if ok_invitations else 'MISSED'}; errors < 1 % outside "
            f"the kill window {'met' if ok_errors else 'MISSED'}"
        )
        return verdict
    finally:
        processes.stop_all()
        smtp.stop()
        queue.flushdb()
        queue.close()
        drop_database(args.postgres)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 40 s, short phases")
    parser.add_argument("--raters", type=int, default=300)
    parser.add_argument("--hr-users", type=int, default=20)
    parser.add_argument("--down", type=float, default=5.0, help="seconds the killed stay down")
    parser.add_argument("--phase", type=int, default=20, help="seconds of each throughput phase")
    parser.add_argument("--phase-users", type=int, default=16)
    parser.add_argument(
        "--mail-wait", type=int, default=300, help="seconds after the kill to wait for invitations"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help=f"PostgreSQL server; the run creates and drops {DATABASE} on it",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/15", help="emptied before and after"
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.phase = min(args.duration, 40), min(args.phase, 8)
    if shutil.which("haproxy") is None:
        raise SystemExit("HAProxy is missing: `apt-get install -y haproxy` (make bench does)")
    # SIGTERM stops the run as Ctrl-C does: through the finally blocks that clean up.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="feedback360-cluster-") as temporary:
        folder = Path(temporary)
        (folder / "instance").mkdir()
        processes = Processes(folder)
        try:
            ok = run(args, folder, processes)
        except BaseException:
            processes.stop_all()
            for log in sorted(folder.glob("*.log")):
                tail = log.read_text(errors="replace")[-1500:]
                print(f"\n== {log.name} (last lines)\n{tail}", file=sys.stderr)
            raise
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
