"""Stock figures per item: in stock, committed, expected, available, calculated, missing.

These are the quantity-only figures of the stock screen (Katana's "missing/excess"); which order
gets which part of them is ``allocation``'s business. For one item:

- In stock: what the ledger holds (it may be negative where the item allows negative stock);
- Committed: still to ship on open sales-order lines plus still to consume on MO ingredient lines;
- Expected: still to arrive on open purchase orders and manufacturing orders;
- Available = In stock − Committed;
- Calculated = In stock − Committed + Expected − Safety stock (negative: make or buy that much);
- Missing = the negative part of Calculated, as a positive quantity (zero when nothing is missing).

Unlike allocation, the figures take a negative stock at face value: a balance of −2 means two more
must be made or bought. The figures are per item over whatever stock, demands and supplies the
caller passes; for one location, pass that location's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from takt.domain.allocation import Demand, Supply
from takt.domain.errors import DomainError

ZERO = Decimal(0)

# Sums of many stored quantities stay exact.
_EXACT = Context(prec=80)


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """The stock figures of one item; ``available``, ``calculated`` and ``missing`` are derived.

    Invariants: ``committed >= 0``, ``expected >= 0``, ``safety_stock >= 0``, ``missing >= 0``.
    """

    item: str
    in_stock: Decimal
    committed: Decimal
    expected: Decimal
    safety_stock: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("committed", "expected", "safety_stock"):
            value = getattr(self, name)
            if value < 0:
                raise DomainError(f"{self.item}: {name} must not be negative, got {value}", name)

    @property
    def available(self) -> Decimal:
        """In stock − Committed: what is left for new orders today."""
        return self.in_stock - self.committed

    @property
    def calculated(self) -> Decimal:
        """In stock − Committed + Expected − Safety stock; negative means make or buy that much."""
        return self.in_stock - self.committed + self.expected - self.safety_stock

    @property
    def missing(self) -> Decimal:
        """How much must still be made or bought: the negative part of ``calculated``."""
        calculated = self.calculated
        return -calculated if calculated < 0 else ZERO


def item_figures(
    item: str,
    on_hand: Decimal,
    demands: Iterable[Demand],
    supplies: Iterable[Supply],
    safety_stock: Decimal = ZERO,
) -> ItemFigures:
    """The figures of ``item``; demands and supplies of other items are ignored."""
    with localcontext(_EXACT):
        committed = sum((d.quantity for d in demands if d.item == item), ZERO)
        expected = sum((s.quantity for s in supplies if s.item == item), ZERO)
    return ItemFigures(item, on_hand, committed, expected, safety_stock)


def stock_figures(
    on_hand: Mapping[str, Decimal],
    demands: Iterable[Demand],
    supplies: Iterable[Supply],
    safety_stock: Mapping[str, Decimal] | None = None,
) -> dict[str, ItemFigures]:
    """The figures of every item named in any of the inputs, keyed and ordered by SKU.

    One pass over demands and supplies, whatever the number of items.
    """
    safety = safety_stock or {}
    committed: dict[str, Decimal] = {}
    expected: dict[str, Decimal] = {}
    with localcontext(_EXACT):
        for demand in demands:
            committed[demand.item] = committed.get(demand.item, ZERO) + demand.quantity
        for supply in supplies:
            expected[supply.item] = expected.get(supply.item, ZERO) + supply.quantity
    items = sorted(on_hand.keys() | committed.keys() | expected.keys() | safety.keys())
    return {
        item: ItemFigures(
            item,
            on_hand.get(item, ZERO),
            committed.get(item, ZERO),
            expected.get(item, ZERO),
            safety.get(item, ZERO),
        )
        for item in items
    }
