"""Prints how long the team heatmap takes over 10,000 closed rounds.

    .venv/bin/python benchmarks/bench_heatmap.py [--rounds 10000] [--people 5000] [--repeats 7]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Closed rounds with full frozen results documents (the demo round's, 24 KB each, its scores
varied) and the published scores kept beside them are written straight into the database
in bulk, every person having two on average,
under 200 managers in 20 departments. Then GET /api/v1/insights/heatmap is timed for HR,
grouped by manager and by department, through the Flask test client: the median of the
repeats. Goal: <= 1 s.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from service import create_app
from service.extensions import db
from service.models import Person, PublishedSkillScore, Round
from service.models.types import new_id
from service.services.people import issue_api_token

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.machine_speed import describe

ROOT = Path(__file__).resolve().parents[1]
DEMO = json.loads((ROOT / "tests" / "reports" / "fixtures" / "demo_results.json").read_text())
GOAL_S = 1.0
MANAGERS, DEPARTMENTS = 200, 20


def document(round_id: str, rng: random.Random) -> dict:
    """The demo document with this round's id and all-others scores; one in ten skills
    withheld, as a thin round's would be."""
    doc = copy.deepcopy(DEMO)
    doc["round_id"] = round_id
    for skill in doc["skills"]:
        if rng.random() < 0.1:
            skill["scores"].pop("others", None)
            skill["n"].pop("others", None)
        else:
            skill["scores"]["others"] = round(rng.uniform(1.5, 4.8), 2)
    return doc


def write(rounds: list[dict]) -> None:
    """The rounds and, as freezing their results does, the scores they publish beside them."""
    if not rounds:
        return
    db.session.execute(insert(Round), rounds)
    db.session.execute(
        insert(PublishedSkillScore),
        [
            {"round_id": r["id"], "skill_id": skill["id"], "others": skill["scores"]["others"]}
            for r in rounds
            for skill in r["results"]["skills"]
            if "others" in skill["scores"]
        ],
    )


def populate(rounds: int, people: int, rng: random.Random) -> str:
    """HR, the managers, the people and their closed rounds; returns HR's API token."""
    hr = Person(id=new_id(), email="hana@bench.example", name="Hana Reyes", role="hr")
    managers = [
        {"id": new_id(), "email": f"m{n}@bench.example", "name": f"Manager {n:03d}",
         "role": "member", "department": f"Department {n % DEPARTMENTS:02d}"}
        for n in range(MANAGERS)
    ]  # fmt: skip
    db.session.add(hr)
    db.session.execute(insert(Person), managers)
    members = [
        {"id": new_id(), "email": f"p{n}@bench.example", "name": f"Person {n}",
         "role": "member", "manager_id": managers[n % MANAGERS]["id"],
         "department": managers[n % MANAGERS]["department"]}
        for n in range(people)
    ]  # fmt: skip
    db.session.execute(insert(Person), members)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batch = []
    for n in range(rounds):
        round_id = new_id()
        closed_at = start + timedelta(hours=n)
        batch.append(
            {
                "id": round_id,
                "subject_id": members[n % people]["id"],
                "created_by_id": hr.id,
                "instrument_id": "soft-skills",
                "instrument_version": "1",
                "status": "closed",
                "deadline": closed_at,
                "anonymity_threshold": 3,
                "gap_threshold": 1.0,
                "comment_seed": rng.randrange(2**31),
                "launched_at": closed_at - timedelta(days=14),
                "closed_at": closed_at,
                "results": document(round_id, rng),
                "results_released_at": closed_at,
            }
        )
        if len(batch) == 1000:
            write(batch)
            batch = []
    write(batch)
    db.session.commit()
    return issue_api_token(hr.id)


def timings(client, token: str, group_by: str, repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU seconds of each call. On this shared machine the
    wall clock also counts the time other work held the cores; the CPU time does not (on
    SQLite it includes the database's work, which runs in this process)."""
    taken, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(
            "/api/v1/insights/heatmap",
            query_string={"group_by": group_by},
            headers={"Authorization": f"Bearer {token}"},
        )
        taken.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"the heatmap answered {response.status_code}: {response.data!r}")
    body = response.get_json()
    if not body["rows"] or not body["organisation"]["skills"]:
        raise SystemExit("the heatmap came back empty: the benchmark measured nothing")
    return taken, cpu


def run(database_url: str, instance: str, args) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "INSTANCE_PATH": instance,
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        token = populate(args.rounds, args.people, random.Random(360))
        print(f"{args.rounds:,} closed rounds of {args.people:,} people written in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        db.session.remove()
    client = app.test_client()
    timings(client, token, "manager", 1)  # warm: imports, the instrument, caches
    for group_by in ("manager", "department"):
        taken, cpu = timings(client, token, group_by, args.repeats)
        median = statistics.median(taken)
        verdict = "meets" if median <= GOAL_S else "MISSES"
        print(
            f"heatmap by {group_by}: median {median:.3f} s of {args.repeats} "
            f"(min {min(taken):.3f}, max {max(taken):.3f}; CPU median "
            f"{statistics.median(cpu):.3f} s); goal <= {GOAL_S:.0f} s: {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--postgres", help="a server URL; a database is created and dropped")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory(prefix="bench-heatmap-") as instance:
        if not args.postgres:
            print("database: SQLite")
            run(f"sqlite:///{instance}/bench.sqlite3", instance, args)
            return
        name = f"bench_heatmap_{secrets.token_hex(4)}"
        server = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            print("database: PostgreSQL")
            run(make_url(args.postgres).set(database=name).render_as_string(False), instance, args)
        finally:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            server.dispose()


if __name__ == "__main__":
    main()
