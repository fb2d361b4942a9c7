"""Sales order use cases: customers, orders and lines (add, change, remove), the delivery date,
confirm, ship (partially), cancel.

A line made to order drags its MO along: while the MO has not started, a new quantity re-plans
the MO (ingredients and tasks follow), a new delivery date becomes its due date, and removing the
line cancels it; once the MO has started the change is refused, naming the MO.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from takt.app.availability import from_stock, sales_ref
from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, Posted, post_moves, utc_now
from takt.app.webhooks import publish_event
from takt.domain.bom import BomBook
from takt.domain.errors import DomainError
from takt.domain.events import SalesOrderCreated, SalesOrderDelivered
from takt.domain.ledger import Move, Reason, StockKey
from takt.domain.manufacturing import ManufacturingOrder, MOStatus
from takt.domain.partners import Customer
from takt.domain.sales import SalesError, SalesOrder, SalesStatus
from takt.domain.units import QuantityError


def add_customer(customer: Customer, uow: UnitOfWork) -> Customer:
    with uow:
        uow.partners.add_customer(customer)
        uow.commit()
        return customer


@dataclass(frozen=True, slots=True)
class SalesLineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class NewSalesOrder:
    """A new order; a quote commits no stock until it is confirmed. ``reference`` is the
    customer's own for it (their PO number), if they gave one."""

    customer: str
    delivery_date: date
    lines: tuple[SalesLineInput, ...] = field(default_factory=tuple)
    quote: bool = False
    reference: str = ""


def create_sales_order(cmd: NewSalesOrder, uow: UnitOfWork, clock: Clock = utc_now) -> SalesOrder:
    with uow:
        customer = uow.partners.customer(cmd.customer)
        status = SalesStatus.QUOTE if cmd.quote else SalesStatus.OPEN
        order = SalesOrder(
            uow.numbers.next("SO"),
            customer.code,
            cmd.delivery_date,
            clock(),
            status=status,
            reference=cmd.reference.strip(),
        )
        for line in cmd.lines:
            order.add_line(uow.items.get(line.sku), line.quantity, line.unit_price)
        uow.sales.add(order)
        publish_event(uow, SalesOrderCreated.of(order), clock)
        uow.commit()
        return order


def add_sales_line(number: str, line: SalesLineInput, uow: UnitOfWork) -> SalesOrder:
    with uow:
        order = uow.sales.get(number, lock=True)
        order.add_line(uow.items.get(line.sku), line.quantity, line.unit_price)
        uow.sales.save(order)
        uow.commit()
        return order


@dataclass(frozen=True, slots=True)
class ChangeSalesLine:
    """New ``quantity`` and/or ``unit_price`` (None: unchanged) of line ``line_no``."""

    number: str
    line_no: int
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


def _linked_mos(uow: UnitOfWork, number: str, line_no: int) -> list[ManufacturingOrder]:
    """The open MOs made to order for a line (locked: they change with it)."""
    found = [m for m in uow.manufacturing.for_sales_line(number, line_no) if m.status.is_open]
    return [uow.manufacturing.get(m.number, lock=True) for m in found]


def _require_not_started(mo: ManufacturingOrder, number: str, line_no: int, what: str) -> None:
    if mo.status is not MOStatus.NOT_STARTED or mo.started:
        raise SalesError(
            f"{mo.number} (made to order for {number} line {line_no}) is {mo.status}: "
            f"the line's {what} can no longer change",
            field="quantity" if what == "quantity" else "line",
        )


def change_sales_line(cmd: ChangeSalesLine, uow: UnitOfWork) -> SalesOrder:
    """Changes a line's quantity and/or price while the order is a quote or open with nothing
    shipped. A new quantity re-plans the line's make-to-order MO when it has not started;
    raises ``SalesError`` naming the MO when it has (nothing is written then)."""
    if cmd.quantity is not None and cmd.quantity <= 0:
        raise QuantityError(f"quantity must be positive, got {cmd.quantity}", field="quantity")
    if cmd.unit_price is not None and cmd.unit_price < 0:
        raise QuantityError("price must not be negative", field="unit_price")
    with uow:
        order = uow.sales.get(cmd.number, lock=True)
        order.require_editable()
        line = order.line(cmd.line_no)
        if cmd.quantity is not None and cmd.quantity != line.quantity:
            mos = _linked_mos(uow, order.number, line.line_no)
            for mo in mos:
                _require_not_started(mo, order.number, line.line_no, "quantity")
            if mos:
                book = BomBook(uow.items.by_sku(), uow.recipes.boms())
                rates = {c: ws.cost_per_hour for c, ws in uow.resources.workstations().items()}
                for mo in mos:
                    routing = uow.recipes.routing(book.item(mo.sku).recipe_sku)
                    mo.replan_quantity(cmd.quantity - line.shipped, book, routing, rates)
                    uow.manufacturing.save(mo)
            line.quantity = cmd.quantity
        if cmd.unit_price is not None:
            line.unit_price = cmd.unit_price
        uow.sales.save(order)
        uow.commit()
        return order


def remove_sales_line(number: str, line_no: int, uow: UnitOfWork) -> SalesOrder:
    """Removes a line of a quote or of an open order with nothing shipped; its make-to-order MO
    is cancelled when it has not started (refused, naming the MO, when it has). The last line
    cannot go: cancel the order instead."""
    with uow:
        order = uow.sales.get(number, lock=True)
        order.require_editable()
        line = order.line(line_no)
        if len(order.lines) == 1:
            raise SalesError(
                f"line {line_no} is the only line of {order.number}: cancel the order instead",
                field="line",
            )
        for mo in _linked_mos(uow, order.number, line_no):
            _require_not_started(mo, order.number, line_no, "removal")
            mo.cancel()
            uow.manufacturing.save(mo)
        order.lines.remove(line)
        uow.sales.save(order)
        uow.commit()
        return order


def change_delivery_date(number: str, delivery: date, uow: UnitOfWork) -> SalesOrder:
    """A new delivery date for a quote or open order; its make-to-order MOs take it as their due
    date (any that are open: the due date changes no work already done)."""
    with uow:
        order = uow.sales.get(number, lock=True)
        if order.status not in (SalesStatus.QUOTE, SalesStatus.OPEN, SalesStatus.PARTLY_DELIVERED):
            raise SalesError(f"{order.number} is {order.status}", field="delivery_date")
        order.delivery_date = delivery
        for line in order.lines:
            for mo in _linked_mos(uow, order.number, line.line_no):
                mo.due_date = delivery
                uow.manufacturing.save(mo)
        uow.sales.save(order)
        uow.commit()
        return order


def confirm_sales_order(number: str, uow: UnitOfWork) -> SalesOrder:
    with uow:
        order = uow.sales.get(number, lock=True)
        order.confirm()
        uow.sales.save(order)
        uow.commit()
        return order


@dataclass(frozen=True, slots=True)
class ShipLine:
    """``quantity`` of line ``line_no`` from ``location`` (``batch`` for batch-tracked items)."""

    line_no: int
    quantity: Decimal
    location: str = "MAIN"
    batch: str = ""


@dataclass(frozen=True, slots=True)
class ShipOrder:
    """A delivery: several lines of one sales order shipped together."""

    number: str
    lines: tuple[ShipLine, ...]
    user: str = "system"


def ship_order(cmd: ShipOrder, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Ships a delivery in one transaction: each line only what allocation gives it from stock,
    at the cost of the moment (moving average, or FIFO layers); every line or none.

    The items are locked before allocating, so two shipments competing for the last units are
    decided one after the other: the second sees the first's result.
    """
    if not cmd.lines:
        raise DomainError("a shipment needs at least one line", field="lines")
    with uow:
        order = uow.sales.get(cmd.number, lock=True)
        lines = [order.line(part.line_no) for part in cmd.lines]
        skus = sorted({line.sku for line in lines})
        locked = uow.stock.lock_items(skus)
        takes = from_stock(uow, order, skus)
        wanted: dict[int, Decimal] = {}
        for part, line in zip(cmd.lines, lines, strict=True):
            wanted[line.line_no] = wanted.get(line.line_no, Decimal(0)) + part.quantity
            ref = sales_ref(order.number, line.line_no)
            why = order.can_ship(line.line_no, wanted[line.line_no], takes.get(ref, Decimal(0)))
            if why is not None:
                raise SalesError(why, field="quantity")
        moves = [
            Move(StockKey(line.sku, part.location, part.batch), -part.quantity, Reason.SHIPMENT)
            for part, line in zip(cmd.lines, lines, strict=True)
        ]
        numbers = ", ".join(str(p.line_no) for p in cmd.lines)
        posted = post_moves(uow, moves, order.number, cmd.user, f"lines {numbers}", clock, locked)
        values = posted.values(len(moves))
        for index, (part, line) in enumerate(zip(cmd.lines, lines, strict=True)):
            ref = sales_ref(order.number, line.line_no)
            allowed = takes.get(ref, Decimal(0))
            order.ship(line.line_no, part.quantity, allowed, values[index])
            # What this line just took no longer counts as allocated for its next part.
            takes[ref] = allowed - part.quantity
        uow.sales.save(order)
        if order.status is SalesStatus.DELIVERED:
            publish_event(uow, SalesOrderDelivered.of(order, clock()), clock)
        uow.commit()
        return posted


@dataclass(frozen=True, slots=True)
class Ship:
    """Ship ``quantity`` of a line from ``location`` (``batch`` for a batch-tracked item)."""

    number: str
    line_no: int
    quantity: Decimal
    location: str = "MAIN"
    batch: str = ""
    user: str = "system"


def ship(cmd: Ship, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Ships part of one line (see ``ship_order``)."""
    part = ShipLine(cmd.line_no, cmd.quantity, cmd.location, cmd.batch)
    return ship_order(ShipOrder(cmd.number, (part,), cmd.user), uow, clock)


def rank_sales_order(number: str, rank: int, uow: UnitOfWork) -> SalesOrder:
    """Sets an open order's rank among sales orders (lower first; see ``SalesOrder.set_rank``);
    stock is re-allocated for the next read."""
    with uow:
        order = uow.sales.get(number, lock=True)
        order.set_rank(rank)
        uow.sales.save(order)
        uow.commit()
        return order


def cancel_sales_order(number: str, uow: UnitOfWork) -> SalesOrder:
    """Cancels an order with nothing shipped; its allocations go to the next orders in line."""
    with uow:
        order = uow.sales.get(number, lock=True)
        order.cancel()
        uow.sales.save(order)
        uow.commit()
        return order
