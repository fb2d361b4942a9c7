"""Allocation: which stock and which open supply covers each demand line, and its status.

Stock is never tied to an order for good: every call to ``allocate`` works out the whole picture
again from what is on hand, what is still to arrive and what is still needed, in priority order.

Priority, per item. Demand comes in two ranked lists: sales-order lines (ranked among sales orders)
and manufacturing-order ingredient lines (ranked on the Make list). Within a list the planner's rank
always wins: lines are taken by ``rank``, then need date, then ``ref``. The two lists are merged like
the merge step of merge sort: at each step the head with the earlier need date goes first, so an
urgent line in one list never waits for a later one in the other, and never jumps ahead of a
better-ranked line in its own list. When both heads are needed on the same day the ingredient goes
first: an ingredient is needed at its MO's planned *start*, while a sales line is needed when the
finished goods leave, so the ingredient is the earlier need of the two.

Supply, per item, is one queue: the stock on hand (a negative balance counts as none), then open
purchase and manufacturing orders by date (then ``ref``, then quantity). Each demand in priority order
takes the next part of the queue, so what a line gets depends only on how much better-ranked lines
took before it. A line pegged to supply that arrives after its need date still takes it: priority
wins, and the line is red with the reason saying so.

Status of a line:

- green: the whole quantity comes from stock;
- amber: not all from stock, but fully covered by stock and supply arriving on or before the need
  date;
- red: not fully covered (a partial shortfall is red), or covered only by some supply arriving after
  the need date.

Invariants of ``allocate``'s result: per item, the stock allocated is at most ``max(on_hand, 0)``;
per supply, the quantity pegged is at most the supply's quantity; per line,
``from_stock + pegged + short == quantity``; a line is green exactly when ``from_stock == quantity``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext
from enum import StrEnum
from operator import attrgetter

from takt.domain.errors import DomainError
from takt.domain.units import normalize

ZERO = Decimal(0)

# Sums and differences of stored quantities (18 significant digits at most) stay exact.
_EXACT = Context(prec=80)


class AllocationError(DomainError):
    """A supply or demand that cannot be allocated (a non-positive quantity, a duplicate line)."""


class Status(StrEnum):
    """A line's material status, best first."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def severity(self) -> int:
        """0 for green, 1 for amber, 2 for red: a larger number is a worse status."""
        return _SEVERITY[self]

    @property
    def label(self) -> str:
        """The words a screen shows: "In stock", "Expected", "Not available"."""
        return _LABELS[self]


_SEVERITY = {Status.GREEN: 0, Status.AMBER: 1, Status.RED: 2}
_LABELS = {Status.GREEN: "In stock", Status.AMBER: "Expected", Status.RED: "Not available"}


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of ``statuses`` (red over amber over green); green when there are none."""
    result = Status.GREEN
    for status in statuses:
        if status is Status.RED:
            return status
        if status is Status.AMBER:
            result = status
    return result


class DemandKind(StrEnum):
    SALES = "sales"
    INGREDIENT = "ingredient"


class SupplyKind(StrEnum):
    PURCHASE = "purchase"
    PRODUCTION = "production"


def _check(ref: str, item: str, quantity: Decimal, what: str) -> None:
    if not ref:
        raise AllocationError(f"a {what} needs a reference", field="ref")
    if not item:
        raise AllocationError(f"{what} {ref} needs an item", field="item")
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        raise AllocationError(
            f"{what} {ref}: quantity must be a positive decimal, got {quantity!r}",
            field="quantity",
        )


@dataclass(frozen=True, slots=True)
class Supply:
    """Open supply of ``item``: the part of a PO line or an MO's output still to arrive.

    ``ref`` names the order ("PO-0012", "MO-0003"); ``date`` is the PO's expected date or the MO's
    planned finish. Invariant: ``quantity > 0``.
    """

    ref: str
    item: str
    quantity: Decimal
    date: date
    kind: SupplyKind

    def __post_init__(self) -> None:
        _check(self.ref, self.item, self.quantity, "supply")


@dataclass(frozen=True, slots=True)
class Demand:
    """A line that needs ``item``: an open sales-order line or an MO ingredient line.

    ``ref`` is unique among the demands of one allocation ("SO-0001/1", "MO-0004/OAK"); ``order``
    is the order it belongs to. ``quantity`` is what is still to ship or consume (> 0).
    ``need_date`` is the delivery date for a sales line, the MO's planned start for an ingredient.
    ``rank`` is the position of its order in its own ranked list (sales orders among themselves,
    MOs among themselves); lower is more urgent. Lines of one order share its rank.
    """

    ref: str
    order: str
    item: str
    quantity: Decimal
    need_date: date
    kind: DemandKind
    rank: int

    def __post_init__(self) -> None:
        _check(self.ref, self.item, self.quantity, "demand")


@dataclass(frozen=True, slots=True)
class Peg:
    """``quantity`` of a line covered by supply ``supply`` arriving on ``date``.

    ``on_time`` is true when the supply arrives on or before the line's need date.
    """

    supply: str
    quantity: Decimal
    date: date
    on_time: bool


@dataclass(frozen=True, slots=True)
class LineAllocation:
    """How one demand line is covered, as ``allocate`` worked it out.

    Invariants: ``from_stock + sum(peg quantities) + short == quantity``, every part >= 0; pegs are
    in supply order (date, then ref); ``status`` is green exactly when ``from_stock == quantity``,
    red when ``short > 0`` or a peg is late, amber otherwise. ``reason`` is derived from these
    figures, so it can never disagree with them.
    """

    demand: str
    item: str
    quantity: Decimal
    need_date: date
    from_stock: Decimal
    pegs: tuple[Peg, ...]
    short: Decimal
    status: Status

    @property
    def pegged(self) -> Decimal:
        """The quantity covered by open supply."""
        return sum((peg.quantity for peg in self.pegs), ZERO)

    @property
    def expected_date(self) -> date | None:
        """When the last pegged supply arrives; None when no supply is pegged."""
        return max((peg.date for peg in self.pegs), default=None)

    @property
    def reason(self) -> str:
        """Why the line has its status, naming each supply, the part it covers and its date.

        Examples: "in stock"; "expected: PO-0012 on 2026-12-03 (needed 2026-12-05)";
        "3 in stock; expected: 7 from PO-0012 on 2026-12-03 (needed 2026-12-05)";
        "expected too late: PO-0012 on 2026-12-03, needed 2026-11-28";
        "short 3 of 10: no supply"; "short 2 of 10 after 3 in stock, 5 from PO-0012 on 2026-12-03".
        Part quantities are left out when a single supply covers everything that is covered.
        """
        if self.status is Status.GREEN:
            return "in stock"
        sources = len(self.pegs) + (1 if self.from_stock else 0)
        with_quantity = sources > 1
        stock = f"{_qty(self.from_stock)} in stock" if self.from_stock else ""
        needed = self.need_date.isoformat()
        if self.short:
            head = f"short {_qty(self.short)} of {_qty(self.quantity)}"
            if not sources:
                return f"{head}: no supply"
            parts = [stock] if stock else []
            parts += [_peg_text(p, with_quantity, late_mark=True) for p in self.pegs]
            late = "" if all(p.on_time for p in self.pegs) else f", needed {needed}"
            return f"{head} after {', '.join(parts)}{late}"
        on_time = [_peg_text(p, with_quantity) for p in self.pegs if p.on_time]
        too_late = [_peg_text(p, with_quantity) for p in self.pegs if not p.on_time]
        clauses = [stock] if stock else []
        if not too_late:
            clauses.append(f"expected: {', '.join(on_time)} (needed {needed})")
        else:
            if on_time:
                clauses.append(f"expected: {', '.join(on_time)}")
            clauses.append(f"expected too late: {', '.join(too_late)}, needed {needed}")
        return "; ".join(clauses)


def _qty(value: Decimal) -> str:
    return str(normalize(value))


def _peg_text(peg: Peg, with_quantity: bool, late_mark: bool = False) -> str:
    text = f"{peg.supply} on {peg.date.isoformat()}"
    if with_quantity:
        text = f"{_qty(peg.quantity)} from {text}"
    if late_mark and not peg.on_time:
        text += " (too late)"
    return text


def order_status(lines: Iterable[LineAllocation]) -> Status:
    """An order's material status: the worst of its lines (green for an order with none)."""
    return worst(line.status for line in lines)


_RANK_ORDER = attrgetter("rank", "need_date", "ref")
_SUPPLY_ORDER = attrgetter("date", "ref", "quantity")


def allocate(
    on_hand: Mapping[str, Decimal],
    supplies: Iterable[Supply],
    demands: Iterable[Demand],
) -> dict[str, LineAllocation]:
    """Allocates stock and open supply to every demand in priority order (see the module doc).

    ``on_hand`` is the stock of each item (a missing item has none; a negative balance counts as
    none). Returns one ``LineAllocation`` per demand, keyed by demand ref, in a fixed order (items
    by SKU, then priority): the result does not depend on the order of the inputs.
    Raises ``AllocationError`` when two demands share a ref.
    """
    sales: dict[str, list[Demand]] = {}
    ingredients: dict[str, list[Demand]] = {}
    count = 0
    for demand in demands:
        lists = ingredients if demand.kind is DemandKind.INGREDIENT else sales
        bucket = lists.get(demand.item)
        if bucket is None:
            lists[demand.item] = [demand]
        else:
            bucket.append(demand)
        count += 1
    queues: dict[str, list[Supply]] = {}
    for supply in supplies:
        queue = queues.get(supply.item)
        if queue is None:
            queues[supply.item] = [supply]
        else:
            queue.append(supply)

    result: dict[str, LineAllocation] = {}
    with localcontext(_EXACT), collector_paused():
        for item in sorted(sales.keys() | ingredients.keys()):
            order = _priority_order(
                sorted(ingredients.get(item, ()), key=_RANK_ORDER),
                sorted(sales.get(item, ()), key=_RANK_ORDER),
            )
            queue = sorted(queues.get(item, ()), key=_SUPPLY_ORDER)
            _allocate_item(item, on_hand.get(item, ZERO), queue, order, result)
    if len(result) != count:
        raise _duplicate(sales, ingredients)
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses CPython's cyclic garbage collector for the block, if it is running.

    ``allocate`` creates one object per line and no reference cycles, so a collection during the
    call finds nothing to free; yet at 100,000 lines the allocations alone trigger full-heap
    collections that cost about a third of the call. Reference counting still frees everything.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _priority_order(ingredients: Sequence[Demand], sales: Sequence[Demand]) -> Iterable[Demand]:
    """Merges the two rank-ordered lists by need date; an ingredient wins a tie."""
    if not sales:
        return ingredients
    if not ingredients:
        return sales
    return _merge(ingredients, sales)


def _merge(ingredients: Sequence[Demand], sales: Sequence[Demand]) -> Iterator[Demand]:
    """The merge step of merge sort: the head needed first goes next (an ingredient on a tie)."""
    i = j = 0
    n_ingredients, n_sales = len(ingredients), len(sales)
    while i < n_ingredients and j < n_sales:
        if sales[j].need_date < ingredients[i].need_date:
            yield sales[j]
            j += 1
        else:
            yield ingredients[i]
            i += 1
    yield from ingredients[i:]
    yield from sales[j:]


def _allocate_item(
    item: str,
    on_hand: Decimal,
    queue: Sequence[Supply],
    order: Iterable[Demand],
    result: dict[str, LineAllocation],
) -> None:
    """Gives each demand of one item, in ``order``, the next part of stock then ``queue``."""
    stock = on_hand if on_hand > 0 else ZERO
    k, n = 0, len(queue)
    left = queue[0].quantity if queue else ZERO  # still unpegged of queue[k]
    green, amber, red, no_pegs = Status.GREEN, Status.AMBER, Status.RED, ()
    pegs: list[Peg] = []  # reused for every line: one list per item, not one per line
    for demand in order:
        quantity = demand.quantity
        if stock >= quantity:
            stock -= quantity
            result[demand.ref] = LineAllocation(
                demand.ref, item, quantity, demand.need_date, quantity, no_pegs, ZERO, green
            )
            continue
        from_stock, stock = stock, ZERO
        rest = quantity - from_stock
        need = demand.need_date
        late = False
        while rest and k < n:
            supply = queue[k]
            if left > rest:
                take, left, rest = rest, left - rest, ZERO
            else:
                take, rest = left, rest - left
                k += 1
                left = queue[k].quantity if k < n else ZERO
            on_time = supply.date <= need
            late = late or not on_time
            pegs.append(Peg(supply.ref, take, supply.date, on_time))
        status = red if rest or late else amber
        result[demand.ref] = LineAllocation(
            demand.ref, item, quantity, need, from_stock, tuple(pegs), rest, status
        )
        pegs.clear()


def _duplicate(*lists: Mapping[str, list[Demand]]) -> AllocationError:
    seen: set[str] = set()
    for by_item in lists:
        for bucket in by_item.values():
            for demand in bucket:
                if demand.ref in seen:
                    return AllocationError(
                        f"two demand lines share the reference {demand.ref}", field="ref"
                    )
                seen.add(demand.ref)
    raise AssertionError("no duplicate demand ref found")  # pragma: no cover
