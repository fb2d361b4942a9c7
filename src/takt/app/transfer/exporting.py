"""Exporting every list as CSV or XLSX.

An export of an importable kind has that kind's import columns first (then a few columns for
information, ignored on import), so it imports back as it is: items update themselves, BOMs and
routings replace themselves with the same lines, stock levels count themselves (posting nothing).
An order's order_ref is its partner's reference, so imported back into the same database it is
refused as already there; an order without one is written under its number and re-imports as a
new order (with that number as its reference). Cells starting with = + - @ are made inert (see
``formats``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from takt.app import orders_queries, queries
from takt.app.ports import LedgerFilter, UnitOfWorkFactory
from takt.app.transfer.formats import Cell, Format, Sheet, write
from takt.app.transfer.templates import MASTER_DATA, Kind, KindError, help_sheet, layout
from takt.domain.items import Item
from takt.domain.sales import SalesStatus

ALL_ROWS = 10**9
Rows = Iterable[Sequence[Cell]]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _items(uows: UnitOfWorkFactory) -> Rows:
    with uows(read_only=True) as uow:
        items = uow.items.list()
    # Templates before their variants, so the file imports into an empty database too.
    ordered: list[Item] = sorted(items, key=lambda i: (i.variant_of is not None, i.sku))
    return [
        (
            i.sku,
            i.name,
            i.kind.value,
            i.unit,
            i.purchase_unit.name if i.purchase_unit else None,
            i.purchase_unit.factor if i.purchase_unit else None,
            i.default_supplier,
            i.lead_time_days,
            i.min_order_qty,
            i.order_multiple,
            i.reorder_point,
            i.safety_stock,
            _yes(i.batch_tracked),
            _yes(i.allow_negative_stock),
            i.sales_price,
            i.standard_cost,
            i.variant_of,
            i.valuation.value,
            i.average_cost,
            i.last_purchase_price,
        )
        for i in ordered
    ]


def _boms(uows: UnitOfWorkFactory) -> Rows:
    with uows(read_only=True) as uow:
        boms = uow.recipes.boms()
    return [
        (sku, ln.component, ln.quantity, ln.unit, ln.wastage_pct)
        for sku in sorted(boms)
        for ln in boms[sku].lines
    ]


def _routings(uows: UnitOfWorkFactory) -> Rows:
    with uows(read_only=True) as uow:
        routings = uow.recipes.routings()
    return [
        (
            sku,
            op.sequence,
            op.name,
            op.workstation,
            op.setup_minutes,
            op.run_minutes,
            op.cost_per_hour,
        )
        for sku in sorted(routings)
        for op in routings[sku].operations
    ]


def _stock(uows: UnitOfWorkFactory) -> Rows:
    return [
        (r.sku, r.location, r.batch, r.quantity, None, r.name, r.unit, r.average_cost)
        for r in queries.stock_levels(uows)
    ]


def _ledger(uows: UnitOfWorkFactory) -> Rows:
    return [
        (
            e.at.isoformat(timespec="seconds"),
            e.document,
            e.key.item,
            e.key.location,
            e.key.batch,
            e.quantity,
            e.unit_cost,
            e.reason.value,
            e.note,
            e.user,
        )
        for e in queries.ledger(uows, LedgerFilter(limit=ALL_ROWS))
    ]


def _sales(uows: UnitOfWorkFactory) -> Rows:
    listed = orders_queries.sales_list(uows)
    colours = {r.number: r.material_status for r in listed}
    with uows(read_only=True) as uow:
        orders = uow.sales.orders([s.value for s in orders_queries.SALES_ACTIVE])
    return [
        (
            o.reference or o.number,
            o.customer,
            o.delivery_date,
            ln.sku,
            ln.quantity,
            ln.unit_price,
            o.status.value,
            ln.shipped,
            ln.line_no,
            colours.get(o.number),
            o.number,
        )
        for o in sorted(orders, key=lambda o: (o.delivery_date, o.number))
        for ln in o.lines
        if o.status is not SalesStatus.CANCELLED
    ]


def _purchases(uows: UnitOfWorkFactory) -> Rows:
    listed = orders_queries.purchase_list(uows)
    with uows(read_only=True) as uow:
        where = {
            o.number: o.location
            for o in uow.purchasing.orders([s.value for s in orders_queries.PURCHASE_ACTIVE])
        }
    return [
        (
            o.reference or o.number,
            o.supplier,
            o.expected_date,
            where.get(o.number),
            ln.sku,
            ln.quantity,
            ln.unit,
            ln.unit_price,
            o.status,
            ln.received,
            ln.line,
            o.number,
        )
        for o in listed
        for ln in o.lines
    ]


def _mos(uows: UnitOfWorkFactory) -> Rows:
    return [
        (
            m.number,
            m.rank,
            m.item,
            m.quantity,
            m.completed,
            m.customer,
            m.sales_line,
            m.due_date,
            m.production_minutes,
            m.status,
            m.material_status,
            _yes(m.late),
            m.blocked_reason,
        )
        for m in orders_queries.make_list(uows)
    ]


READERS = {
    Kind.ITEMS: _items,
    Kind.BOMS: _boms,
    Kind.ROUTINGS: _routings,
    Kind.STOCK: _stock,
    Kind.LEDGER: _ledger,
    Kind.SALES: _sales,
    Kind.PURCHASES: _purchases,
    Kind.MOS: _mos,
}


def sheet(kind: Kind, uows: UnitOfWorkFactory) -> Sheet:
    """The list of ``kind`` as a table: the import columns, then the export-only ones.

    The stock list is written as a count (``counted`` = in stock), so it re-imports as one.
    """
    lay = layout(kind)
    return Sheet(kind.value, (*lay.names, *lay.extra), list(READERS[kind](uows)))


def export(kind: Kind, fmt: Format, uows: UnitOfWorkFactory) -> bytes:
    """The list of ``kind`` as a file. ``Kind.WORKBOOK`` (XLSX only): items, BOMs and routings,
    one sheet each, plus a "help" sheet, importable as a whole with ``Kind.WORKBOOK``."""
    if kind is Kind.WORKBOOK:
        if fmt is not Format.XLSX:
            raise KindError("a workbook export is XLSX only", field="format")
        return write([*(sheet(k, uows) for k in MASTER_DATA), help_sheet(MASTER_DATA)], fmt)
    return write([sheet(kind, uows)], fmt)
