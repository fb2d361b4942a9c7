"""Read models of the printed documents: an MO's traveller and pick list, a purchase order and a
sales order's delivery note. The HTML page and the PDF of a document are drawn from the same
read model, so they always say the same.

Each reads in one read-only unit of work, a fixed number of queries whatever the number of lines
(an MO's batch-tracked ingredients: one balance query each, few by nature).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from takt.app.ports import BalanceRow, UnitOfWorkFactory
from takt.app.scheduling import TIMEZONE
from takt.domain.errors import NotFound
from takt.domain.items import Item
from takt.domain.manufacturing import ManufacturingOrder

ZERO = Decimal(0)


def _check_prefix(number: str, prefix: str, kind: str) -> None:
    if not number.upper().startswith(f"{prefix}-"):
        raise NotFound(f"{number!r} is not a {kind} number ({prefix}-...)", field="order")


# ---------------------------------------------------------------- an MO: traveller, pick list


@dataclass(frozen=True, slots=True)
class PickLine:
    """An ingredient: what is planned, consumed and still to pick, and the batches to pick from
    (a batch-tracked item's balances at the MO's location, oldest first, as consumption takes)."""

    sku: str
    name: str
    unit: str
    planned: Decimal
    consumed: Decimal
    remaining: Decimal
    batch_tracked: bool
    batches: list[BalanceRow]


@dataclass(frozen=True, slots=True)
class MoDocument:
    mo: ManufacturingOrder
    item: Item
    customer: str | None  # the customer's name of a make-to-order MO
    lines: list[PickLine]
    stations: dict[str, str]  # workstation code -> name
    zone: str


def mo_document(uows: UnitOfWorkFactory, number: str) -> MoDocument:
    """What an MO's traveller and pick list show; ``NotFound`` for an unknown MO."""
    _check_prefix(number, "MO", "manufacturing order")
    with uows(read_only=True) as uow:
        mo = uow.manufacturing.get(number.upper())
        items = uow.items.many(sorted({mo.sku, *(i.sku for i in mo.ingredients)}))
        customer = None
        if mo.sales_order:
            order = uow.sales.get(mo.sales_order)
            customer = uow.partners.customer(order.customer).name
        stations = {c: ws.name for c, ws in uow.resources.workstations().items()}
        zone = uow.settings.get(TIMEZONE, "UTC")
        lines: list[PickLine] = []
        for ing in mo.ingredients:
            item = items[ing.sku]
            batches: list[BalanceRow] = []
            if item.batch_tracked:
                rows = uow.stock.balances(ing.sku, mo.location)
                batches = [b for b in rows if b.quantity > 0]
            lines.append(
                PickLine(
                    ing.sku,
                    item.name,
                    item.unit,
                    ing.planned,
                    ing.consumed,
                    ing.remaining,
                    item.batch_tracked,
                    batches,
                )
            )
    return MoDocument(mo, items[mo.sku], customer, lines, stations, zone)


# ---------------------------------------------------------------- a purchase order


@dataclass(frozen=True, slots=True)
class PurchaseDocLine:
    line_no: int
    sku: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    received: Decimal
    remaining: Decimal

    @property
    def value(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class PurchaseDocument:
    number: str
    supplier: str
    supplier_name: str
    ordered_on: date
    expected_date: date
    location: str
    location_name: str
    status: str
    lines: list[PurchaseDocLine]
    total: Decimal


def purchase_document(uows: UnitOfWorkFactory, number: str) -> PurchaseDocument:
    """What a printed purchase order shows; ``NotFound`` for an unknown order."""
    _check_prefix(number, "PO", "purchase order")
    with uows(read_only=True) as uow:
        order = uow.purchasing.get(number.upper())
        items = uow.items.many(sorted({ln.sku for ln in order.lines}))
        supplier = uow.locations.suppliers().get(order.supplier)
        place = next((p for p in uow.locations.list() if p.code == order.location), None)
    lines = [
        PurchaseDocLine(
            ln.line_no,
            ln.sku,
            items[ln.sku].name if ln.sku in items else ln.sku,
            ln.quantity,
            ln.unit,
            ln.unit_price,
            ln.received,
            ln.remaining,
        )
        for ln in order.lines
    ]
    return PurchaseDocument(
        order.number,
        order.supplier,
        supplier.name if supplier else order.supplier,
        order.created_at.date(),
        order.expected_date,
        order.location,
        place.name if place else order.location,
        order.status.value,
        lines,
        order.total,
    )


# ---------------------------------------------------------------- a delivery note


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    line_no: int
    sku: str
    name: str
    unit: str
    ordered: Decimal
    shipped: Decimal
    remaining: Decimal


@dataclass(frozen=True, slots=True)
class DeliveryNote:
    """A sales order's delivery note: what was ordered, what has shipped, what is still to come."""

    number: str
    customer: str
    customer_name: str
    customer_email: str
    ordered_on: date
    delivery_date: date
    status: str
    lines: list[DeliveryLine]
    printed_at: datetime | None = None

    @property
    def shipped_any(self) -> bool:
        return any(ln.shipped > 0 for ln in self.lines)


def delivery_note(uows: UnitOfWorkFactory, number: str) -> DeliveryNote:
    """What a printed delivery note shows; ``NotFound`` for an unknown sales order."""
    _check_prefix(number, "SO", "sales order")
    with uows(read_only=True) as uow:
        order = uow.sales.get(number.upper())
        items = uow.items.many(sorted({ln.sku for ln in order.lines}))
        customer = uow.partners.customer(order.customer)
    lines = [
        DeliveryLine(
            ln.line_no,
            ln.sku,
            items[ln.sku].name if ln.sku in items else ln.sku,
            items[ln.sku].unit if ln.sku in items else "",
            ln.quantity,
            ln.shipped,
            ln.remaining,
        )
        for ln in order.lines
    ]
    return DeliveryNote(
        order.number,
        customer.code,
        customer.name,
        customer.email,
        order.created_at.date(),
        order.delivery_date,
        order.status.value,
        lines,
    )
