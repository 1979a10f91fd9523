"""Column types shared by the models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def between(column: str, allowed: range) -> str:
    """ "anonymity_threshold BETWEEN 2 AND 10": a check's text that a column holds one of a
    range's values (the same text the migrations wrote)."""
    return f"{column} BETWEEN {allowed.start} AND {allowed.stop - 1}"


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, stored the same way on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # SQLite hands back naive values; they were written as UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)
