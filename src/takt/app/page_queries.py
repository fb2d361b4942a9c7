"""Read models for the Items and Costs pages: each reads in one read-only transaction, with a
fixed number of queries whatever the number of items, BOM levels or orders.

- ``item_page``: an item, its BOM as a tree (quantity per parent unit, wastage, the quantity
  needed for the chosen quantity, made or bought, and each node's rolled-up planned cost) and its
  routing (operations with their effective hourly rate).
- ``cost_report``: every MO's planned against actual cost (as ``orders_queries.mo_costs`` computes
  it for one MO) and every sales order's revenue, cost of goods shipped and margin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from takt.app.manufacturing import overhead_rules
from takt.app.orders_queries import CostView, cost_view
from takt.app.ports import UnitOfWorkFactory
from takt.app.stock import Clock, utc_now
from takt.domain.bom import BomBook, fraction_to_quantity
from takt.domain.costing import CostBreakdown, CostRollup
from takt.domain.items import Item
from takt.domain.manufacturing import MOStatus
from takt.domain.routing import Operation
from takt.domain.sales import SalesStatus
from takt.domain.units import round_cost

ZERO = Decimal(0)

# ---------------------------------------------------------------- one item


@dataclass(frozen=True, slots=True)
class BomNode:
    """One BOM line under its parent, for ``quantity`` (stock unit) of the top item.

    ``per_unit`` is the line's quantity per one parent unit in the line's ``line_unit``;
    ``cost`` the planned cost of ``quantity`` (rolled up for a made node), None when unknown.
    """

    level: int
    sku: str
    name: str
    per_unit: Decimal
    line_unit: str
    wastage_pct: Decimal
    quantity: Decimal
    unit: str
    made: bool
    cost: Decimal | None
    estimated: bool
    children: tuple[BomNode, ...]


@dataclass(frozen=True, slots=True)
class OperationRow:
    sequence: int
    name: str
    workstation: str
    workstation_name: str
    setup_minutes: Decimal
    run_minutes: Decimal
    cost_per_hour: Decimal | None
    minutes: Decimal
    cost: Decimal | None


@dataclass(frozen=True, slots=True)
class ItemPage:
    item: Item
    in_stock: Decimal
    quantity: Decimal
    tree: tuple[BomNode, ...]
    operations: tuple[OperationRow, ...]
    cost: CostBreakdown | None
    depth: int


def item_page(uows: UnitOfWorkFactory, sku: str, quantity: Decimal = Decimal(1)) -> ItemPage:
    """``sku`` with its BOM tree and routing for ``quantity`` (> 0) of it."""
    with uows(read_only=True) as uow:
        items = uow.items.by_sku()
        book = BomBook(items, uow.recipes.boms())
        item = book.item(sku)  # NotFound for an unknown SKU
        routings = uow.recipes.routings()
        stations = uow.resources.workstations()
        on_hand = uow.stock.on_hand([sku])
    rates = {code: ws.cost_per_hour for code, ws in stations.items()}
    rollup = CostRollup(book, routings, rates)
    tree = _children(book, rollup, sku, Fraction(quantity), 1)
    routing = routings.get(item.recipe_sku)
    operations = tuple(
        OperationRow(
            op.sequence,
            op.name,
            op.workstation,
            stations[op.workstation].name if op.workstation in stations else "",
            op.setup_minutes,
            op.run_minutes,
            op.cost_per_hour if op.cost_per_hour is not None else rates.get(op.workstation),
            op.minutes_for(quantity),
            _operation_cost(op, Fraction(quantity), rates.get(op.workstation)),
        )
        for op in (routing.operations if routing is not None else ())
    )
    has_recipe = book.bom_of(sku) is not None or routing is not None
    return ItemPage(
        item=item,
        in_stock=on_hand.get(sku, ZERO),
        quantity=quantity,
        tree=tree,
        operations=operations,
        cost=rollup.cost(sku, quantity) if has_recipe else None,
        depth=_depth(tree),
    )


def _operation_cost(op: Operation, quantity: Fraction, rate: Decimal | None) -> Decimal | None:
    """Planned labour cost of the operation for ``quantity`` (None: unknown workstation)."""
    if rate is None and op.cost_per_hour is None:
        return None
    value = op.cost_for(quantity, rate if rate is not None else ZERO)
    return round_cost(Decimal(value.numerator) / Decimal(value.denominator))


def _children(
    book: BomBook, rollup: CostRollup, sku: str, qty: Fraction, level: int
) -> tuple[BomNode, ...]:
    nodes: list[BomNode] = []
    for line, component, factor in book.component_factors(sku):
        need = qty * factor
        made = book.bom_of(component.sku) is not None
        needed = fraction_to_quantity(need)
        if made:
            rolled = rollup.cost(component.sku, needed)
            cost: Decimal | None = rolled.total
            estimated = rolled.estimated or bool(rolled.missing)
        else:
            valued = component.cost_for_valuation()
            cost = round_cost(needed * valued[0]) if valued is not None else None
            estimated = valued is not None and valued[1]
        nodes.append(
            BomNode(
                level=level,
                sku=component.sku,
                name=component.name,
                per_unit=line.quantity,
                line_unit=line.unit,
                wastage_pct=line.wastage_pct,
                quantity=needed,
                unit=component.unit,
                made=made,
                cost=cost,
                estimated=estimated,
                children=_children(book, rollup, component.sku, need, level + 1) if made else (),
            )
        )
    return tuple(nodes)


def _depth(nodes: tuple[BomNode, ...]) -> int:
    return max((max(n.level, _depth(n.children)) for n in nodes), default=0)


# ---------------------------------------------------------------- costs


@dataclass(frozen=True, slots=True)
class MarginRow:
    number: str
    customer: str
    customer_name: str
    status: str
    revenue: Decimal
    cost_shipped: Decimal
    margin: Decimal

    @property
    def margin_pct(self) -> Decimal | None:
        return round(self.margin * 100 / self.revenue, 1) if self.revenue else None


@dataclass(frozen=True, slots=True)
class CostReport:
    mos: list[CostView]
    sales: list[MarginRow]


MO_SHOWN = [s.value for s in MOStatus if s is not MOStatus.CANCELLED]
SALES_SHOWN = [s.value for s in SalesStatus if s not in (SalesStatus.QUOTE, SalesStatus.CANCELLED)]


def cost_report(uows: UnitOfWorkFactory, clock: Clock = utc_now) -> CostReport:
    """Planned against actual cost of every MO that is not cancelled (by number), and the margin
    of every confirmed sales order (not quotes, not cancelled)."""
    with uows(read_only=True) as uow:
        mos = uow.manufacturing.orders(MO_SHOWN)
        items = uow.items.by_sku()
        book = BomBook(items, uow.recipes.boms())
        routings = uow.recipes.routings()
        rates = {code: ws.cost_per_hour for code, ws in uow.resources.workstations().items()}
        overhead = overhead_rules(uow)
        orders = uow.sales.orders(SALES_SHOWN)
        names = {c.code: c.name for c in uow.partners.customers().values()}
    rollup = CostRollup(book, routings, rates)
    now = clock()
    views = [cost_view(mo, items, rollup, overhead, now) for mo in mos]
    views.sort(key=lambda v: v.number)
    margins = [
        MarginRow(
            o.number,
            o.customer,
            names.get(o.customer, ""),
            o.status.value,
            o.revenue,
            o.cost_shipped,
            o.margin,
        )
        for o in sorted(orders, key=lambda o: o.number)
    ]
    return CostReport(views, margins)
