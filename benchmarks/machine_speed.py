"""A pure-Python reference loop, printed beside the figures so runs on different days compare."""

from __future__ import annotations

import time

STEPS = 10_000_000


def reference_loop_seconds(repeats: int = 3) -> float:
    """Best of `repeats` timings of STEPS integer additions in one Python loop.

    This shared virtual machine's speed varies several-fold from day to day, and within a
    day: the loop's time, printed beside a benchmark's figures, says how fast the machine
    was when they were measured (the README quotes it with them).
    """
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        total = 0
        for step in range(STEPS):
            total += step
        best = min(best, time.perf_counter() - started)
    return best


def describe() -> str:
    return f"machine: a {STEPS:,}-step pure-Python loop takes {reference_loop_seconds():.2f} s"
