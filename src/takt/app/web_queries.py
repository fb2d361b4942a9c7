"""Read models for the Sell, Buy and Stock pages: what each page shows beside the order screens'.

Every function reads in a fixed number of queries whatever the number of orders, lines or items,
and allocates at most once (``takt.app.availability.allocation``): never per order or per row.
The order views themselves (colours, pegging reasons) come from ``orders_queries.order_status``;
these add what a page needs around them: prices, units, batch tracking, the make-to-order MOs of
a sales line, locations, stock balances and the stock figures of every item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from takt.app.availability import allocation
from takt.app.orders_queries import LineView, OrderView, order_status
from takt.app.ports import LedgerFilter, UnitOfWorkFactory
from takt.app.queries import figures_of
from takt.domain.allocation import Status
from takt.domain.errors import NotFound
from takt.domain.items import Item
from takt.domain.ledger import LedgerEntry, Reason
from takt.domain.sales import SalesStatus

ZERO = Decimal(0)


def _check_prefix(number: str, prefix: str, kind: str) -> None:
    if not number.upper().startswith(f"{prefix}-"):
        raise NotFound(f"{number!r} is not a {kind} number ({prefix}-...)", field="order")


# ---------------------------------------------------------------- names


def customer_names(uows: UnitOfWorkFactory) -> dict[str, str]:
    with uows(read_only=True) as uow:
        return {c.code: c.name for c in uow.partners.customers().values()}


def supplier_names(uows: UnitOfWorkFactory) -> dict[str, str]:
    with uows(read_only=True) as uow:
        return {s.code: s.name for s in uow.locations.suppliers().values()}


# ---------------------------------------------------------------- one sales order


@dataclass(frozen=True, slots=True)
class SalesLineDetail:
    """A sales line: its status view plus price, revenue, margin and the MOs made for it."""

    view: LineView
    name: str
    unit: str
    unit_price: Decimal
    revenue: Decimal
    margin: Decimal
    batch_tracked: bool
    mos: tuple[tuple[str, str], ...] = ()  # (number, status) of MOs made to order for it

    @property
    def line_no(self) -> int:
        return int(self.view.line)

    @property
    def shippable(self) -> Decimal:
        """What allocation gives the line from stock now (what may ship), never more than left."""
        return min(self.view.from_stock, self.view.remaining)


@dataclass(frozen=True, slots=True)
class SalesDetail:
    order: OrderView
    customer_name: str
    delivery_date: date
    status: str
    total: Decimal
    revenue: Decimal
    margin: Decimal
    lines: list[SalesLineDetail]
    locations: list[str]
    flag: str | None

    @property
    def is_open(self) -> bool:
        return SalesStatus(self.status).is_open


def sales_detail(uows: UnitOfWorkFactory, number: str, today: date | None = None) -> SalesDetail:
    """The sales order ``number`` with its lines' colours, pegging and make-to-order MOs.

    Raises ``NotFound`` (field "order") for an unknown number or one that is not SO-...
    """
    _check_prefix(number, "SO", "sales order")
    view = order_status(uows, number)
    with uows(read_only=True) as uow:
        order = uow.sales.get(view.number)
        items = uow.items.many(sorted({ln.sku for ln in order.lines}))
        customer = uow.partners.customer(order.customer)
        mos = [m for m in uow.manufacturing.orders() if m.sales_order == order.number]
        locations = [loc.code for loc in uow.locations.list()]
    made: dict[int, list[tuple[str, str]]] = {}
    for mo in mos:
        if mo.sales_line is not None:
            made.setdefault(mo.sales_line, []).append((mo.number, mo.status.value))
    views = {ln.line: ln for ln in view.lines}
    lines: list[SalesLineDetail] = []
    for ln in order.lines:
        item = items.get(ln.sku)
        line_view = views.get(str(ln.line_no))
        if line_view is None:  # pragma: no cover - order_status shows every line
            continue
        lines.append(
            SalesLineDetail(
                line_view,
                item.name if item else ln.sku,
                item.unit if item else "",
                ln.unit_price,
                ln.revenue,
                ln.margin,
                bool(item and item.batch_tracked),
                tuple(made.get(ln.line_no, ())),
            )
        )
    now = today or date.today()
    flag = None
    if order.status.is_open and order.delivery_date < now:
        flag = "late"
    elif order.status.is_open and (
        view.material_status == Status.RED.value
        or any("materials red" in (ln.made_to_order or "") for ln in view.lines)
    ):
        flag = "at risk"
    return SalesDetail(
        view,
        customer.name,
        order.delivery_date,
        order.status.value,
        order.total,
        order.revenue,
        order.margin,
        lines,
        locations,
        flag,
    )


# ---------------------------------------------------------------- one purchase order


@dataclass(frozen=True, slots=True)
class PurchaseLineDetail:
    view: LineView
    name: str
    unit: str
    stock_unit: str
    unit_price: Decimal
    batch_tracked: bool

    @property
    def line_no(self) -> int:
        return int(self.view.line)

    @property
    def value(self) -> Decimal:
        return self.view.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class PurchaseDetail:
    order: OrderView
    supplier_name: str
    expected_date: date
    location: str
    status: str
    total: Decimal
    lines: list[PurchaseLineDetail]
    locations: list[str]
    is_open: bool


def purchase_detail(uows: UnitOfWorkFactory, number: str) -> PurchaseDetail:
    """The purchase order ``number`` with who waits for each line; ``NotFound`` when unknown."""
    _check_prefix(number, "PO", "purchase order")
    view = order_status(uows, number)
    with uows(read_only=True) as uow:
        order = uow.purchasing.get(view.number)
        items = uow.items.many(sorted({ln.sku for ln in order.lines}))
        supplier = uow.locations.suppliers().get(order.supplier)
        locations = [loc.code for loc in uow.locations.list()]
    views = {ln.line: ln for ln in view.lines}
    lines: list[PurchaseLineDetail] = []
    for ln in order.lines:
        item: Item | None = items.get(ln.sku)
        line_view = views.get(str(ln.line_no))
        if line_view is None:  # pragma: no cover - order_status shows every line
            continue
        lines.append(
            PurchaseLineDetail(
                line_view,
                item.name if item else ln.sku,
                ln.unit,
                item.unit if item else ln.unit,
                ln.unit_price,
                bool(item and item.batch_tracked),
            )
        )
    return PurchaseDetail(
        view,
        supplier.name if supplier else order.supplier,
        order.expected_date,
        order.location,
        order.status.value,
        order.total,
        lines,
        locations,
        order.status.is_open,
    )


# ---------------------------------------------------------------- stock


@dataclass(frozen=True, slots=True)
class Place:
    """A balance of an item at one location (and batch)."""

    location: str
    batch: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class StockRow:
    """An item's stock figures (allocation over all locations) and where its stock lies."""

    sku: str
    name: str
    kind: str
    unit: str
    in_stock: Decimal
    committed: Decimal
    expected: Decimal
    available: Decimal
    missing: Decimal
    safety_stock: Decimal
    average_cost: Decimal
    places: list[Place] = field(default_factory=list)

    @property
    def value(self) -> Decimal:
        return self.in_stock * self.average_cost if self.in_stock > 0 else ZERO

    def matches(self, needle: str) -> bool:
        text = needle.casefold()
        return not text or text in self.sku.casefold() or text in self.name.casefold()


def stock_rows(uows: UnitOfWorkFactory) -> list[StockRow]:
    """Every item with in stock, committed, expected, available and missing, by SKU.

    Three reads and one allocation, whatever the number of items.
    """
    with uows(read_only=True) as uow:
        items = uow.items.list()
        figures = allocation(uow).figures
        balances = uow.stock.balances()
    places: dict[str, list[Place]] = {}
    for b in balances:
        if b.quantity != 0:
            places.setdefault(b.sku, []).append(Place(b.location, b.batch, b.quantity))
    rows: list[StockRow] = []
    for item in sorted(items, key=lambda i: i.sku):
        held = places.get(item.sku, [])
        f = figures_of(item, figures, sum((p.quantity for p in held), ZERO))
        rows.append(
            StockRow(
                item.sku,
                item.name,
                item.kind.value,
                item.unit,
                f.in_stock,
                f.committed,
                f.expected,
                f.available,
                f.missing,
                item.safety_stock,
                item.average_cost,
                held,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class ItemLedger:
    item: Item
    entries: list[LedgerEntry]
    locations: list[str]
    places: list[Place]
    limit: int

    @property
    def in_stock(self) -> Decimal:
        return sum((p.quantity for p in self.places), ZERO)


def item_ledger(
    uows: UnitOfWorkFactory,
    sku: str,
    location: str | None = None,
    reason: Reason | None = None,
    limit: int = 200,
) -> ItemLedger:
    """The ledger entries of ``sku`` at ``location`` with ``reason`` (each optional), with its
    balances. Raises ``NotFound`` for an unknown item."""
    with uows(read_only=True) as uow:
        item = uow.items.get(sku)
        where = LedgerFilter(sku=item.sku, location=location, reason=reason, limit=limit)
        entries = uow.stock.ledger(where)
        locations = [loc.code for loc in uow.locations.list()]
        balances = uow.stock.balances(item.sku)
    places = [Place(b.location, b.batch, b.quantity) for b in balances if b.quantity != 0]
    return ItemLedger(item, entries, locations, places, limit)


# ---------------------------------------------------------------- stock postings and batch traces


@dataclass(frozen=True, slots=True)
class ItemPlaces:
    """What the Transfer and Stocktake forms of an item need: the item (is it batch-tracked?),
    every location, and where its stock lies now (batch by batch for a batch-tracked item)."""

    item: Item
    locations: list[str]
    places: list[Place]

    @property
    def batches(self) -> list[Place]:
        """The item's batches with stock, by batch then location."""
        return sorted((p for p in self.places if p.batch), key=lambda p: (p.batch, p.location))


def item_places(uows: UnitOfWorkFactory, sku: str) -> ItemPlaces:
    """The item ``sku``, the locations and its non-zero balances; ``NotFound`` when unknown."""
    with uows(read_only=True) as uow:
        item = uow.items.get(sku)
        locations = [loc.code for loc in uow.locations.list()]
        balances = uow.stock.balances(item.sku)
    places = [Place(b.location, b.batch, b.quantity) for b in balances if b.quantity != 0]
    return ItemPlaces(item, locations, places)


@dataclass(frozen=True, slots=True)
class TraceLine:
    """One ledger entry of a batch with the batch's balance after it, at its location and in
    all."""

    entry: LedgerEntry
    at_location: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class BatchTrace:
    """Every movement of one batch of an item, oldest first, with running balances.

    ``opening`` is what the batch held before the first line shown: zero unless the batch has
    more than ``limit`` entries (then only the newest ``limit`` are shown).
    """

    item: Item
    batch: str
    lines: list[TraceLine]
    places: list[Place]
    opening: Decimal
    limit: int

    @property
    def on_hand(self) -> Decimal:
        return sum((p.quantity for p in self.places), ZERO)

    @property
    def truncated(self) -> bool:
        return len(self.lines) >= self.limit


def batch_trace(uows: UnitOfWorkFactory, sku: str, batch: str, limit: int = 1000) -> BatchTrace:
    """The trace of batch ``batch`` of ``sku``: its receipt, transfers, consumption into MOs,
    shipments on sales orders and every other entry, oldest first, with running balances.

    Three reads whatever the number of entries. The running balances start from the stored
    balances minus what the entries shown moved, so they stay right when older entries are cut
    off by ``limit``. Raises ``NotFound`` for an unknown item, an item that is not batch-tracked
    or a batch the item never had (field "batch").
    """
    with uows(read_only=True) as uow:
        item = uow.items.get(sku)
        if not item.batch_tracked:
            raise NotFound(f"{item.sku} is not batch-tracked: it has no batches", field="batch")
        entries = uow.stock.ledger(LedgerFilter(sku=item.sku, batch=batch, limit=limit))
        balances = uow.stock.balances(item.sku)
    places = [
        Place(b.location, b.batch, b.quantity)
        for b in balances
        if b.batch == batch and b.quantity != 0
    ]
    if not entries and not places:
        raise NotFound(f"{item.sku} has no batch {batch!r}", field="batch")
    at: dict[str, Decimal] = {}
    for p in places:
        at[p.location] = at.get(p.location, ZERO) + p.quantity
    for e in entries:  # back to the balances before the oldest entry shown
        at[e.key.location] = at.get(e.key.location, ZERO) - e.quantity
    opening = sum(at.values(), ZERO)
    total = opening
    lines: list[TraceLine] = []
    for e in reversed(entries):  # the store reads newest first
        at[e.key.location] += e.quantity
        total += e.quantity
        lines.append(TraceLine(e, at[e.key.location], total))
    return BatchTrace(item, batch, lines, places, opening, limit)
