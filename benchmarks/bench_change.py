"""Prints what the change since the previous round adds to closing a round.

    .venv/bin/python benchmarks/bench_change.py [--repeats 150] [--earlier 10]

Freezing the results at close (service.services.results.freeze_results: scoring the round,
then the change since the previous round) is timed for a person with 10 earlier closed
rounds and for a person with none, each round of 8 raters answering the 35 statements, on
SQLite. Goal: the difference of the medians (the change's cost) <= 10 ms.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

from service import create_app
from service.extensions import db
from service.models import Response, ResponseAnswer, Round
from service.services.people import create_person
from service.services.results import freeze_results
from service.services.rounds import create_round
from surveys.instrument import load_instrument

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.machine_speed import describe

RELATIONSHIPS = ["manager", "peer", "peer", "peer", "direct_report", "direct_report", "other"]
GOAL_MS = 10.0


def closed_round(hr_id: str, email: str, closed_at: datetime, rng: random.Random) -> Round:
    """A round about `email`, every rater's answers stored and submitted, closed at
    `closed_at` (its results not frozen yet)."""
    tag = secrets.token_hex(4)
    round_ = create_round(
        hr_id,
        deadline=datetime.now(UTC) + timedelta(days=14),
        subject_email=email,
        raters=[
            {"name": f"Rater {n}", "email": f"r{tag}-{n}@bench.example", "relationship": rel}
            for n, rel in enumerate(RELATIONSHIPS)
        ],
    )
    items = load_instrument(round_.instrument_id, round_.instrument_version).item_ids
    for rater in round_.raters:
        rater.response_status, rater.submitted_on = "submitted", closed_at.date()
        db.session.add(
            Response(
                round_id=round_.id,
                relationship=rater.relationship,
                release_block=0,
                answers=[ResponseAnswer(item_id=item, score=rng.randint(1, 5)) for item in items],
            )
        )
    round_.status, round_.launched_at, round_.closed_at = "closed", closed_at, closed_at
    db.session.commit()
    return round_


def freeze_ms(round_: Round) -> float:
    round_.results = None
    started = time.perf_counter()
    freeze_results(round_)
    elapsed = (time.perf_counter() - started) * 1000
    db.session.rollback()
    return elapsed


def median_freezes_ms(rounds: list[Round], repeats: int) -> list[float]:
    """The median time to freeze each round's results, the rounds taking turns, so a busy
    moment of the machine weighs on them alike."""
    times: list[list[float]] = [[] for _ in rounds]
    for _ in range(repeats):
        for round_, taken in zip(rounds, times, strict=True):
            taken.append(freeze_ms(round_))
    return [statistics.median(taken) for taken in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=150)
    parser.add_argument("--earlier", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(360)
    with tempfile.TemporaryDirectory(prefix="bench-change-") as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
                "SECRET_KEY": secrets.token_hex(32),
                "INSTANCE_PATH": instance,
            }
        )
        with app.app_context():
            upgrade()
            hr = create_person("hana@bench.example", "Hana Reyes", "hr")
            create_person("ana@bench.example", "Ana Again", "member")
            create_person("ben@bench.example", "Ben First", "member")
            start = datetime.now(UTC) - timedelta(days=30 * (args.earlier + 1))
            for n in range(args.earlier):
                closed_at = start + timedelta(days=30 * n)
                earlier = closed_round(hr.id, "ana@bench.example", closed_at, rng)
                freeze_results(earlier)
                earlier.results_released_at = earlier.closed_at
                db.session.commit()
            now = datetime.now(UTC)
            repeated = closed_round(hr.id, "ana@bench.example", now, rng)
            first = closed_round(hr.id, "ben@bench.example", now, rng)
            # Warm both paths (imports, caches) before timing.
            median_freezes_ms([repeated, first], 3)
            with_history, without = median_freezes_ms([repeated, first], args.repeats)
            freeze_results(repeated)
            if repeated.results.get("change") is None:
                raise SystemExit("no change was computed: the benchmark measured nothing")
            db.session.rollback()
    added = with_history - without
    print(describe())
    print(f"freezing the results at close, median of {args.repeats}:")
    print(f"  a person with {args.earlier} earlier rounds: {with_history:.1f} ms")
    print(f"  a person with no earlier round:   {without:.1f} ms")
    print(f"  the change adds {added:.1f} ms (goal <= {GOAL_MS:.0f} ms)")


if __name__ == "__main__":
    main()
