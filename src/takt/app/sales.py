"""Sales order use cases: customers, orders and lines, confirm, ship (partially), cancel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from takt.app.availability import allocation, sales_ref
from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, Posted, post_moves, utc_now
from takt.domain.ledger import Move, Reason, StockKey
from takt.domain.partners import Customer
from takt.domain.sales import SalesError, SalesOrder, SalesStatus
from takt.domain.units import round_cost


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
    """A new order; a quote commits no stock until it is confirmed."""

    customer: str
    delivery_date: date
    lines: tuple[SalesLineInput, ...] = field(default_factory=tuple)
    quote: bool = False


def create_sales_order(cmd: NewSalesOrder, uow: UnitOfWork, clock: Clock = utc_now) -> SalesOrder:
    with uow:
        customer = uow.partners.customer(cmd.customer)
        status = SalesStatus.QUOTE if cmd.quote else SalesStatus.OPEN
        order = SalesOrder(
            uow.numbers.next("SO"), customer.code, cmd.delivery_date, clock(), status=status
        )
        for line in cmd.lines:
            order.add_line(uow.items.get(line.sku), line.quantity, line.unit_price)
        uow.sales.add(order)
        uow.commit()
        return order


def add_sales_line(number: str, line: SalesLineInput, uow: UnitOfWork) -> SalesOrder:
    with uow:
        order = uow.sales.get(number, lock=True)
        order.add_line(uow.items.get(line.sku), line.quantity, line.unit_price)
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
class Ship:
    """Ship ``quantity`` of a line from ``location`` (``batch`` for a batch-tracked item)."""

    number: str
    line_no: int
    quantity: Decimal
    location: str = "MAIN"
    batch: str = ""
    user: str = "system"


def ship(cmd: Ship, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Ships part of a line: only what allocation gives it from stock, at the average cost now.

    The item row is locked before allocating, so two shipments competing for the last units
    are decided one after the other: the second sees the first's result.
    """
    with uow:
        order = uow.sales.get(cmd.number, lock=True)
        line = order.line(cmd.line_no)
        uow.stock.lock_items([line.sku])
        allocated = Decimal(0)
        status = allocation(uow, [line.sku]).lines.get(sales_ref(order.number, line.line_no))
        if status is not None:
            allocated = status.from_stock
        why = order.can_ship(line.line_no, cmd.quantity, allocated)
        if why is not None:
            raise SalesError(why, field="quantity")
        move = Move(StockKey(line.sku, cmd.location, cmd.batch), -cmd.quantity, Reason.SHIPMENT)
        posted = post_moves(uow, [move], order.number, cmd.user, f"line {line.line_no}", clock)
        cost = round_cost(sum((-e.quantity * e.unit_cost for e in posted.entries), Decimal(0)))
        order.ship(line.line_no, cmd.quantity, allocated, cost)
        uow.sales.save(order)
        uow.commit()
        return posted


def cancel_sales_order(number: str, uow: UnitOfWork) -> SalesOrder:
    """Cancels an order with nothing shipped; its allocations go to the next orders in line."""
    with uow:
        order = uow.sales.get(number, lock=True)
        order.cancel()
        uow.sales.save(order)
        uow.commit()
        return order
