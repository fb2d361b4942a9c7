"""Allocation and the red / amber / green status of orders, from what is stored now.

Nothing here is stored: every read allocates afresh from the ledger balances and the open orders,
so a re-rank, a posting or an order change shows in the very next read. Allocation is per item,
so asking about one order reads only the demand and supply of that order's items (a few indexed
queries), whatever the size of the order book.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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

    @property
    def from_stock(self) -> Decimal:
        return self.allocation.from_stock if self.allocation else ZERO

    @property
    def status(self) -> Status:
        if self.made_to_order is None:
            return self.allocation.status if self.allocation else Status.GREEN
        parts = [self.allocation.status] if self.allocation else []
        if self.made_to_order is not None:
            on_time = self.made_to_order.finish <= self.need_date
            parts.append(Status.AMBER if on_time else Status.RED)
        return worst(parts)

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


def snapshot(uow: UnitOfWork, skus: Sequence[str] | None = None) -> Snapshot:
    """Reads the demand and supply of ``skus`` (every item when None) in a fixed number of queries."""
    wanted = None if skus is None else sorted(set(skus))
    sales = uow.sales.open_lines(wanted)
    ingredients = uow.manufacturing.open_ingredients(wanted)
    outputs = uow.manufacturing.open_outputs(wanted)
    purchases = uow.purchasing.open_lines(wanted)
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
    order_rank = {
        number: i
        for i, number in enumerate(
            n
            for n, *_ in sorted(
                {(s.order, s.rank, s.delivery_date, s.created_at) for s in sales},
                key=lambda t: (t[1], t[2], t[3], t[0]),
            )
        )
    }
    for line in sales:
        ref = sales_ref(line.order, line.line_no)
        sales_lines[ref] = (line.sku, line.remaining, line.delivery_date)
        being_made = sum((m.quantity for m in made.get(ref, ())), ZERO)
        from_elsewhere = line.remaining - being_made
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

    lines: dict[str, LineStatus]
    figures: dict[str, ItemFigures]

    def order_lines(self, order: str) -> list[LineStatus]:
        prefix = f"{order}/"
        return [ln for ref, ln in self.lines.items() if ref.startswith(prefix)]

    def order_status(self, order: str) -> Status:
        return worst(ln.status for ln in self.order_lines(order))


def allocation(uow: UnitOfWork, skus: Sequence[str] | None = None) -> Allocation:
    """Allocates the items ``skus`` (all when None) as things stand in this unit of work."""
    # One object per line and no reference cycles: collections would find nothing to free.
    with collector_paused():
        return _allocation(uow, skus)


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
