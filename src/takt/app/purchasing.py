"""Purchase order use cases: create, receive (partially), cancel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from takt.app.ports import UnitOfWork
from takt.app.stock import Clock, Posted, post_moves, utc_now
from takt.domain.errors import DomainError
from takt.domain.ledger import Move, Reason, StockKey
from takt.domain.purchasing import PurchaseOrder

ALLOW_OVER_RECEIPT = "purchasing.allow_over_receipt"


@dataclass(frozen=True, slots=True)
class PurchaseLineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None
    in_stock_unit: bool = False


@dataclass(frozen=True, slots=True)
class NewPurchaseOrder:
    """``expected_date`` defaults to today + the supplier's lead time."""

    supplier: str
    lines: tuple[PurchaseLineInput, ...] = field(default_factory=tuple)
    expected_date: date | None = None
    location: str = "MAIN"


def create_purchase_order(
    cmd: NewPurchaseOrder, uow: UnitOfWork, clock: Clock = utc_now
) -> PurchaseOrder:
    with uow:
        supplier = uow.locations.suppliers().get(cmd.supplier)
        if supplier is None:
            raise DomainError(f"unknown supplier {cmd.supplier!r}", field="supplier")
        uow.locations.get(cmd.location)
        now = clock()
        expected = cmd.expected_date or now.date() + timedelta(days=supplier.lead_time_days)
        order = PurchaseOrder(
            uow.numbers.next("PO"), supplier.code, expected, now, location=cmd.location
        )
        for line in cmd.lines:
            order.add_line(
                uow.items.get(line.sku), line.quantity, line.unit_price, line.in_stock_unit
            )
        uow.purchasing.add(order)
        uow.commit()
        return order


def add_purchase_line(number: str, line: PurchaseLineInput, uow: UnitOfWork) -> PurchaseOrder:
    with uow:
        order = uow.purchasing.get(number, lock=True)
        order.add_line(uow.items.get(line.sku), line.quantity, line.unit_price, line.in_stock_unit)
        uow.purchasing.save(order)
        uow.commit()
        return order


@dataclass(frozen=True, slots=True)
class ReceivePurchase:
    """``quantity`` is in the line's purchase unit; ``batch`` for batch-tracked items."""

    number: str
    line_no: int
    quantity: Decimal
    batch: str = ""
    location: str | None = None
    user: str = "system"


def receive_purchase(cmd: ReceivePurchase, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Receives part or all of a line: a ledger receipt at the line's price per stock unit."""
    with uow:
        order = uow.purchasing.get(cmd.number, lock=True)
        allow = uow.settings.get(ALLOW_OVER_RECEIPT, "false") == "true"
        line = order.line(cmd.line_no)
        stock_quantity = order.receive(cmd.line_no, cmd.quantity, allow_over_receipt=allow)
        move = Move(
            StockKey(line.sku, cmd.location or order.location, cmd.batch),
            stock_quantity,
            Reason.RECEIPT,
            line.stock_unit_cost,
        )
        posted = post_moves(uow, [move], order.number, cmd.user, f"line {line.line_no}", clock)
        uow.items.set_last_purchase_price(line.sku, line.stock_unit_cost)
        uow.purchasing.save(order)
        uow.commit()
        return posted


def cancel_purchase_order(number: str, uow: UnitOfWork) -> PurchaseOrder:
    with uow:
        order = uow.purchasing.get(number, lock=True)
        order.cancel()
        uow.purchasing.save(order)
        uow.commit()
        return order
