"""The stock ledger's rules: how a posting turns requested moves into ledger entries.

The ledger is append-only. A posting is a list of moves (signed quantities of an item at a location
and batch) that succeed or fail together; ``post`` checks every rule before producing anything, so a
refused posting changes nothing. Balances are the running sum of the ledger per item, location and
batch; the store keeps them in the same transaction as the entries.

Moving-average cost (per item, over all locations): every inflow with a cost recalculates it,
``new = (on hand x old + received x unit cost) / (on hand + received)``, rounded half-even to
``COST_PLACES``; outflows leave at the current average and do not change it. When nothing is on hand
(or stock is negative, where an item allows it) the received cost becomes the average.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Context, Decimal, localcontext
from enum import StrEnum

from takt.domain.errors import DomainError, NotFound
from takt.domain.items import Item
from takt.domain.units import QuantityError, normalize, round_cost
from takt.domain.valuation import CostLayer, Valuation, layer_average, take_fifo

# Wide enough that products of two stored figures (18 digits each) are exact before rounding.
_EXACT = Context(prec=80)
ZERO = Decimal(0)


class Reason(StrEnum):
    RECEIPT = "receipt"
    CONSUMPTION = "consumption"
    OUTPUT = "output"
    SHIPMENT = "shipment"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    STOCKTAKE = "stocktake"
    SCRAP = "scrap"


# Reasons whose entries may only add stock, and those that may only take it away.
INFLOW_ONLY = frozenset({Reason.RECEIPT, Reason.OUTPUT})
OUTFLOW_ONLY = frozenset({Reason.CONSUMPTION, Reason.SHIPMENT, Reason.SCRAP})


class LedgerError(DomainError):
    """A posting that breaks a ledger rule; nothing was written."""


class InsufficientStock(LedgerError):
    """An outflow larger than what is on hand, for an item that does not allow negative stock."""

    def __init__(self, key: StockKey, on_hand: Decimal, requested: Decimal) -> None:
        where = f"{key.location}" + (f", batch {key.batch}" if key.batch else "")
        super().__init__(
            f"not enough {key.item} at {where}: {normalize(on_hand)} on hand, "
            f"{normalize(requested)} requested",
            field="quantity",
        )
        self.key = key
        self.on_hand = on_hand
        self.requested = requested


@dataclass(frozen=True, slots=True, order=True)
class StockKey:
    """Where a balance lives: item SKU, location code, batch ('' when not batch-tracked)."""

    item: str
    location: str
    batch: str = ""


@dataclass(frozen=True, slots=True)
class Move:
    """A requested change of stock: signed ``quantity`` at ``key`` for ``reason``.

    ``unit_cost`` is the cost of an inflow (a purchase price, the actual cost of output); None
    means the item's current average (a transfer in, found stock).
    """

    key: StockKey
    quantity: Decimal
    reason: Reason
    unit_cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One append-only ledger line."""

    key: StockKey
    quantity: Decimal
    unit_cost: Decimal
    reason: Reason
    document: str
    note: str
    user: str
    at: datetime


@dataclass(slots=True)
class ItemCost:
    """The item-wide figures a posting reads and updates: total on hand and average cost."""

    on_hand: Decimal
    average_cost: Decimal
    has_cost_history: bool


@dataclass(slots=True)
class PostingResult:
    """What a posting writes: entries, the new balance of every touched key, new item costs,
    and the cost layers of FIFO items it touched (their whole new state)."""

    entries: list[LedgerEntry] = field(default_factory=list)
    balances: dict[StockKey, Decimal] = field(default_factory=dict)
    costs: dict[str, ItemCost] = field(default_factory=dict)
    layers: dict[str, list[CostLayer]] = field(default_factory=dict)
    sources: list[int] = field(default_factory=list)
    """For each entry, the index of the move it came from (a FIFO outflow may need several)."""


def post(
    moves: Sequence[Move],
    items: Mapping[str, Item],
    balances: Mapping[StockKey, Decimal],
    on_hand: Mapping[str, Decimal],
    *,
    document: str,
    user: str,
    at: datetime,
    note: str = "",
    layers: Mapping[str, Sequence[CostLayer]] | None = None,
) -> PostingResult:
    """Applies ``moves`` in order to ``balances`` (every touched key) and the items' costs.

    ``on_hand`` is each item's total over all locations and batches before the posting;
    ``layers`` the cost layers of FIFO items, oldest first (see ``takt.domain.valuation``).
    Raises ``LedgerError`` (``InsufficientStock``, ``QuantityError``) on the first broken rule;
    the caller then writes nothing.
    """
    if not moves:
        raise LedgerError("a posting needs at least one move", field="quantity")
    result = PostingResult()
    for sku in sorted({m.key.item for m in moves}):
        item = items.get(sku)
        if item is None:
            raise NotFound(f"unknown SKU {sku!r}", field="sku")
        result.costs[sku] = ItemCost(
            on_hand.get(sku, ZERO), item.average_cost, item.has_cost_history
        )
        if item.valuation is Valuation.FIFO:
            result.layers[sku] = [
                CostLayer(layer.quantity, layer.unit_cost, layer.received_at)
                for layer in (layers or {}).get(sku, ())
            ]
    running = dict(balances)
    with localcontext(_EXACT):
        for index, move in enumerate(moves):
            item = items[move.key.item]
            _check_move(move, item)
            cost = result.costs[item.sku]
            before = running.get(move.key, ZERO)
            after = before + move.quantity
            if move.quantity < 0 and after < 0 and not item.allow_negative_stock:
                raise InsufficientStock(move.key, before, -move.quantity)
            fifo = result.layers.get(item.sku)
            if fifo is not None and move.quantity < 0 and move.reason is not Reason.TRANSFER:
                parts = take_fifo(fifo, -move.quantity, cost.average_cost)
            else:
                parts = [(abs(move.quantity), _apply_cost(move, item, cost))]
                if fifo is not None and move.quantity > 0 and move.reason is not Reason.TRANSFER:
                    fifo.append(CostLayer(move.quantity, parts[0][1], at))
            if fifo is not None:
                cost.average_cost = layer_average(fifo, cost.average_cost)
            running[move.key] = after
            cost.on_hand += move.quantity
            sign = 1 if move.quantity > 0 else -1
            for quantity, unit_cost in parts:
                result.entries.append(
                    LedgerEntry(
                        move.key, sign * quantity, unit_cost, move.reason, document, note, user, at
                    )
                )
                result.sources.append(index)
    moved = {m.key for m in moves}
    result.balances = {k: v for k, v in running.items() if k in moved}
    return result


def _check_move(move: Move, item: Item) -> None:
    if move.quantity == 0:
        raise QuantityError(f"{item.sku}: quantity must not be zero", field="quantity")
    if move.reason in INFLOW_ONLY and move.quantity < 0:
        raise QuantityError(f"{item.sku}: a {move.reason} must add stock", field="quantity")
    if move.reason in OUTFLOW_ONLY and move.quantity > 0:
        raise QuantityError(f"{item.sku}: a {move.reason} must take stock away", field="quantity")
    if item.batch_tracked and not move.key.batch:
        raise LedgerError(f"{item.sku} is batch-tracked: every posting needs a batch", "batch")
    if not item.batch_tracked and move.key.batch:
        raise LedgerError(
            f"{item.sku} is not batch-tracked: a batch ({move.key.batch}) cannot be given", "batch"
        )
    if move.unit_cost is not None and move.unit_cost < 0:
        raise QuantityError(f"{item.sku}: unit cost must not be negative", field="unit_cost")


def _apply_cost(move: Move, item: Item, cost: ItemCost) -> Decimal:
    """The entry's unit cost; updates the item's moving average on a costed inflow."""
    if move.quantity < 0 or move.reason is Reason.TRANSFER:
        # Outflows leave at the average; a transfer moves value between locations unchanged.
        return cost.average_cost
    if move.unit_cost is None:
        if not cost.has_cost_history:
            fallback = item.cost_for_valuation()
            if fallback is None:
                raise LedgerError(
                    f"{item.sku} has no cost yet: give a unit cost for this {move.reason}",
                    field="unit_cost",
                )
            return _receive_at(move.quantity, fallback[0], cost)
        return cost.average_cost
    return _receive_at(move.quantity, move.unit_cost, cost)


def _receive_at(quantity: Decimal, unit_cost: Decimal, cost: ItemCost) -> Decimal:
    if cost.on_hand <= 0 or not cost.has_cost_history:
        cost.average_cost = round_cost(unit_cost)
    else:
        total = cost.on_hand * cost.average_cost + quantity * unit_cost
        cost.average_cost = round_cost(total / (cost.on_hand + quantity))
    cost.has_cost_history = True
    return normalize(unit_cost)


def transfer_moves(
    item: str, quantity: Decimal, source: str, destination: str, batch: str = ""
) -> list[Move]:
    """The two moves of a transfer: out of ``source``, into ``destination``, same batch."""
    if quantity <= 0:
        raise QuantityError(f"transfer quantity must be positive, got {quantity}", "quantity")
    if source == destination:
        raise LedgerError(f"transfer from {source} to itself", field="to_location")
    return [
        Move(StockKey(item, source, batch), -quantity, Reason.TRANSFER),
        Move(StockKey(item, destination, batch), quantity, Reason.TRANSFER),
    ]


def stocktake_move(key: StockKey, on_hand: Decimal, counted: Decimal) -> Move | None:
    """The adjustment that makes the balance at ``key`` equal the ``counted`` quantity."""
    if counted < 0:
        raise QuantityError(f"counted quantity must be 0 or more, got {counted}", "counted")
    delta = counted - on_hand
    return None if delta == 0 else Move(key, delta, Reason.STOCKTAKE)


def balances_from(entries: Iterable[LedgerEntry]) -> dict[StockKey, Decimal]:
    """Balances as the plain sum of ``entries`` (the definition the stored balances must equal)."""
    sums: dict[StockKey, Decimal] = {}
    for entry in entries:
        sums[entry.key] = sums.get(entry.key, ZERO) + entry.quantity
    return sums
