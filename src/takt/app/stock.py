"""Stock postings outside orders: receipts, adjustments, transfers, stocktakes and scrap.

Each use case is one function taking its command and a unit of work: it locks what it changes,
lets ``takt.domain.ledger.post`` check every rule, writes entries and balances, and commits once.
A refused posting raises a ``DomainError`` and leaves the ledger and balances exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from takt.app.ports import UnitOfWork
from takt.app.webhooks import publish_event
from takt.domain.errors import DomainError
from takt.domain.events import StockBelowReorderPoint
from takt.domain.items import Item
from takt.domain.ledger import (
    LedgerEntry,
    Move,
    Reason,
    StockKey,
    post,
    stocktake_move,
    transfer_moves,
)
from takt.domain.units import QuantityError, round_cost
from takt.domain.valuation import Valuation

DEFAULT_LOCATION = "MAIN"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Receive:
    """Stock arriving outside a purchase order (an opening balance, a return)."""

    sku: str
    quantity: Decimal
    unit_cost: Decimal | None = None
    location: str = DEFAULT_LOCATION
    batch: str = ""
    note: str = ""
    user: str = "system"


@dataclass(frozen=True, slots=True)
class Adjust:
    """A correction by ``delta`` (signed) with the reason written down."""

    sku: str
    delta: Decimal
    reason: str
    location: str = DEFAULT_LOCATION
    batch: str = ""
    unit_cost: Decimal | None = None
    user: str = "system"


@dataclass(frozen=True, slots=True)
class Transfer:
    sku: str
    quantity: Decimal
    source: str
    destination: str
    batch: str = ""
    note: str = ""
    user: str = "system"


@dataclass(frozen=True, slots=True)
class Count:
    """A stocktake: ``counted`` is what is physically there; the difference is posted."""

    sku: str
    counted: Decimal
    location: str = DEFAULT_LOCATION
    batch: str = ""
    user: str = "system"


@dataclass(frozen=True, slots=True)
class Scrap:
    sku: str
    quantity: Decimal
    reason: str
    location: str = DEFAULT_LOCATION
    batch: str = ""
    user: str = "system"


@dataclass(frozen=True, slots=True)
class Posted:
    """What a posting wrote: its document number and entries."""

    document: str
    entries: tuple[LedgerEntry, ...]
    sources: tuple[int, ...] = ()

    def values(self, moves: int) -> list[Decimal]:
        """What each of the posting's first ``moves`` moves took out of stock, at the ledger's costs."""
        totals: dict[int, Decimal] = {}
        for entry, move in zip(self.entries, self.sources, strict=True):
            totals[move] = totals.get(move, Decimal(0)) - entry.quantity * entry.unit_cost
        return [round_cost(totals.get(m, Decimal(0))) for m in range(moves)]


def receive(cmd: Receive, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    _positive(cmd.quantity, "quantity")
    move = Move(
        StockKey(cmd.sku, cmd.location, cmd.batch), cmd.quantity, Reason.RECEIPT, cmd.unit_cost
    )
    return _post(uow, [move], "RCV", cmd.user, cmd.note, clock)


def adjust(cmd: Adjust, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    if cmd.delta == 0:
        raise QuantityError("an adjustment must change the quantity (delta is 0)", "delta")
    _reason(cmd.reason)
    move = Move(
        StockKey(cmd.sku, cmd.location, cmd.batch), cmd.delta, Reason.ADJUSTMENT, cmd.unit_cost
    )
    return _post(uow, [move], "ADJ", cmd.user, cmd.reason, clock)


def transfer(cmd: Transfer, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    moves = transfer_moves(cmd.sku, cmd.quantity, cmd.source, cmd.destination, cmd.batch)
    return _post(uow, moves, "TRF", cmd.user, cmd.note, clock)


def count(cmd: Count, uow: UnitOfWork, clock: Clock = utc_now) -> Posted | None:
    """Posts the stocktake difference; None when the count matches the books."""
    key = StockKey(cmd.sku, cmd.location, cmd.batch)
    with uow:
        uow.stock.lock_items([cmd.sku])
        uow.locations.get(cmd.location)
        on_hand = uow.stock.lock_balances([key]).get(key, Decimal(0))
        move = stocktake_move(key, on_hand, cmd.counted)
        if move is None:
            return None
        posted = post_moves(
            uow, [move], uow.numbers.next("CNT"), cmd.user, f"counted {cmd.counted}", clock
        )
        uow.commit()
        return posted


def scrap(cmd: Scrap, uow: UnitOfWork, clock: Clock = utc_now) -> Posted:
    _positive(cmd.quantity, "quantity")
    _reason(cmd.reason)
    move = Move(StockKey(cmd.sku, cmd.location, cmd.batch), -cmd.quantity, Reason.SCRAP)
    return _post(uow, [move], "SCR", cmd.user, cmd.reason, clock)


def _post(
    uow: UnitOfWork, moves: Sequence[Move], prefix: str, user: str, note: str, clock: Clock
) -> Posted:
    with uow:
        posted = post_moves(uow, moves, uow.numbers.next(prefix), user, note, clock)
        uow.commit()
        return posted


def post_moves(
    uow: UnitOfWork,
    moves: Sequence[Move],
    document: str,
    user: str,
    note: str,
    clock: Clock,
    locked: Mapping[str, Item] | None = None,
) -> Posted:
    """Posts ``moves`` for ``document`` inside an open unit of work (the caller commits).

    Locks the items (unless the caller already holds them: ``locked``, as ``lock_items`` gave
    them), then the balances (see the store's locking order), checks every rule in
    ``takt.domain.ledger.post`` and writes the entries, balances and costs.
    """
    skus = [m.key.item for m in moves]
    if locked is None or not set(skus) <= locked.keys():
        locked = uow.stock.lock_items(skus)
    items = {sku: locked[sku] for sku in skus}
    for location in sorted({m.key.location for m in moves}):
        uow.locations.get(location)
    balances = uow.stock.lock_balances([m.key for m in moves])
    on_hand = uow.stock.on_hand(skus)
    fifo = [sku for sku, item in items.items() if item.valuation is Valuation.FIFO]
    layers = uow.stock.lock_layers(fifo) if fifo else {}
    result = post(
        moves,
        items,
        balances,
        on_hand,
        document=document,
        user=user,
        at=clock(),
        note=note,
        layers=layers,
    )
    uow.stock.apply(result)
    after = dict(on_hand)
    for entry in result.entries:
        after[entry.key.item] += entry.quantity
    for sku, item in items.items():
        event = StockBelowReorderPoint.crossed(item, on_hand[sku], after[sku], document)
        if event is not None:
            publish_event(uow, event, clock)
    return Posted(document, tuple(result.entries), tuple(result.sources))


def _positive(value: Decimal, field: str) -> None:
    if value <= 0:
        raise QuantityError(f"{field} must be positive, got {value}", field=field)


def _reason(text: str) -> None:
    if not text.strip():
        raise DomainError("a reason is required", field="reason")
