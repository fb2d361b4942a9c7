"""Sales orders: customers' orders, their lines, shipments and margin.

Status: quote (commits nothing) -> open -> partly delivered -> delivered; an order with nothing
shipped may be cancelled, which releases everything it had allocated. A line ships only what the
allocation engine gives it from stock. Margin = revenue of what was shipped - cost of goods shipped,
valued at the moving-average cost of the moment of shipping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from takt.domain.errors import DomainError
from takt.domain.items import Item
from takt.domain.references import check_reference
from takt.domain.units import QuantityError, round_cost

ZERO = Decimal(0)
RANK_LIMIT = 1_000_000
"""The largest rank, either way, a sales order may have."""


class SalesError(DomainError):
    """A sales order action that is not allowed."""


class SalesStatus(StrEnum):
    QUOTE = "quote"
    OPEN = "open"
    PARTLY_DELIVERED = "partly delivered"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Whether the order still commits stock."""
        return self in (SalesStatus.OPEN, SalesStatus.PARTLY_DELIVERED)


@dataclass(slots=True)
class SalesLine:
    """``quantity`` of ``sku`` at ``unit_price``; ``shipped`` so far at ``cost_shipped`` in total."""

    line_no: int
    sku: str
    quantity: Decimal
    unit_price: Decimal
    shipped: Decimal = ZERO
    cost_shipped: Decimal = ZERO
    id: int | None = None

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise QuantityError(
                f"line {self.line_no}: quantity must be positive, got {self.quantity}", "quantity"
            )
        if self.unit_price < 0:
            raise QuantityError(f"line {self.line_no}: price must not be negative", "unit_price")

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.shipped

    @property
    def revenue(self) -> Decimal:
        """Revenue of what has shipped."""
        return self.shipped * self.unit_price

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost_shipped

    @property
    def ref(self) -> str:
        return str(self.line_no)


@dataclass(slots=True)
class SalesOrder:
    """A customer's order. ``rank`` orders sales orders among themselves (lower ships first);
    ``reference`` is the customer's own for it (their PO number), "" when none was given."""

    number: str
    customer: str
    delivery_date: date
    created_at: datetime
    status: SalesStatus = SalesStatus.OPEN
    lines: list[SalesLine] = field(default_factory=list)
    rank: int = 0
    id: int | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        check_reference(self.reference)

    def line(self, line_no: int) -> SalesLine:
        # Lines are numbered 1, 2, ... in order unless some were removed: try the slot first,
        # so a delivery of every line of a long order is not quadratic.
        if 0 < line_no <= len(self.lines) and self.lines[line_no - 1].line_no == line_no:
            return self.lines[line_no - 1]
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise SalesError(f"{self.number} has no line {line_no}", field="line")

    def add_line(
        self, item: Item, quantity: Decimal, unit_price: Decimal | None = None
    ) -> SalesLine:
        """Adds a line for a sellable item (a product or subassembly) at its sales price by default."""
        self.require_editable()
        if not item.is_made:
            raise SalesError(f"{item.sku} is a material (bought), not a sellable item", field="sku")
        price = unit_price if unit_price is not None else item.sales_price
        if price is None:
            raise SalesError(f"{item.sku} has no sales price: give a unit price", "unit_price")
        line = SalesLine(
            max((ln.line_no for ln in self.lines), default=0) + 1, item.sku, quantity, price
        )
        self.lines.append(line)
        return line

    def confirm(self) -> None:
        """Turns a quote into an open order, which commits stock."""
        if self.status is not SalesStatus.QUOTE:
            raise SalesError(f"{self.number} is {self.status}, not a quote", field="status")
        if not self.lines:
            raise SalesError(f"{self.number} has no lines", field="lines")
        self.status = SalesStatus.OPEN

    def can_ship(self, line_no: int, quantity: Decimal, allocated: Decimal) -> str | None:
        """Why ``quantity`` of the line cannot ship now (None when it can).

        ``allocated`` is what the allocation engine gives the line from stock.
        """
        if not self.status.is_open:
            return f"{self.number} is {self.status}"
        line = self.line(line_no)
        if quantity <= 0:
            return f"quantity to ship must be positive, got {quantity}"
        if quantity > line.remaining:
            return (
                f"{self.number} line {line_no} has {line.remaining} {line.sku} left to ship, "
                f"not {quantity}"
            )
        if quantity > allocated:
            return (
                f"only {allocated} {line.sku} allocated to {self.number} line {line_no} "
                f"from stock; cannot ship {quantity}"
            )
        return None

    def ship(self, line_no: int, quantity: Decimal, allocated: Decimal, cost: Decimal) -> None:
        """Records a shipment of ``quantity`` whose stock left at a total of ``cost``.

        ``cost`` is the value the ledger took out: the moving average of the moment, or the sum
        of the FIFO layers used.
        """
        why = self.can_ship(line_no, quantity, allocated)
        if why is not None:
            raise SalesError(why, field="quantity")
        line = self.line(line_no)
        line.shipped += quantity
        line.cost_shipped = round_cost(line.cost_shipped + cost)
        # Looked at from the last line: a delivery taken in line order decides at once.
        self.status = (
            SalesStatus.DELIVERED
            if line.remaining == 0 and all(ln.remaining == 0 for ln in reversed(self.lines))
            else SalesStatus.PARTLY_DELIVERED
        )

    def set_rank(self, rank: int) -> None:
        """Sets the order's priority among sales orders: a lower rank is served first, and
        orders of equal rank go by delivery date, then creation. New orders have rank 0, so a
        negative rank rushes an order ahead of them and a positive one lets it wait."""
        if self.status in (SalesStatus.DELIVERED, SalesStatus.CANCELLED):
            raise SalesError(f"{self.number} is {self.status}; it cannot be ranked", field="status")
        if not -RANK_LIMIT <= rank <= RANK_LIMIT:
            raise SalesError(
                f"rank must be between -{RANK_LIMIT:,} and {RANK_LIMIT:,}, got {rank}",
                field="rank",
            )
        self.rank = rank

    def cancel(self) -> None:
        """Cancels an order that has shipped nothing; its allocations are released."""
        if self.status in (SalesStatus.DELIVERED, SalesStatus.CANCELLED):
            raise SalesError(f"{self.number} is already {self.status}", field="status")
        if any(ln.shipped > 0 for ln in self.lines):
            raise SalesError(
                f"{self.number} has shipped goods; it cannot be cancelled", field="status"
            )
        self.status = SalesStatus.CANCELLED

    def require_editable(self) -> None:
        """Lines may be added, changed or removed only on a quote or an open order with nothing
        shipped yet; raises ``SalesError`` otherwise."""
        if self.status not in (SalesStatus.QUOTE, SalesStatus.OPEN):
            raise SalesError(
                f"{self.number} is {self.status}: lines can no longer change", "status"
            )
        if any(ln.shipped > 0 for ln in self.lines):
            raise SalesError(
                f"{self.number} has shipped goods: lines can no longer change", "status"
            )

    @property
    def revenue(self) -> Decimal:
        return sum((ln.revenue for ln in self.lines), ZERO)

    @property
    def cost_shipped(self) -> Decimal:
        return sum((ln.cost_shipped for ln in self.lines), ZERO)

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost_shipped

    @property
    def total(self) -> Decimal:
        """Value of the whole order at its prices."""
        return sum((ln.quantity * ln.unit_price for ln in self.lines), ZERO)
