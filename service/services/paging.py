"""Lists read a page at a time, whichever page a link asks for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from service.extensions import db

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list: its rows, its number (from 1), and how many pages and rows the
    whole list has."""

    rows: list[Row]
    page: int
    pages: int
    total: int


def read_page(
    query: Select,
    page: int,
    size: int,
    read: Callable[[Select], Sequence[Row]] = lambda query: db.session.execute(query).all(),
) -> Page[Row]:
    """The rows of one page of `size` from the query, which orders them; `read` runs the
    limited query (rows by default). A page past the last is the last, and one before the
    first is the first: a stale or edited link still shows rows, not an empty list."""
    # Counted without the order, which changes nothing in a count and costs a sort.
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // size))  # ceiling division; an empty list has one page
    page = min(max(page, 1), pages)
    rows = read(query.limit(size).offset((page - 1) * size))
    return Page(list(rows), page, pages, total)
