"""Allocation and the red / amber / green status of orders, from what is stored now.

Allocation is per item: what one item's lines get depends only on that item's stock, supply and
demand (and on the order of the demand lines among themselves). So the process keeps each item's
allocation between reads (``uow.memo``) under the item's change mark, which every committed change
to the item's stock or open orders renews (``store.marks``); a read takes the marks, redoes only
the items whose mark moved, and serves the rest as kept. A re-rank, a posting or an order change
therefore shows in the very next read, and after one change only its few items are recomputed.
A unit of work that has written something not yet committed allocates afresh from what it sees.
Asking about one order reads only the marks and the demand and supply of that order's items.

Choices where DOMAIN.md is silent:
- Stock is allocated company-wide (all locations together); a shipment or a consumption then
  takes it from a named location.
- An ingredient is needed at its MO's planned start; an MO that has not been scheduled yet needs
  its ingredients on its due date. An MO's output arrives at its planned finish, else its due date.
- Sales orders rank by (rank, delivery date, creation, number); their lines share the order's rank.
- The output of a make-to-order MO is kept for its own sales line: it is not general supply. The
  line's status for the part being made is the MO's: amber when it finishes by the delivery date,
  red ("made too late") when after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from takt.app.itemlines import ItemLines, other_refs
from takt.app.ports import UnitOfWork
from takt.domain.allocation import (
    Demand,
    DemandKind,
    LineAllocation,
    Peg,
    Status,
    Supply,
    SupplyKind,
    allocate,
    collector_paused,
    worst,
)
from takt.domain.availability import ItemFigures, stock_figures
from takt.domain.sales import SalesOrder

ZERO = Decimal(0)


def sales_ref(number: str, line_no: int) -> str:
    return f"{number}/{line_no}"


def ingredient_ref(number: str, sku: str) -> str:
    return f"{number}/{sku}"


@dataclass(frozen=True, slots=True)
class MadeToOrder:
    """The part of a sales line an open MO is making for it."""

    mo: str
    quantity: Decimal
    finish: date


@dataclass(slots=True)
class LineStatus:
    """A line's allocation plus, for a sales line made to order, the MO making it."""

    ref: str
    item: str
    quantity: Decimal
    allocation: LineAllocation | None
    made_to_order: MadeToOrder | None
    need_date: date
    status: Status = field(init=False)

    def __post_init__(self) -> None:
        # Worked out once: list screens read the status of every line on every read.
        if self.made_to_order is None:
            self.status = self.allocation.status if self.allocation else Status.GREEN
            return
        parts = [self.allocation.status] if self.allocation else []
        on_time = self.made_to_order.finish <= self.need_date
        parts.append(Status.AMBER if on_time else Status.RED)
        self.status = worst(parts)

    @property
    def order(self) -> str:
        return self.ref.split("/", 1)[0]

    @property
    def from_stock(self) -> Decimal:
        return self.allocation.from_stock if self.allocation else ZERO

    @property
    def reason(self) -> str:
        parts = [self.allocation.reason] if self.allocation else []
        mto = self.made_to_order
        if mto is not None:
            if mto.finish <= self.need_date:
                parts.append(
                    f"made to order: {mto.mo} finishes {mto.finish.isoformat()} "
                    f"(needed {self.need_date.isoformat()})"
                )
            else:
                parts.append(
                    f"made too late: {mto.mo} finishes {mto.finish.isoformat()}, "
                    f"needed {self.need_date.isoformat()}"
                )
        return "; ".join(parts) if parts else "nothing left to ship"

    @property
    def pegs(self) -> tuple[Peg, ...]:
        return self.allocation.pegs if self.allocation else ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything allocation knows about a set of items at one moment."""

    on_hand: dict[str, Decimal]
    demands: list[Demand]
    supplies: list[Supply]
    made_to_order: dict[str, list[MadeToOrder]]
    sales_lines: dict[str, tuple[str, Decimal, date]]
    safety_stock: dict[str, Decimal]


def snapshot(
    uow: UnitOfWork,
    skus: Sequence[str] | None = None,
    *,
    supply: bool = True,
    through: SalesOrder | None = None,
) -> Snapshot:
    """Reads the demand and supply of ``skus`` (every item when None) in a fixed number of queries.

    ``supply=False`` (for named items only) leaves out open purchase and manufacturing orders and
    the items' safety stock: what stock each line takes depends on neither. ``through`` leaves
    out the lines of sales orders that rank after it: nothing they need comes before its lines.
    """
    wanted = None if skus is None else sorted(set(skus))
    sales = uow.sales.open_lines(wanted, through)
    ingredients = uow.manufacturing.open_ingredients(wanted)
    outputs = uow.manufacturing.open_outputs(wanted) if supply else []
    purchases = uow.purchasing.open_lines(wanted) if supply else []
    mto_links = uow.manufacturing.make_to_order_links(wanted)

    made: dict[str, list[MadeToOrder]] = {}
    mto_numbers: set[str] = set()
    for link in mto_links:
        made.setdefault(sales_ref(link.order, link.line_no), []).append(
            MadeToOrder(link.mo, link.remaining, link.finish)
        )
        mto_numbers.add(link.mo)

    demands: list[Demand] = []
    sales_lines: dict[str, tuple[str, Decimal, date]] = {}
    # The lines come in priority order: an order's rank is where its first line appears.
    order_rank: dict[str, int] = {}
    for line in sales:
        order_rank.setdefault(line.order, len(order_rank))
    for line in sales:
        ref = sales_ref(line.order, line.line_no)
        sales_lines[ref] = (line.sku, line.remaining, line.delivery_date)
        mto = made.get(ref)
        from_elsewhere = line.remaining
        if mto:
            from_elsewhere -= sum((m.quantity for m in mto), ZERO)
        if from_elsewhere > 0:
            demands.append(
                Demand(
                    ref,
                    line.order,
                    line.sku,
                    from_elsewhere,
                    line.delivery_date,
                    DemandKind.SALES,
                    order_rank[line.order],
                )
            )
    for ing in ingredients:
        demands.append(
            Demand(
                ingredient_ref(ing.order, ing.sku),
                ing.order,
                ing.sku,
                ing.remaining,
                ing.need,
                DemandKind.INGREDIENT,
                ing.rank,
            )
        )

    supplies = _merge_supplies(
        [
            Supply(p.order, p.sku, p.remaining, p.expected_date, SupplyKind.PURCHASE)
            for p in purchases
        ]
        + [
            Supply(o.order, o.sku, o.remaining, o.due, SupplyKind.PRODUCTION)
            for o in outputs
            if o.order not in mto_numbers
        ]
    )
    if not supply:
        # Only what stock each line takes is wanted: no item figures, so no safety stock.
        assert wanted is not None
        return Snapshot(uow.stock.on_hand(wanted), demands, [], made, sales_lines, {})
    if wanted is None:
        item_rows = uow.items.by_sku()
        items = sorted(item_rows)
    else:
        items = sorted({d.item for d in demands} | {s.item for s in supplies} | set(wanted))
        item_rows = uow.items.many(items)
    return Snapshot(
        on_hand=uow.stock.on_hand(items),
        demands=demands,
        supplies=supplies,
        made_to_order=made,
        sales_lines=sales_lines,
        safety_stock={s: item_rows[s].safety_stock for s in items if s in item_rows},
    )


def _merge_supplies(supplies: Iterable[Supply]) -> list[Supply]:
    """One supply per order and item: two lines of one PO for the same item arrive together."""
    merged: dict[tuple[str, str], Supply] = {}
    for s in supplies:
        key = (s.ref, s.item)
        if key in merged:
            prev = merged[key]
            merged[key] = Supply(
                s.ref, s.item, prev.quantity + s.quantity, min(prev.date, s.date), s.kind
            )
        else:
            merged[key] = s
    return list(merged.values())


@dataclass(frozen=True, slots=True)
class Allocation:
    """The allocation of a set of items: every line's status and the items' figures."""

    lines: Mapping[str, LineStatus]
    figures: dict[str, ItemFigures]
    tallies: dict[str, Tally] | None = None
    """Per order, how many of its lines are green, amber and red (worked out when first asked)."""

    def order_lines(self, order: str) -> list[LineStatus]:
        prefix = f"{order}/"
        return [ln for ref, ln in self.lines.items() if ref.startswith(prefix)]

    def order_tallies(self) -> dict[str, Tally]:
        if self.tallies is None:
            tallies: dict[str, Tally] = {}
            for line in self.lines.values():
                order = line.order
                tallies[order] = tallies.get(order, NO_LINES).plus(line.status)
            object.__setattr__(self, "tallies", tallies)
        assert self.tallies is not None
        return self.tallies

    def order_status(self, order: str) -> Status:
        """The worst status of the order's lines (green when it has none)."""
        return self.order_tallies().get(order, NO_LINES).status

    def order_statuses(self) -> dict[str, Status]:
        return {order: tally.status for order, tally in self.order_tallies().items()}


@dataclass(frozen=True, slots=True)
class Tally:
    """How many lines of an order are green, amber and red."""

    green: int = 0
    amber: int = 0
    red: int = 0

    @property
    def status(self) -> Status:
        return Status.RED if self.red else Status.AMBER if self.amber else Status.GREEN

    @property
    def empty(self) -> bool:
        return not (self.green or self.amber or self.red)

    def plus(self, status: Status, count: int = 1) -> Tally:
        if status is Status.GREEN:
            return Tally(self.green + count, self.amber, self.red)
        if status is Status.AMBER:
            return Tally(self.green, self.amber + count, self.red)
        return Tally(self.green, self.amber, self.red + count)


NO_LINES = Tally()


def allocation(uow: UnitOfWork, skus: Sequence[str] | None = None) -> Allocation:
    """Allocates the items ``skus`` (all when None) as things stand in this unit of work."""
    # One object per line and no reference cycles: collections would find nothing to free.
    with collector_paused():
        if uow.marks.pending:
            return _allocation(uow, skus)
        marked = uow.marks.read(skus)
        if marked is None:
            return _allocation(uow, skus)
        epoch, marks = marked
        kept = uow.memo.setdefault(_MEMO_KEY, _Kept())
        assert isinstance(kept, _Kept)
        with kept.lock:
            return kept.refresh(uow, epoch, marks, whole=skus is None)


def from_stock(uow: UnitOfWork, order: SalesOrder, skus: Sequence[str]) -> dict[str, Decimal]:
    """What each open line of ``order`` for the items ``skus`` may take from stock now, by line
    reference (a line absent takes nothing); lines of other orders may come along.

    The green part of allocation: stock goes to the lines in priority order whatever supply is
    on its way, and a line's share depends only on the lines ahead of it. So when the kept
    allocation is out of date (as it is for items a shipment has just moved) this reads neither
    purchase nor manufacturing orders, nor the sales orders that rank after ``order``.
    """
    with collector_paused():
        if not uow.marks.pending:
            marked = uow.marks.read(skus)
            kept = uow.memo.get(_MEMO_KEY)
            if marked is not None and isinstance(kept, _Kept):
                with kept.lock:
                    lines = kept.current(*marked)
                if lines is not None:
                    return {ref: line.from_stock for ref, line in lines.items()}
        snap = snapshot(uow, skus, supply=False, through=order)
        result = allocate(snap.on_hand, [], snap.demands)
        return {ref: line.from_stock for ref, line in result.items()}


_MEMO_KEY = "availability.allocation"

# Past this share of stale items one read of everything beats reading the stale ones by name.
_READ_ALL_SHARE = 0.5


@dataclass(slots=True)
class _Kept:
    """Each item's allocation as of its mark, kept between units of work on one database."""

    epoch: int = 0
    marks: dict[str, int] = field(default_factory=dict)
    lines: dict[str, dict[str, LineStatus]] = field(default_factory=dict)
    """Each item's lines by reference; a dict is replaced, never changed, once made."""
    other: dict[str, str] = field(default_factory=dict)
    """The item of each kept line whose reference does not end with the item's SKU."""
    figures: dict[str, ItemFigures] = field(default_factory=dict)
    whole: Allocation | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(
        self, uow: UnitOfWork, epoch: int, marks: dict[str, int], *, whole: bool
    ) -> Allocation:
        """Redoes the items whose mark moved; returns the allocation of the items in ``marks``."""
        if epoch != self.epoch:
            self.epoch = epoch
            self.marks.clear()
            self.lines.clear()
            self.other.clear()
            self.figures.clear()
            self.whole = None
        stale = [sku for sku, mark in marks.items() if self.marks.get(sku) != mark]
        if stale:
            read_all = whole and len(stale) > _READ_ALL_SHARE * len(marks)
            fresh = _allocation(uow, None if read_all else stale)
            per_item: dict[str, dict[str, LineStatus]] = {sku: {} for sku in stale}
            for ref, line in fresh.lines.items():
                per_item.setdefault(line.item, {})[ref] = line
            # The whole allocation is patched item by item rather than put together again: its
            # per-order tallies by difference, its lines by swapping the items' own dicts.
            tallies = None if self.whole is None else dict(self.whole.order_tallies())
            for sku in stale:
                old, new = self.lines.get(sku, {}), per_item[sku]
                if tallies is not None:
                    for line in old.values():
                        _count(tallies, line, -1)
                    for line in new.values():
                        _count(tallies, line, 1)
                for ref in old:
                    self.other.pop(ref, None)
                self.other.update(other_refs(new))
                self.lines[sku] = new
                if sku in fresh.figures:
                    self.figures[sku] = fresh.figures[sku]
                else:
                    self.figures.pop(sku, None)
                self.marks[sku] = marks[sku]
            self.whole = (
                None
                if tallies is None
                else Allocation(ItemLines(self.lines, self.other), dict(self.figures), tallies)
            )
        if not whole:
            return self._assemble(marks)
        gone = set(self.marks) - set(marks)
        if gone:
            for sku in gone:
                for ref in self.lines[sku]:
                    self.other.pop(ref, None)
                del self.marks[sku], self.lines[sku]
                self.figures.pop(sku, None)
            self.whole = None
        if self.whole is None:
            self.whole = Allocation(ItemLines(self.lines, self.other), dict(self.figures))
        return self.whole

    def current(self, epoch: int, marks: dict[str, int]) -> dict[str, LineStatus] | None:
        """The kept lines of the items in ``marks`` when every one is up to date, else None."""
        if epoch != self.epoch or any(self.marks.get(s) != m for s, m in marks.items()):
            return None
        lines: dict[str, LineStatus] = {}
        for sku in marks:
            lines.update(self.lines[sku])
        return lines

    def _assemble(self, skus: Iterable[str]) -> Allocation:
        lines: dict[str, LineStatus] = {}
        figures: dict[str, ItemFigures] = {}
        for sku in skus:
            lines.update(self.lines[sku])
            found = self.figures.get(sku)
            if found is not None:
                figures[sku] = found
        return Allocation(lines, figures)


def _count(tallies: dict[str, Tally], line: LineStatus, count: int) -> None:
    order = line.order
    tally = tallies.get(order, NO_LINES).plus(line.status, count)
    if tally.empty:
        tallies.pop(order, None)
    else:
        tallies[order] = tally


def _allocation(uow: UnitOfWork, skus: Sequence[str] | None) -> Allocation:
    snap = snapshot(uow, skus)
    result = allocate(snap.on_hand, snap.supplies, snap.demands)
    lines: dict[str, LineStatus] = {}
    for demand in snap.demands:
        lines[demand.ref] = LineStatus(
            demand.ref,
            demand.item,
            demand.quantity,
            result[demand.ref],
            None,
            demand.need_date,
        )
    for ref, (sku, remaining, delivery) in snap.sales_lines.items():
        mto = snap.made_to_order.get(ref)
        if not mto:
            continue
        earliest = MadeToOrder(
            ", ".join(m.mo for m in mto),
            sum((m.quantity for m in mto), ZERO),
            max(m.finish for m in mto),
        )
        lines[ref] = LineStatus(ref, sku, remaining, result.get(ref), earliest, delivery)
    figures = stock_figures(snap.on_hand, snap.demands, snap.supplies, snap.safety_stock)
    return Allocation(lines, figures)
