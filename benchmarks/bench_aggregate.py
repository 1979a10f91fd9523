"""Prints the figures of the scoring goals: one round's aggregate(), an organisation's skill scores.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_aggregate.py [--quick]

Goals: aggregate() of a 12-rater round on the 7 x 5 instrument in <= 20 ms (median);
skill_scores_by_block() over 10,000 closed rounds (4.2 million answers) in <= 5 s and <= 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from types import SimpleNamespace

import numpy as np
import pandas as pd

from reports.aggregate import ScoringSettings, aggregate, skill_scores_by_block
from surveys.relationships import RELATIONSHIPS

SKILLS, ITEMS_PER_SKILL = 7, 5
# One subject's raters: self, manager, 4 peers, 3 direct reports, 3 others.
TEAM = np.array([0, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4], dtype=np.int8)  # RELATIONSHIPS codes
NA_SHARE = 0.05
MB = 1024 * 1024


def instrument() -> SimpleNamespace:
    """The shape of soft-skills v1 (7 skills x 5 items, 2 open questions), as aggregate sees it."""
    skills = tuple(
        SimpleNamespace(
            id=f"skill{s}",
            name=f"Skill {s}",
            items=tuple(
                SimpleNamespace(id=f"skill{s}_{i}", observer_text=f"{{name}} does {s}.{i}")
                for i in range(ITEMS_PER_SKILL)
            ),
        )
        for s in range(SKILLS)
    )
    questions = (SimpleNamespace(id="keep_doing"), SimpleNamespace(id="do_differently"))
    return SimpleNamespace(id="soft-skills", version="1", skills=skills, questions=questions)


def answers(rounds: int, rng: np.random.Generator) -> pd.DataFrame:
    """Every TEAM rater's answer to every item of `rounds` rounds, generated without a loop.

    A score is the subject's level on the skill + the rater's leniency + noise, rounded and
    clipped to 1-5; NA_SHARE of the answers are "don't know". Compact dtypes: categorical ids,
    float32 scores.
    """
    raters, items = rounds * len(TEAM), SKILLS * ITEMS_PER_SKILL
    level = rng.normal(3.6, 0.5, (rounds, 1, SKILLS)).repeat(ITEMS_PER_SKILL, axis=2)
    leniency = rng.normal(0, 0.4, (rounds, len(TEAM), 1))
    noise = rng.normal(0, 0.7, (rounds, len(TEAM), items))
    score = np.clip(np.rint(level + leniency + noise), 1, 5).astype(np.float32).ravel()
    score[rng.random(score.size) < NA_SHARE] = np.nan
    item_ids = [item.id for skill in instrument().skills for item in skill.items]
    return pd.DataFrame(
        {
            "round_id": pd.Categorical.from_codes(
                np.arange(rounds).repeat(len(TEAM) * items), [f"round{r}" for r in range(rounds)]
            ),
            "rater_id": pd.Categorical.from_codes(
                np.arange(raters).repeat(items), [f"rater{r}" for r in range(raters)]
            ),
            "relationship": pd.Categorical.from_codes(
                np.tile(TEAM.repeat(items), rounds), RELATIONSHIPS
            ),
            "item_id": pd.Categorical.from_codes(np.tile(np.arange(items), raters), item_ids),
            "score": score,
        }
    )


def bench_round(runs: int, rng: np.random.Generator) -> dict[str, float]:
    """aggregate() of one round, with the plain dtypes a database query gives."""
    frame = answers(1, rng).drop(columns="round_id")
    frame = frame.astype({"rater_id": str, "relationship": str, "item_id": str, "score": float})
    keys = [f"skill{s}" for s in range(SKILLS)] + ["keep_doing", "do_differently"]
    comments = pd.DataFrame(
        [
            (f"rater{r}", RELATIONSHIPS[TEAM[r]], keys[r % len(keys)], f"Note {r}")
            for r in range(12)
        ],
        columns=["rater_id", "relationship", "key", "text"],
    )
    shape, settings = instrument(), ScoringSettings()
    invited = dict(zip(RELATIONSHIPS, np.bincount(TEAM, minlength=5).tolist(), strict=True))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        aggregate(
            frame,
            comments,
            shape,
            settings,
            round_id="round0",
            invited=invited,
            subject_first_name="Sam",
            seed=1,
        )
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": float(np.percentile(timings, 95)),
        "answers": len(frame),
    }


def bench_organisation(rounds: int, rng: np.random.Generator) -> dict[str, float]:
    """skill_scores_by_block() over `rounds` rounds in one call: time, then memory apart."""
    frame = answers(rounds, rng)
    item_skill = {item.id: skill.id for skill in instrument().skills for item in skill.items}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    table = skill_scores_by_block(frame, item_skill)
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del table
    # tracemalloc slows the call down, so it measures a second, untimed one.
    tracemalloc.start()
    skill_scores_by_block(frame, item_skill)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kib = 1 if sys.platform != "darwin" else 1 / 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return {
        "answers": len(frame),
        "input_mb": frame.memory_usage(deep=True).sum() / MB,
        "seconds": seconds,
        "traced_peak_mb": traced_peak / MB,
        "rss_peak_mb": rss_after * kib / 1024,
        "rss_growth_mb": (rss_after - rss_before) * kib / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="50 runs and 1,000 rounds instead of 200 and 10,000"
    )
    options = parser.parse_args(argv)
    runs, rounds = (50, 1_000) if options.quick else (200, 10_000)
    rng = np.random.default_rng(2024)

    one = bench_round(runs, rng)
    org = bench_organisation(rounds, rng)
    rows = [
        (f"aggregate(), 1 round x {one['answers']} answers", "", ""),
        (
            f"  median of {runs} runs",
            f"{one['median']:.1f} ms",
            _goal(one["median"] <= 20, "20 ms"),
        ),
        ("  95th percentile", f"{one['p95']:.1f} ms", ""),
        (f"skill_scores_by_block(), {rounds:,} rounds", "", ""),
        ("  answers (input in memory)", f"{org['answers']:,} ({org['input_mb']:.0f} MB)", ""),
        ("  one pass", f"{org['seconds']:.2f} s", _goal(org["seconds"] <= 5, "5 s")),
        ("  answers per second", f"{org['answers'] / org['seconds'] / 1e6:.2f} million", ""),
        (
            "  peak allocated in the call (tracemalloc)",
            f"{org['traced_peak_mb']:.0f} MB",
            _goal(org["traced_peak_mb"] <= 2048, "2 GB"),
        ),
        ("  process peak RSS (ru_maxrss)", f"{org['rss_peak_mb']:.0f} MB", ""),
        ("  RSS high-water growth during the call", f"{org['rss_growth_mb']:.0f} MB", ""),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'benchmark':<{width}}  {'measured':>22}  goal")
    for name, measured, goal in rows:
        print(f"{name:<{width}}  {measured:>22}  {goal}")


def _goal(met: bool, goal: str) -> str:
    return f"<= {goal} {'ok' if met else 'MISSED'}"


if __name__ == "__main__":
    main()
