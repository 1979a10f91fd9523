"""CSV files HR uploads: decoding, limits, the header's columns, rows and their problems."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from flask_babel import get_locale, lazy_gettext
from flask_babel.speaklater import LazyString

from service.services.errors import Invalid, worded_later

MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5_000
# Spreadsheet programs write ";" where the comma is the decimal mark, and some write tabs.
DELIMITERS = (",", ";", "\t")


def in_figures(number: int) -> LazyString:
    """A count as the reader's language writes it ("5,000", "5.000"), when read."""
    # Outside a request (the command line, the pure checks) English is written.
    return LazyString(lambda: format_decimal(number, locale=get_locale() or "en"))


@dataclass(frozen=True)
class Problem:
    """One thing to fix before anything is written; row 1 is the header, None the file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                str(lazy_gettext("Row %(row)s", row=self.row)) if self.row else "",
                self.column or "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class CheckedFile:
    """What a file would write, checked before anything is: the problems that stop it."""

    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def refuse_unless_ok(self, nothing_done) -> None:
        """Raise Invalid listing every problem, saying what was not done, unless ok."""
        if not self.ok:
            raise Invalid(
                lazy_gettext("the file has problems; %(nothing_done)s", nothing_done=nothing_done),
                # Each worded when the answer is, in its reader's language.
                {"rows": [worded_later("", [problem]) for problem in self.problems]},
            )


@dataclass
class CsvTable:
    """A CSV file's data rows as dicts by column, with each row's number in the file."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file; too large or not UTF-8 is refused with a message."""
    if len(data) > MAX_CSV_BYTES:
        raise Invalid(
            lazy_gettext(
                "the file is larger than %(megabytes)s MB; split it into smaller files of at "
                "most %(rows)s rows",
                megabytes=MAX_CSV_BYTES // 1_000_000,
                rows=in_figures(MAX_CSV_ROWS),
            ),
            {"file": [lazy_gettext("too large")]},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            lazy_gettext(
                "the file is not UTF-8 text (byte %(byte)s cannot be read); save it as “CSV "
                "UTF-8” and upload it again",
                byte=error.start + 1,
            ),
            {"file": [lazy_gettext("not UTF-8")]},
        ) from None
    if not text.strip():
        raise Invalid(
            lazy_gettext("the file is empty; its first row must name the columns"),
            {"file": [lazy_gettext("empty")]},
        )
    return with_commas(text)


def with_commas(text: str) -> str:
    """The text separated by commas whatever its header line used, so that every reader of
    an uploaded text (the preview, the look-up of its emails, the confirmation) reads the
    same cells; a file that is not valid CSV is left as it is for its check to report."""
    delimiter = delimiter_of(text)
    if delimiter == ",":
        return text
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def snake_case(value: str) -> str:
    """A heading or a value as a name: "Manager Email", "manager-email" and
    " manager_email " all read as manager_email."""
    return "_".join(value.strip().lower().replace("-", " ").split())


def delimiter_of(text: str) -> str:
    """The separator the header line uses most (a comma when none is found): a header names
    plain columns, so its separators are not hidden in quotes or values."""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)


def read_csv_table(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> CsvTable:
    """Rows of a CSV text whose header names `columns` (any order, spaces or underscores);
    blank rows are skipped, and every problem of the file's shape is reported at once."""
    table = CsvTable()
    if len(text.encode()) > MAX_CSV_BYTES:
        table.problems.append(
            Problem(
                None,
                None,
                lazy_gettext(
                    "the file is larger than %(megabytes)s MB", megabytes=MAX_CSV_BYTES // 1_000_000
                ),
            )
        )
        return table
    try:
        records = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text), strict=True)
        )
    except csv.Error as error:
        table.problems.append(
            Problem(None, None, lazy_gettext("the file is not valid CSV: %(error)s", error=error))
        )
        return table
    if not records or not any(cell.strip() for cell in records[0]):
        table.problems.append(
            Problem(
                1,
                None,
                lazy_gettext(
                    "the first row must name the columns: %(columns)s", columns=", ".join(columns)
                ),
            )
        )
        return table
    header = [snake_case(cell) for cell in records[0]]
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    columns_named = ", ".join(columns)
    for names, message in (
        (
            unknown,
            lazy_gettext(
                "unknown columns: %(names)s (the columns are %(columns)s)",
                names=", ".join(unknown),
                columns=columns_named,
            ),
        ),
        (
            missing,
            lazy_gettext(
                "missing columns: %(names)s (the columns are %(columns)s)",
                names=", ".join(missing),
                columns=columns_named,
            ),
        ),
        (
            repeated,
            lazy_gettext(
                "columns named twice: %(names)s (the columns are %(columns)s)",
                names=", ".join(repeated),
                columns=columns_named,
            ),
        ),
    ):
        if names:
            table.problems.append(Problem(1, None, message))
    if table.problems:
        return table
    data_rows = [
        (n, cells) for n, cells in enumerate(records[1:], 2) if any(c.strip() for c in cells)
    ]
    if not data_rows:
        table.problems.append(
            Problem(None, None, lazy_gettext("the file has a header but no rows"))
        )
    if len(data_rows) > MAX_CSV_ROWS:
        table.problems.append(
            Problem(
                None,
                None,
                lazy_gettext(
                    "the file has %(rows)s rows; at most %(most)s can be read at once, so split "
                    "it into smaller files",
                    rows=in_figures(len(data_rows)),
                    most=in_figures(MAX_CSV_ROWS),
                ),
            )
        )
        return table
    for number, cells in data_rows:
        if len(cells) > len(header):
            table.problems.append(
                Problem(
                    number,
                    None,
                    lazy_gettext(
                        "has %(values)s values but the header has %(columns)s",
                        values=len(cells),
                        columns=len(header),
                    ),
                )
            )
            continue
        values = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}
        table.rows.append((number, {name: values.get(name, "") for name in columns}))
    return table


def in_file_order(problems: list[Problem], columns: Sequence[str]) -> list[Problem]:
    """The problems by row, the file's own first, then by column in the header's order."""
    return sorted(
        problems,
        key=lambda p: (p.row or 0, columns.index(p.column) if p.column in columns else -1),
    )
