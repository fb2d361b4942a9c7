"""Purchase orders: what was bought from a supplier, when it is expected, what has arrived.

Lines are entered in the item's purchase unit (a box of 100 screws) and received into stock in the
item's stock unit. The unit cost of a receipt is the line's price per stock unit, which feeds the
moving-average cost. Status: open -> partly received -> received; cancelled when nothing arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.references import check_reference
from takt.domain.units import (
    QUANTITY_PLACES,
    QuantityError,
    normalize,
    round_cost,
    scale_exactly,
)

ZERO = Decimal(0)


class PurchaseError(DomainError):
    """A purchase order action that is not allowed."""


class PurchaseStatus(StrEnum):
    OPEN = "open"
    PARTLY_RECEIVED = "partly received"
    RECEIVED = "received"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (PurchaseStatus.OPEN, PurchaseStatus.PARTLY_RECEIVED)


@dataclass(slots=True)
class PurchaseLine:
    """``quantity`` purchase units of ``sku`` (``factor`` stock units each) at ``unit_price`` each."""

    line_no: int
    sku: str
    quantity: Decimal
    unit: str
    factor: Decimal
    unit_price: Decimal
    received: Decimal = ZERO
    id: int | None = None

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise QuantityError(
                f"line {self.line_no}: quantity must be positive, got {self.quantity}", "quantity"
            )
        if self.unit_price < 0:
            raise QuantityError(f"line {self.line_no}: price must not be negative", "unit_price")
        if self.factor <= 0:
            raise QuantityError(f"line {self.line_no}: unit factor must be positive", "factor")

    @property
    def remaining(self) -> Decimal:
        """Purchase units still to arrive (never negative, even after an allowed over-receipt)."""
        return max(self.quantity - self.received, ZERO)

    def to_stock(self, quantity: Decimal) -> Decimal:
        """``quantity`` purchase units in stock units."""
        if self.factor == 1:
            # Bought in the stock unit (most lines): no exact-fraction arithmetic needed.
            exponent = quantity.as_tuple().exponent
            if isinstance(exponent, int) and -exponent <= QUANTITY_PLACES:
                return normalize(quantity)
        return scale_exactly(Fraction(quantity) * Fraction(self.factor), self.unit)

    @property
    def stock_remaining(self) -> Decimal:
        return self.to_stock(self.remaining) if self.remaining else ZERO

    @property
    def stock_unit_cost(self) -> Decimal:
        """Price per stock unit: the cost a receipt enters stock at."""
        return round_cost(self.unit_price / self.factor)


@dataclass(slots=True)
class PurchaseOrder:
    """An order to a supplier; ``reference`` is the supplier's number for it (or the
    requisition's), "" when none was given."""

    number: str
    supplier: str
    expected_date: date
    created_at: datetime
    status: PurchaseStatus = PurchaseStatus.OPEN
    lines: list[PurchaseLine] = field(default_factory=list)
    location: str = "MAIN"
    id: int | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        check_reference(self.reference)

    def line(self, line_no: int) -> PurchaseLine:
        # Lines are numbered 1, 2, ... in order unless some were removed: the slot first.
        if 0 < line_no <= len(self.lines) and self.lines[line_no - 1].line_no == line_no:
            return self.lines[line_no - 1]
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise PurchaseError(f"{self.number} has no line {line_no}", field="line")

    def add_line(
        self,
        item: Item,
        quantity: Decimal,
        unit_price: Decimal | None = None,
        in_stock_unit: bool = False,
    ) -> PurchaseLine:
        """Adds ``quantity`` of ``item`` in its purchase unit (or its stock unit when it has none).

        Refuses a made item, and a quantity under the item's minimum order quantity.
        """
        if self.status is not PurchaseStatus.OPEN or any(ln.received for ln in self.lines):
            raise PurchaseError(f"{self.number} has receipts: add a new order instead", "status")
        if item.is_made:
            raise PurchaseError(f"{item.sku} is made here ({item.kind}), not bought", field="sku")
        purchase = None if in_stock_unit else item.purchase_unit
        unit, factor = (purchase.name, purchase.factor) if purchase else (item.unit, Decimal(1))
        price = unit_price
        if price is None:
            if item.last_purchase_price is None:
                raise PurchaseError(
                    f"{item.sku} has no last price: give a unit price", "unit_price"
                )
            price = item.last_purchase_price * factor
        line = PurchaseLine(
            max((ln.line_no for ln in self.lines), default=0) + 1,
            item.sku,
            quantity,
            unit,
            factor,
            price,
        )
        if item.min_order_qty and line.to_stock(quantity) < item.min_order_qty:
            raise PurchaseError(
                f"{item.sku}: {line.to_stock(quantity)} {item.unit} is under the minimum order "
                f"quantity of {item.min_order_qty} {item.unit}",
                field="quantity",
            )
        self.lines.append(line)
        return line

    def receive(self, line_no: int, quantity: Decimal, allow_over_receipt: bool = False) -> Decimal:
        """Records ``quantity`` purchase units arriving on a line; returns them in stock units."""
        if not self.status.is_open:
            raise PurchaseError(
                f"{self.number} is {self.status}: nothing more can be received", "status"
            )
        line = self.line(line_no)
        if quantity <= 0:
            raise QuantityError(f"quantity to receive must be positive, got {quantity}", "quantity")
        if quantity > line.remaining and not allow_over_receipt:
            raise PurchaseError(
                f"{self.number} line {line_no}: {quantity} {line.unit} is more than the "
                f"{line.remaining} {line.unit} still expected",
                field="quantity",
            )
        line.received += quantity
        # Looked at from the last line: a delivery taken in line order decides at once.
        self.status = (
            PurchaseStatus.RECEIVED
            if line.remaining == 0 and all(ln.remaining == 0 for ln in reversed(self.lines))
            else PurchaseStatus.PARTLY_RECEIVED
        )
        return line.to_stock(quantity)

    def cancel(self) -> None:
        if self.status is not PurchaseStatus.OPEN:
            raise PurchaseError(f"{self.number} is {self.status}: it cannot be cancelled", "status")
        self.status = PurchaseStatus.CANCELLED

    @property
    def total(self) -> Decimal:
        return sum((ln.quantity * ln.unit_price for ln in self.lines), ZERO)
