"""Lists filtered by days: a day is the 24 hours from midnight UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def on_days(column, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """The conditions that the column's moment falls on the days from `first` to `last`,
    both included; either may be left open."""
    conditions = []
    if first:
        conditions.append(column >= start_of(first))
    if last:
        # Before the next day begins: the whole last day counts, whatever its precision.
        conditions.append(column < start_of(last + timedelta(days=1)))
    return conditions
