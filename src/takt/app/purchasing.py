"""Purchase order use cases: create, receive (partially), cancel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from takt.app.ports import UnitOfWork
from takt.app.settings import over_receipt_allowed
from takt.app.stock import Clock, Posted, post_moves, utc_now
from takt.domain.errors import DomainError
from takt.domain.ledger import Move, Reason, StockKey
from takt.domain.purchasing import PurchaseOrder


@dataclass(frozen=True, slots=True)
class PurchaseLineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None
    in_stock_unit: bool = False


@dataclass(frozen=True, slots=True)
class NewPurchaseOrder:
    """``expected_date`` defaults to today + the supplier's lead time; ``reference`` is the
    supplier's number for the order (or the requisition's), if there is one."""

    supplier: str
    lines: tuple[PurchaseLineInput, ...] = field(default_factory=tuple)
    expected_date: date | None = None
    location: str = "MAIN"
    reference: str = ""


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
            uow.numbers.next("PO"),
            supplier.code,
            expected,
            now,
            location=cmd.location,
            reference=cmd.reference.strip(),
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
class ReceiptLine:
    """``quantity`` purchase units of line ``line_no``; ``batch`` for batch-tracked items."""

    line_no: int
    quantity: Decimal
    batch: str = ""
    location: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiveOrder:
    """A delivery: several lines of one purchase order received together."""

    number: str
    lines: tuple[ReceiptLine, ...]
    user: str = "system"


def receive_order(cmd: ReceiveOrder, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    """Receives a delivery in one transaction: every line or none (a ledger receipt per line at
    the line's price per stock unit, which updates the moving average)."""
    if not cmd.lines:
        raise DomainError("a receipt needs at least one line", field="lines")
    with uow:
        order = uow.purchasing.get(cmd.number, lock=True)
        allow = over_receipt_allowed(uow)
        moves: list[Move] = []
        prices: dict[str, Decimal] = {}
        for part in cmd.lines:
            line = order.line(part.line_no)
            stock_quantity = order.receive(part.line_no, part.quantity, allow_over_receipt=allow)
            key = StockKey(line.sku, part.location or order.location, part.batch)
            moves.append(Move(key, stock_quantity, Reason.RECEIPT, line.stock_unit_cost))
            prices[line.sku] = line.stock_unit_cost
        lines = ", ".join(str(p.line_no) for p in cmd.lines)
        posted = post_moves(uow, moves, order.number, cmd.user, f"lines {lines}", clock)
        uow.items.set_last_purchase_prices(prices)
        uow.purchasing.save(order)
        uow.commit()
        return posted


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
    """Receives part or all of one line."""
    line = ReceiptLine(cmd.line_no, cmd.quantity, cmd.batch, cmd.location)
    return receive_order(ReceiveOrder(cmd.number, (line,), cmd.user), uow, clock)


def cancel_purchase_order(number: str, uow: UnitOfWork) -> PurchaseOrder:
    with uow:
        order = uow.purchasing.get(number, lock=True)
        order.cancel()
        uow.purchasing.save(order)
        uow.commit()
        return order
