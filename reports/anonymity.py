"""The anonymity threshold k of docs/scoring.md: the smallest group whose numbers are shown."""

from __future__ import annotations

THRESHOLD_RANGE = range(2, 11)  # k may be 2 to 10
DEFAULT_THRESHOLD = 3


def threshold_problem(k: object) -> str | None:
    """Why k is not a threshold the rules allow, or None."""
    if isinstance(k, bool) or not isinstance(k, int) or k not in THRESHOLD_RANGE:
        return f"must be a whole number from {THRESHOLD_RANGE.start} to {THRESHOLD_RANGE.stop - 1}"
    return None
