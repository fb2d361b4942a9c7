"""Stock valuation methods: moving average (the default) or FIFO cost layers, per item.

FIFO keeps one cost layer per inflow (quantity left, unit cost). An outflow takes the oldest
layers first; the ledger then holds one entry per layer touched, each at that layer's cost, so the
value that left is exact. Transfers move stock between locations without touching the layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from takt.domain.units import round_cost

ZERO = Decimal(0)


class Valuation(StrEnum):
    AVERAGE = "average"
    FIFO = "fifo"


@dataclass(slots=True)
class CostLayer:
    """``quantity`` still on hand of one inflow that cost ``unit_cost`` each."""

    quantity: Decimal
    unit_cost: Decimal
    received_at: datetime


def take_fifo(
    layers: list[CostLayer], quantity: Decimal, fallback: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """Takes ``quantity`` from the oldest layers; returns (quantity, unit cost) parts.

    Emptied layers are removed from ``layers``. What no layer covers (negative stock, where the
    item allows it) leaves at ``fallback``, the item's last known cost.
    """
    parts: list[tuple[Decimal, Decimal]] = []
    left = quantity
    while left > 0 and layers:
        layer = layers[0]
        take = min(left, layer.quantity)
        parts.append((take, layer.unit_cost))
        layer.quantity -= take
        left -= take
        if layer.quantity == 0:
            layers.pop(0)
    if left > 0:
        parts.append((left, fallback))
    return parts


def layer_average(layers: Sequence[CostLayer], default: Decimal) -> Decimal:
    """The value per unit of what the layers hold (``default`` when they hold nothing)."""
    quantity = sum((layer.quantity for layer in layers), ZERO)
    if quantity <= 0:
        return default
    value = sum((layer.quantity * layer.unit_cost for layer in layers), ZERO)
    return round_cost(value / quantity)
