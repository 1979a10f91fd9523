"""CSV and XLSX files of tables whose cells may hold anyone's words (names, departments): a
text that a spreadsheet would run as a formula is written so that it is only ever shown."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# What Excel, LibreOffice and Google Sheets read as the start of a formula (or, for tab and
# carriage return, what hides one), as OWASP's "CSV injection" lists them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A text starting like a formula gets a leading apostrophe, which spreadsheets show as
    text; numbers, None and other texts are returned as they are. The one rule for CSV and
    XLSX alike."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads accents right), every text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: a header row, data rows, optional fills ((row, column) → "#rrggbb",
    both 0-based in `rows`) and number formats per column."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    number_formats: dict[int, str] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)


def _write(sheet, row: int, column: int, value: Any):
    cell = sheet.cell(row=row, column=column)
    value = neutralise(value)
    cell.value = value
    if isinstance(value, str):
        # Marked as text explicitly: openpyxl stores a text starting with "=" as a formula,
        # and a neutralised text must stay text whatever a later change to the rule.
        cell.data_type = TYPE_STRING
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the sheets: bold frozen header, fills, number formats, column widths."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        for column, name in enumerate(spec.header, start=1):
            _write(sheet, 1, column, name).font = Font(bold=True)
        for row_index, row in enumerate(spec.rows):
            for column_index, value in enumerate(row):
                cell = _write(sheet, row_index + 2, column_index + 1, value)
                if column_index in spec.number_formats and not isinstance(value, str):
                    cell.number_format = spec.number_formats[column_index]
                colour = spec.fills.get((row_index, column_index))
                if colour:
                    rgb = colour.lstrip("#").upper()
                    cell.fill = PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
                    cell.alignment = Alignment(horizontal="center")
        sheet.freeze_panes = "A2"
        for column_index, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(column_index + 1)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
