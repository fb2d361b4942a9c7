"""Reading and writing the files of import and export: CSV (UTF-8, comma separated) and XLSX.

Every cell is read as text, whatever type the spreadsheet gave it, and parsed afterwards by the
same rules as typed input (``takt.domain.units.parse_quantity``...). A numeric XLSX cell arrives
as a binary float: it is turned into text with ``repr``, the shortest string that reads back as
the same float, so a cell showing 0.1 becomes "0.1" (and Decimal("0.1")), never
0.1000000000000000055511151231257827.

Cells written that start with = + - @ (or a tab or carriage return) are prefixed with a single
quote, so that a spreadsheet never runs a name like ``=HYPERLINK(...)`` as a formula (CSV
injection). Numbers written as numbers are not text and need no prefix. On reading, that one quote
is taken off again, so an exported file imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

import openpyxl
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from takt.domain.errors import DomainError
from takt.domain.units import normalize

Cell = str | Decimal | int | date | None
"""What an export writes into one cell."""

INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
# Excel keeps 15 significant digits; a longer number is written as text so it stays exact.
MAX_NUMERIC_DIGITS = 15


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class FileFormatError(DomainError):
    """A file that cannot be read as the format it claims (not UTF-8, not a workbook...)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table to write: its name (an XLSX sheet title), header and rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def guess_format(name: str | None, data: bytes | None = None) -> Format:
    """The format of a file from its name's suffix, else from its first bytes."""
    if name:
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix in (Format.CSV, Format.XLSX):
            return Format(suffix)
    if data is not None:
        return Format.XLSX if data.startswith(XLSX_MAGIC) else Format.CSV
    raise FileFormatError(
        f"cannot tell the format of {name!r}: use a .csv or .xlsx file or give the format",
        field="format",
    )


def parse_format(raw: str) -> Format:
    try:
        return Format(raw.strip().lower())
    except ValueError:
        raise FileFormatError(f"unknown format {raw!r} (csv or xlsx)", field="format") from None


# ---------------------------------------------------------------- reading


def unescape(text: str) -> str:
    """Takes off the quote an export put before a cell starting with = + - @."""
    if len(text) > 1 and text[0] == "'" and text[1] in INJECTION_STARTS:
        return text[1:]
    return text


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a CSV file (UTF-8, with or without a byte-order mark), header first."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"the file is not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8'", "file"
        ) from None
    rows = [[unescape(c.strip()) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    if rows and len(rows[0]) == 1 and ";" in rows[0][0]:
        raise FileFormatError(
            "the header has one column with ';' in it: separate columns with commas", "file"
        )
    return rows


def cell_text(value: object) -> str:
    """One XLSX cell as the text a person sees, whatever type openpyxl gave it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that reads back as this float: 0.1 -> "0.1".
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unescape(str(value).strip())


def read_xlsx(data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook by title, in workbook order, each as rows of text."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileFormatError(
            f"the file is not an XLSX workbook ({exc.__class__.__name__})", "file"
        ) from None
    try:
        sheets: dict[str, list[list[str]]] = {}
        for sheet in book.worksheets:
            rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            sheets[sheet.title] = [_trim(row) for row in rows]
        return sheets
    finally:
        book.close()


def _trim(row: list[str]) -> list[str]:
    """A row without the empty cells after its last value (spreadsheets pad rows)."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]


def read_table(data: bytes, fmt: Format) -> list[list[str]]:
    """The rows of a CSV file or of a workbook's first sheet."""
    if fmt is Format.CSV:
        return read_csv(data)
    sheets = read_xlsx(data)
    return next(iter(sheets.values()), [])


# ---------------------------------------------------------------- writing


def escape(text: str) -> str:
    """``text`` safe for a spreadsheet: a leading = + - @ is made inert with a quote."""
    return "'" + text if text.startswith(INJECTION_STARTS) else text


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(normalize(value), "f")
    if isinstance(value, (int, date)):
        return value.isoformat() if isinstance(value, date) else str(value)
    return escape(value)


def write_csv(sheet: Sheet) -> bytes:
    """A CSV file (UTF-8 with a byte-order mark, so Excel reads accents right), header first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table, in order; the first holds the data to import."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in sheet.header]
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                _put(ws.cell(row=r, column=c), value)
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], len(_csv_value(value)))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(cell: object, value: Cell) -> None:
    if value is None:
        return
    if isinstance(value, Decimal):
        value = normalize(value)
        if len(value.as_tuple().digits) <= MAX_NUMERIC_DIGITS:
            cell.value = value  # type: ignore[attr-defined]
            return
        text = format(value, "f")
    elif isinstance(value, (int, date)):
        cell.value = value  # type: ignore[attr-defined]
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"  # type: ignore[attr-defined]
        return
    else:
        text = escape(value)
    # Set as a string explicitly: openpyxl would otherwise read "=..." as a formula.
    cell.value = text  # type: ignore[attr-defined]
    cell.data_type = TYPE_STRING  # type: ignore[attr-defined]


def write(sheets: Sequence[Sheet], fmt: Format) -> bytes:
    """``sheets`` as an XLSX workbook, or the first one as CSV."""
    if fmt is Format.XLSX:
        return write_xlsx(sheets)
    return write_csv(sheets[0])
