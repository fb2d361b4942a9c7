"""Rows of an imported table: the header, each cell as text, and every error found in them.

Row numbers are those a spreadsheet shows: the header is row 1. A check never stops at the first
error; each row collects all of its own, so one pass over the file reports everything to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from takt.app.transfer.templates import Layout
from takt.domain.errors import DomainError
from takt.domain.units import parse_quantity

T = TypeVar("T")

TRUE = frozenset({"yes", "y", "true", "1", "x", "ja", "oui"})
FALSE = frozenset({"no", "n", "false", "0", "", "nein", "non"})


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing to fix: where (``sheet``, ``row``, ``column``), what was there, and why."""

    row: int
    column: str
    value: str
    why: str
    sheet: str = ""


def column_key(raw: str) -> str:
    """A header cell as a column name: "Parent SKU" -> "parent_sku"."""
    return "_".join(raw.strip().lower().replace("-", " ").split())


class Row:
    """One data row: its cells by column, and the errors found in it."""

    def __init__(
        self,
        sheet: str,
        number: int,
        cells: dict[str, str],
        errors: list[RowError],
    ) -> None:
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self._errors = errors
        self.failed = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def has(self, column: str) -> bool:
        """Whether the file has this column at all (a left-out column keeps current values)."""
        return column in self.cells

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def fail(self, column: str, why: str, value: str | None = None) -> None:
        self.failed += 1
        raw = self.raw(column) if value is None else value
        self._errors.append(RowError(self.number, column, raw, why, self.sheet))

    def text(self, column: str, required: bool = False) -> str:
        """The cell's text; a required one left empty is an error (and gives "")."""
        value = self.raw(column)
        if required and not value:
            self.fail(column, "required")
        return value

    def parse(self, column: str, parser: Callable[[str], T], required: bool = False) -> T | None:
        """The cell parsed by ``parser``; None when empty or refused (the refusal is recorded)."""
        value = self.text(column, required)
        if not value:
            return None
        try:
            return parser(value)
        except DomainError as exc:
            self.fail(column, exc.message)
            return None

    def domain(self, exc: DomainError, columns: dict[str, str], fallback: str) -> None:
        """Records a domain refusal on the column its field names (or ``fallback``)."""
        field = exc.field or ""
        column = columns.get(field, field if field in self.cells else fallback)
        self.fail(column, exc.message)


def read_rows(
    sheet: str, table: Sequence[Sequence[str]], lay: Layout
) -> tuple[list[Row], list[RowError]]:
    """The data rows of ``table`` (header first) checked against ``lay``'s columns.

    Header problems (an unknown, repeated or missing required column) are reported alone: the
    rows are not checked, since every one of them would repeat the same complaint.
    """
    errors: list[RowError] = []
    numbered = [(n, list(cells)) for n, cells in enumerate(table, start=1)]
    while numbered and not any(numbered[0][1]):
        numbered.pop(0)  # leading blank lines
    if not numbered:
        errors.append(
            RowError(1, "", "", "the file is empty: the first row must be the header", sheet)
        )
        return [], errors
    header_row, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    known = set(lay.names) | set(lay.extra)
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = column_key(raw)
        if not name:
            errors.append(RowError(header_row, "", raw, "a column has no name", sheet))
        elif name not in known:
            errors.append(
                RowError(
                    header_row,
                    raw,
                    raw,
                    f"unknown column; the columns are {', '.join(lay.names)}",
                    sheet,
                )
            )
        elif name in positions:
            errors.append(RowError(header_row, raw, raw, "this column appears twice", sheet))
        else:
            positions[name] = index
    for name in lay.required:
        if name not in positions:
            errors.append(RowError(header_row, name, "", "required column is missing", sheet))
    if errors:
        return [], errors
    imported = {n: i for n, i in positions.items() if n in lay.names}
    rows: list[Row] = []
    for number, cells in numbered[1:]:
        if not any(cells):
            continue
        row = Row(sheet, number, {n: _at(cells, i) for n, i in imported.items()}, errors)
        for index in range(len(header), len(cells)):
            if cells[index]:
                row.fail("", "a value outside any column", cells[index])
        rows.append(row)
    return rows, errors


def _at(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


# ---------------------------------------------------------------- cell parsers


def boolean(raw: str) -> bool:
    text = raw.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise DomainError(f"{raw!r} is not yes or no")


def whole(minimum: int) -> Callable[[str], int]:
    """A parser of whole numbers of at least ``minimum`` ("10", "10.0" from a spreadsheet)."""

    def parse(raw: str) -> int:
        try:
            value = parse_quantity(raw)
        except DomainError:
            raise DomainError(f"{raw!r} is not a whole number") from None
        if value != value.to_integral_value():
            raise DomainError(f"{raw!r} is not a whole number")
        if value < minimum:
            raise DomainError(f"must be {minimum} or more, got {value}")
        return int(value)

    return parse


def iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10] if "T" in raw else raw.strip())
    except ValueError:
        raise DomainError(f"{raw!r} is not a date: use YYYY-MM-DD") from None


def positive(field: str) -> Callable[[str], Decimal]:
    def parse(raw: str) -> Decimal:
        value = parse_quantity(raw, field)
        if value <= 0:
            raise DomainError(f"{field} must be positive, got {value}", field)
        return value

    return parse


def not_negative(field: str) -> Callable[[str], Decimal]:
    def parse(raw: str) -> Decimal:
        value = parse_quantity(raw, field)
        if value < 0:
            raise DomainError(f"{field} must be 0 or more, got {value}", field)
        return value

    return parse
