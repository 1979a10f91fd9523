"""Dates and numbers written the way the pages show them."""

from __future__ import annotations

from datetime import UTC, datetime

ROUND_STATUS_LABELS = {"draft": "Draft", "open": "Open", "closed": "Closed"}


def long_datetime(moment: datetime) -> str:
    """'Friday 31 January 2030, 17:00 UTC': unambiguous wherever the rater is."""
    moment = moment.astimezone(UTC)
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M} UTC"
