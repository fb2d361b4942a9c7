"""Importing a file: check every row, then write all of it in one transaction, or nothing.

``validate`` reads the file against the database and reports every error (row, column, value,
why). ``import_file`` does the same inside one unit of work and, only when no row has an error,
writes everything there and commits once: items, BOMs, routings, one stocktake document, orders.
A dry run goes as far as writing, then rolls back, so what it reports is what an import would do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from takt.app.ports import UnitOfWork, UnitOfWorkFactory
from takt.app.stock import Clock, post_moves, utc_now
from takt.app.transfer.formats import FileFormatError, Format, guess_format, read_csv, read_xlsx
from takt.app.transfer.order_checks import check_purchases, check_sales
from takt.app.transfer.rows import Row, RowError, read_rows
from takt.app.transfer.templates import IMPORTABLE, Kind, layout
from takt.app.transfer.validation import (
    Plan,
    World,
    check_boms,
    check_counts,
    check_items,
    check_routings,
    load_world,
)
from takt.domain.bom import BomBook
from takt.domain.errors import DomainError
from takt.domain.ledger import stocktake_move

Table = Sequence[Sequence[str]]

CHECKS: dict[Kind, Callable[[list[Row], World, Plan], None]] = {
    Kind.ITEMS: check_items,
    Kind.BOMS: check_boms,
    Kind.ROUTINGS: check_routings,
    Kind.STOCK: check_counts,
    Kind.SALES: check_sales,
    Kind.PURCHASES: check_purchases,
}


@dataclass(slots=True)
class Report:
    """What an import found and did.

    ``rows`` counts the data rows read; ``imported`` those written (0 unless the whole file was
    valid; for a dry run, those that would be). ``documents`` maps each order_ref to the order
    created and "stocktake" to the stocktake document (empty for a dry run).
    """

    kind: str
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    summary: dict[str, int] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------- reading the file


def sections(kind: Kind, data: bytes, fmt: Format) -> list[tuple[Kind, Table]]:
    """The tables of a file, each with its kind, in the order they are imported.

    A single kind reads a CSV file or a workbook's first sheet. ``Kind.WORKBOOK`` reads the
    sheets of a workbook named after kinds (items, boms, routings, stock, sales, purchases),
    ignoring a "help" sheet; the sheets are imported items first, whatever their order.
    """
    if kind is not Kind.WORKBOOK:
        if kind not in IMPORTABLE:
            raise DomainError(f"{kind} cannot be imported", field="kind")
        if fmt is Format.CSV:
            return [(kind, read_csv(data))]
        return [(kind, next(iter(read_xlsx(data).values()), []))]
    if fmt is not Format.XLSX:
        raise FileFormatError("a workbook import needs an XLSX file", field="format")
    found: dict[Kind, Table] = {}
    for title, table in read_xlsx(data).items():
        name = title.strip().lower()
        if name == "help":
            continue
        try:
            sheet_kind = Kind(name)
        except ValueError:
            sheet_kind = Kind.WORKBOOK
        if sheet_kind not in IMPORTABLE:
            names = ", ".join(k.value for k in IMPORTABLE)
            raise FileFormatError(
                f"sheet {title!r} is not a kind to import (name sheets {names})", field="sheet"
            )
        found[sheet_kind] = table
    if not found:
        raise FileFormatError("the workbook has no sheet to import", field="sheet")
    return [(k, found[k]) for k in IMPORTABLE if k in found]


def check(
    parts: Sequence[tuple[Kind, Table]], world: World, sheets: bool
) -> tuple[Plan, list[RowError]]:
    """Checks every row of every part against ``world`` (which grows with the file)."""
    plan = Plan()
    errors: list[RowError] = []
    for kind, table in parts:
        rows, found = read_rows(kind.value if sheets else "", table, layout(kind))
        plan.rows += len(rows)
        CHECKS[kind](rows, world, plan)
        errors.extend(found)
    errors.sort(key=lambda e: (_sheet_order(e.sheet), e.row))
    return plan, errors


def _sheet_order(sheet: str) -> int:
    names = [k.value for k in IMPORTABLE]
    return names.index(sheet) if sheet in names else 0


# ---------------------------------------------------------------- the use cases


def validate(kind: Kind, rows: Table, uows: UnitOfWorkFactory) -> Report:
    """Every error of ``rows`` (a table, header first) as ``kind``; writes nothing.

    Raises ``DomainError`` for a kind that is not imported from one table (ledger, mos, workbook).
    """
    if kind not in IMPORTABLE:
        raise DomainError(f"{kind} rows cannot be validated: not one importable table", "kind")
    with uows(read_only=True) as uow:
        world = load_world(uow)
        plan, errors = check([(kind, rows)], world, sheets=False)
    return Report(kind.value, True, plan.rows, errors)


def import_file(
    kind: Kind,
    source: Path | bytes,
    fmt: Format | None,
    uows: UnitOfWorkFactory,
    dry_run: bool = False,
    user: str = "system",
    clock: Clock = utc_now,
) -> Report:
    """Imports ``source`` (a path or the file's bytes) as ``kind``: all of it, or nothing.

    ``fmt`` None: from the path's suffix, else from the first bytes. Returns the report; errors
    in it mean nothing was written. Raises nothing for a bad row; a file that cannot be read at
    all is reported as one error on row 1.
    """
    data = source.read_bytes() if isinstance(source, Path) else source
    name = source.name if isinstance(source, Path) else None
    report = Report(kind.value, dry_run)
    try:
        parts = sections(kind, data, fmt or guess_format(name, data))
    except DomainError as exc:
        report.errors.append(RowError(1, exc.field or "", "", exc.message))
        return report
    with uows() as uow:
        world = load_world(uow)
        plan, errors = check(parts, world, sheets=kind is Kind.WORKBOOK)
        report.rows = plan.rows
        if errors:
            report.errors = errors
            return report
        writer = _Writer(uow, user, clock, sheets=kind is Kind.WORKBOOK)
        try:
            writer.write(plan)
        except DomainError as exc:
            # The checks above should have caught it; the database may have changed since.
            sheet = writer.sheet if writer.sheets else ""
            report.errors.append(RowError(writer.row, exc.field or "", "", exc.message, sheet))
            return report
        if not dry_run:
            uow.commit()
            report.documents = writer.documents
    report.imported = plan.rows - plan.skipped
    report.summary = writer.summary
    if plan.skipped:
        report.summary["order lines with nothing left, skipped"] = plan.skipped
    return report


class _Writer:
    """Writes a checked plan inside one open unit of work; remembers the row being written."""

    def __init__(self, uow: UnitOfWork, user: str, clock: Clock, sheets: bool) -> None:
        self.uow = uow
        self.sheets = sheets
        self.user = user
        self.clock = clock
        self.row = 1
        self.sheet = ""
        self.documents: dict[str, str] = {}
        self.summary: dict[str, int] = {}

    def _count(self, what: str) -> None:
        self.summary[what] = self.summary.get(what, 0) + 1

    def write(self, plan: Plan) -> None:
        uow = self.uow
        self.sheet = Kind.ITEMS.value
        for row, item, existing in plan.items:
            self.row = row
            if existing:
                uow.items.update(item)
                self._count("items updated")
            else:
                uow.items.add(item)
                self._count("items added")
        self.sheet = Kind.BOMS.value
        if plan.boms:
            boms = uow.recipes.boms()
            book = BomBook(uow.items.by_sku(), boms)
            for row, bom in plan.boms:
                self.row = row
                book.check(bom)
                boms[bom.item] = bom
                uow.recipes.set_bom(bom)
                self._count("BOMs replaced")
        self.sheet = Kind.ROUTINGS.value
        for row, routing in plan.routings:
            self.row = row
            uow.recipes.set_routing(routing)
            self._count("routings replaced")
        self.sheet = Kind.STOCK.value
        if plan.counts:
            self._counts(plan)
        self.sheet = Kind.SALES.value
        for row, ref, order in plan.sales:
            self.row = row
            order.number = uow.numbers.next("SO")
            order.created_at = self.clock()
            uow.sales.add(order)
            self.documents[ref] = order.number
            self._count("sales orders created")
        self.sheet = Kind.PURCHASES.value
        for row, ref, new in plan.purchases:
            self.row = row
            now = self.clock()
            new.order.number = uow.numbers.next("PO")
            new.order.created_at = now
            new.order.expected_date = new.expected or now.date() + timedelta(
                days=new.supplier.lead_time_days
            )
            uow.purchasing.add(new.order)
            self.documents[ref] = new.order.number
            self._count("purchase orders created")

    def _counts(self, plan: Plan) -> None:
        """One stocktake document; each difference posted on its own, so a refusal names its row."""
        uow = self.uow
        keys = [key for _row, key, _counted, _cost in plan.counts]
        uow.stock.lock_items(sorted({k.item for k in keys}))
        on_hand = uow.stock.lock_balances(keys)
        document = ""
        posted = 0
        for row, key, counted, cost in plan.counts:
            self.row = row
            move = stocktake_move(key, on_hand.get(key, Decimal(0)), counted)
            if move is None:
                continue
            if move.quantity > 0 and cost is not None:
                move = replace(move, unit_cost=cost)
            document = document or uow.numbers.next("CNT")
            post_moves(uow, [move], document, self.user, f"counted {counted}", self.clock)
            posted += 1
        self.summary["stock counts"] = len(plan.counts)
        if posted:
            self.documents["stocktake"] = document
            self.summary["stock differences posted"] = posted
