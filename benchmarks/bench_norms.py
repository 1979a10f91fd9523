"""Prints how long the organisation norms take at a close, with 10,000 earlier closed rounds.

    .venv/bin/python benchmarks/bench_norms.py [--rounds 10000] [--repeats 50]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]  (also BENCH_POSTGRES_URL)

An organisation of 8,000 people whose 10,000 closed rounds on the soft-skills questionnaire
are inserted directly, as the close leaves them: the results document (the demo's, about
24 KB, its all-others scores varied) and the published scores beside it; a quarter of the
people have two rounds, so the latest per person has to be picked. Then a new person's round
closes: service.services.norms.norms_at_close (the one query for the latest round per other
person and the counting) is timed, the median of --repeats runs after a warm-up (wall clock,
and this process's CPU time beside it), on SQLite,
and on PostgreSQL with --postgres (a database created for the run and dropped after).
Goal: <= 50 ms.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, text

from reports.results import Results
from service import create_app
from service.extensions import db
from service.models import Person, PublishedSkillScore, Round
from service.services.norms import norms_at_close

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_survey import postgres_database
from benchmarks.machine_speed import describe

ROOT = Path(__file__).resolve().parents[1]
DEMO = json.loads((ROOT / "tests" / "reports" / "fixtures" / "demo_results.json").read_text())
GOAL_MS = 50.0
BATCH = 1000


def organisation(rounds: int, rng: random.Random) -> None:
    """`rounds` closed rounds of people, 3 in 4 with one round and 1 in 4 with two."""
    now = datetime.now(UTC)
    hr_id = str(uuid.uuid4())
    db.session.execute(
        insert(Person), [{"id": hr_id, "email": "hr@bench.example", "name": "Hana", "role": "hr"}]
    )
    people = rounds * 4 // 5
    ids = [str(uuid.uuid4()) for _ in range(people)]
    for start in range(0, people, BATCH):
        db.session.execute(
            insert(Person),
            [
                {"id": id_, "email": f"p{start + n}@bench.example", "name": "P", "role": "member"}
                for n, id_ in enumerate(ids[start : start + BATCH])
            ],
        )
    subjects = ids + rng.sample(ids, rounds - people)
    for start in range(0, rounds, BATCH):
        round_rows, score_rows = [], []
        for subject_id in subjects[start : start + BATCH]:
            round_id = str(uuid.uuid4())
            data = copy.deepcopy(DEMO)
            data["round_id"] = round_id
            for skill in data["skills"]:
                skill["scores"]["others"] = round(rng.uniform(1.5, 4.8), 2)
            closed_at = now - timedelta(days=rng.randint(1, 700), seconds=rng.randint(0, 86399))
            round_rows.append(
                {
                    "id": round_id,
                    "subject_id": subject_id,
                    "created_by_id": hr_id,
                    "instrument_id": "soft-skills",
                    "instrument_version": "1",
                    "status": "closed",
                    "deadline": closed_at,
                    "anonymity_threshold": 3,
                    "comment_seed": 1,
                    "launched_at": closed_at - timedelta(days=14),
                    "closed_at": closed_at,
                    "results": data,
                    "results_released_at": closed_at,
                }
            )
            score_rows += [
                {"round_id": round_id, "skill_id": s["id"], "others": s["scores"]["others"]}
                for s in data["skills"]
            ]
        db.session.execute(insert(Round), round_rows)
        db.session.execute(insert(PublishedSkillScore), score_rows)
        db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def closing_round() -> tuple[Round, Results]:
    """A round of a new person, closing now, with the demo's results."""
    person = Person(email="new@bench.example", name="New Person", role="member")
    db.session.add(person)
    db.session.flush()
    now = datetime.now(UTC)
    round_ = Round(
        subject_id=person.id,
        created_by_id=person.id,
        instrument_id="soft-skills",
        instrument_version="1",
        status="closed",
        deadline=now,
        anonymity_threshold=3,
        comment_seed=1,
        closed_at=now,
    )
    db.session.add(round_)
    db.session.commit()
    return round_, Results.from_dict(DEMO)


def measure(database_url: str, instance: str, rounds: int, repeats: int) -> list[float]:
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
        organisation(rounds, random.Random(360))
        print(f"  {rounds:,} rounds inserted in {time.perf_counter() - started:.1f} s")
        round_, results = closing_round()
        norms = norms_at_close(round_, results)
        if len(norms) != len(results.skills) or min(n.n for n in norms.values()) < rounds * 0.7:
            raise SystemExit(f"unexpected norms {norms}: the benchmark measured nothing")
        print(f"  leadership: {norms['leadership']} (the demo's 2.91 among colleagues)")
        times, cpu = [], []
        for _ in range(3 + repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            norms_at_close(round_, results)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    # This process's CPU time: on SQLite all of the work, steadier than the wall clock when
    # other work shares the machine; on PostgreSQL the server's share is not in it.
    print(f"  CPU time in this process, median: {statistics.median(cpu[3:]):.1f} ms")
    return times[3:]


def report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{name}: norms at a close, median of {len(times)}: {statistics.median(times):.1f} ms "
        f"(p95 {p95:.1f} ms; goal <= {GOAL_MS:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="PostgreSQL server to create the run's database on (default: SQLite only)",
    )
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory(prefix="bench-norms-") as instance:
        print("SQLite:")
        report(
            "SQLite",
            measure(f"sqlite:///{instance}/bench.sqlite3", instance, args.rounds, args.repeats),
        )
        if args.postgres:
            url, drop = postgres_database(args.postgres)
            try:
                print("PostgreSQL:")
                report("PostgreSQL", measure(url, instance, args.rounds, args.repeats))
            finally:
                drop()


if __name__ == "__main__":
    main()
